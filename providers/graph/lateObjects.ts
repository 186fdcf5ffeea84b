/**
 * Objects that appear late. Entra and Intune replicate a new object before every reader sees it:
 * an immediate read, assign or reference may answer 404, or 400 naming the missing object
 * ("Designing for eventual consistency for Microsoft Entra"; the Terraform provider for Microsoft
 * 365 retries such calls after every create). A request about an object this run has just created,
 * or that references one, is therefore repeated for a bounded time (`lateObjectMs`, at most every
 * `pollIntervalMs`) while it meets such an answer. Nothing is ever deleted or created again because
 * of one.
 */
import { pause, reportWait } from "../http/retry";
import type { GraphClient } from "./client";

/** A 404, or a 400 whose message says a referenced object does not exist (yet). */
function notVisibleYet(err: unknown): boolean {
    const e = err as { status?: number; message?: string };
    if (e.status === 404) return true;
    return e.status === 400 && /not (been )?found|does not exist|doesn't exist/i.test(e.message ?? "");
}

/** Runs `operation` until it no longer meets a not-yet-replicated answer, within the policy's `lateObjectMs`. */
export async function tolerateLate<T>(graph: GraphClient, what: string, operation: () => Promise<T>): Promise<T> {
    const { lateObjectMs, pollIntervalMs } = graph.policy;
    const deadline = Date.now() + lateObjectMs;
    for (;;) {
        try {
            return await operation();
        } catch (err) {
            if (!notVisibleYet(err) || Date.now() + pollIntervalMs > deadline) throw err;
        }
        reportWait(graph.policy, pollIntervalMs, `${what} is not visible yet (a new object replicates)`);
        await pause(pollIntervalMs);
    }
}
