/**
 * Intune's throttling as Graph documents it (contract/graph/intuneService.ts): sliding 20-second
 * windows per service, per app per tenant and per tenant, one for writes and one for any request;
 * a request over any of them answers 429 with no `Retry-After`. Where the documents are silent the
 * harsher reading is played: a refused request counts against the windows too (Microsoft: "avoid
 * immediate retries, because all requests accrue against your usage limits"), and the window
 * slides rather than resetting on the 20-second mark.
 *
 * Time runs at `timeScale` (0.1: a 20-second window lasts 2 s), so suites stay fast.
 */
import { type IntuneLimits, intuneServiceOf, intuneThrottling } from "../../contract/graph/intuneService";
import { GraphError } from "./errors";

export interface IntuneThrottlingOptions {
    timeScale: number;
    limits: IntuneLimits;
}

export function createIntuneThrottling({ timeScale, limits }: IntuneThrottlingOptions) {
    const windowMs = intuneThrottling.windowMs * timeScale;
    const windows = new Map<string, number[]>();
    /** Counts the request in the window `key`; whether it was already at `limit`. */
    function over(key: string, limit: number, at: number): boolean {
        const recent = (windows.get(key) ?? []).filter((t) => t > at - windowMs);
        recent.push(at);
        windows.set(key, recent);
        return recent.length > limit;
    }
    return {
        /** Throws Intune's 429 when the request is over one of its service's windows. */
        take(tenantId: string, appId: string, method: string, path: string): void {
            const service = intuneServiceOf(path);
            if (!service) return;
            const at = Date.now();
            const write = method !== "GET";
            const checks: Array<[string, number]> = [
                [`${service}:${tenantId}:${appId}:any`, limits.requestsPerAppPerTenant],
                [`${service}:${tenantId}:any`, limits.requestsPerTenant],
                ...(write
                    ? ([
                          [`${service}:${tenantId}:${appId}:write`, limits.writesPerAppPerTenant],
                          [`${service}:${tenantId}:write`, limits.writesPerTenant],
                      ] as Array<[string, number]>)
                    : []),
            ];
            // Every window counts the request, so none is skipped once another refuses it.
            const refused = checks.map(([key, limit]) => over(key, limit, at)).some(Boolean);
            if (refused)
                throw new GraphError(
                    429,
                    "TooManyRequests",
                    "Too many requests to the Intune service in the current window; try again later.",
                );
        },
    };
}
export type IntuneThrottling = ReturnType<typeof createIntuneThrottling>;
