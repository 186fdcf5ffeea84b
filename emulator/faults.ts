/**
 * Fault injection for tests: a plan says which share of matching requests fails and how.
 * Selection is deterministic (every 1/share-th request), so a test that asks for 30% gets 30%.
 *
 * A request repeated (a retry: same method and path) meets no more faults in a row than it would
 * if it were the only one: with a share of 50%, one. Counting alone would make the outcome depend
 * on the order in which concurrent requests arrive (the engine runs resources in parallel): one
 * request's retries could keep landing on the failing turns while others take the passing ones,
 * and an `up` that should survive the share would exhaust its retries on some runs only.
 */
import { z } from "zod";

export function faultPlanSchema() {
    return z
        .object({
            /**
             * What a selected request gets: an HTTP status, a dropped connection before it is handled,
             * a slow answer, `loseResponse` (handled, then the connection drops before the answer), or
             * `expireTokens` (every access token expires just before this request is handled).
             */
            kind: z.enum(["status", "drop", "delay", "loseResponse", "expireTokens"]),
            status: z.number().int().min(400).max(599).optional(),
            retryAfterSeconds: z.number().min(0).optional(),
            delayMs: z.number().int().min(0).max(120_000).optional(),
            /** Share of matching requests that fail, 0..1. */
            share: z.number().min(0).max(1).default(1),
            /** Stop after this many injected faults. */
            limit: z.number().int().positive().optional(),
            /** Only requests whose path starts with this. */
            pathPrefix: z.string().optional(),
            /** Only these methods. */
            methods: z.array(z.string()).optional(),
        })
        .strict()
        .refine((p) => p.kind !== "status" || p.status !== undefined, {
            message: "a status fault needs a status",
            path: ["status"],
        })
        .refine((p) => p.kind !== "delay" || p.delayMs !== undefined, {
            message: "a delay fault needs delayMs",
            path: ["delayMs"],
        });
}
export type FaultPlan = z.infer<ReturnType<typeof faultPlanSchema>>;
export type FaultPlanInput = z.input<ReturnType<typeof faultPlanSchema>>;

/** The most faults in a row that every 1/share-th request gives one request repeated alone: 1 up to 50%. */
function longestRun(share: number): number {
    return share >= 1 ? Infinity : Math.ceil(share / (1 - share));
}

export function createFaultInjector() {
    let plans: Array<{ plan: FaultPlan; seen: number; injected: number; inARow: Map<string, number> }> = [];
    const held = new Set<() => void>();
    return {
        set(newPlans: FaultPlanInput[]) {
            plans = newPlans.map((plan) => ({
                plan: faultPlanSchema().parse(plan),
                seen: 0,
                injected: 0,
                inARow: new Map(),
            }));
        },
        clear() {
            plans = [];
        },
        /** The fault to inject into this request, if any. */
        pick(method: string, path: string): FaultPlan | undefined {
            for (const entry of plans) {
                const { plan } = entry;
                if (plan.pathPrefix && !path.startsWith(plan.pathPrefix)) continue;
                if (plan.methods && !plan.methods.includes(method)) continue;
                if (plan.limit !== undefined && entry.injected >= plan.limit) continue;
                const request = `${method} ${path}`;
                const inARow = entry.inARow.get(request) ?? 0;
                const turn = Math.floor((entry.seen + 1) * plan.share) > Math.floor(entry.seen * plan.share);
                entry.inARow.delete(request);
                // A request that has met its run of faults passes, and leaves the failing turn to the next one.
                if (turn && inARow >= longestRun(plan.share)) return undefined;
                entry.seen += 1;
                if (turn) {
                    entry.injected += 1;
                    entry.inARow.set(request, inARow + 1);
                    return plan;
                }
            }
            return undefined;
        },
        stats: () => plans.map(({ plan, seen, injected }) => ({ plan, seen, injected })),
        /** Holds a request for a `delay` fault's time, or until `release()`. */
        hold(ms: number): Promise<void> {
            return new Promise((resolve) => {
                const release = () => {
                    clearTimeout(timer);
                    held.delete(release);
                    resolve();
                };
                // A held request does not keep a test process alive.
                const timer = setTimeout(release, ms).unref();
                held.add(release);
            });
        },
        /**
         * Ends every hold now. A test that needs something done while a request is held (a console
         * edit between the stack's read and its write) releases it when that is done, instead of
         * racing a fixed delay.
         */
        release() {
            for (const release of [...held]) release();
        },
    };
}
