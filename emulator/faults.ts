/**
 * Fault injection for tests: a plan says which share of matching requests fails and how.
 * Selection is deterministic (every 1/share-th request), so a test that asks for 30% gets 30%.
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
        .refine((p) => p.kind !== "status" || p.status !== undefined, { message: "a status fault needs a status", path: ["status"] })
        .refine((p) => p.kind !== "delay" || p.delayMs !== undefined, { message: "a delay fault needs delayMs", path: ["delayMs"] });
}
export type FaultPlan = z.infer<ReturnType<typeof faultPlanSchema>>;
export type FaultPlanInput = z.input<ReturnType<typeof faultPlanSchema>>;

export function createFaultInjector() {
    let plans: Array<{ plan: FaultPlan; seen: number; injected: number }> = [];
    return {
        set(newPlans: FaultPlanInput[]) {
            plans = newPlans.map((plan) => ({ plan: faultPlanSchema().parse(plan), seen: 0, injected: 0 }));
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
                const before = Math.floor(entry.seen * plan.share);
                entry.seen += 1;
                if (Math.floor(entry.seen * plan.share) > before) {
                    entry.injected += 1;
                    return plan;
                }
            }
            return undefined;
        },
        stats: () => plans.map(({ plan, seen, injected }) => ({ plan, seen, injected })),
    };
}
