/**
 * One HTTP exchange with bounded retries, as Microsoft's Graph SDKs retry (msgraph-sdk-design,
 * RetryHandler): `Retry-After` honoured up to 180 s; without it (Intune sends none) an exponential
 * back-off from 3 s with jitter, never an immediate retry, which would count against the same
 * throttling window. The budget outlasts Intune's 20-second windows. Shared by the Lookout and
 * Microsoft Graph clients, which differ only in which statuses they retry. A wait of a second or
 * more is reported on stderr, which the engine shows beside the resource, so a throttled run says
 * what it waits for instead of sitting silent.
 *
 * Plain functions only: dynamic providers capture this module by value.
 */

export interface RetryPolicy {
    /** Attempts per request, the first one included. */
    maxAttempts: number;
    /** Delay before the first retry; doubled on each further retry, plus up to a quarter of jitter. */
    baseDelayMs: number;
    /** Longest single wait, also the cap on a server's `Retry-After`. */
    maxDelayMs: number;
    /** Time after which one attempt is abandoned as a timeout. */
    attemptTimeoutMs: number;
    /** Wall-clock budget for one request, all attempts and waits included. */
    totalBudgetMs: number;
    /** Interval of repeated reads: a late write looked for, an app until published, an object until it replicates. */
    pollIntervalMs: number;
    /** How long an object this run created (or one it references) may answer 404 or 400 before that counts. */
    lateObjectMs: number;
    /** Waits this long or longer are reported on stderr. */
    reportWaitsFromMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 3_000,
    maxDelayMs: 180_000,
    attemptTimeoutMs: 30_000,
    totalBudgetMs: 300_000,
    pollIntervalMs: 2_000,
    lateObjectMs: 60_000,
    reportWaitsFromMs: 1_000,
};

export interface Exchange {
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
    /** For messages: the service and route, never a credential. */
    describe: string;
    /**
     * Whether repeating the request is harmless. A request that is not (a POST that creates) is
     * retried only when the service answered that it did not process it (a retryable status), never
     * after a dropped connection or a timeout, which may have hidden a success.
     */
    idempotent?: boolean;
}

/** Statuses that say the service did not process the request: running out of retries on them leaves nothing written. */
const notProcessed = (status: number) => status === 429 || status === 503;

/**
 * Whether a failed request may have been carried out after all (a dropped connection, a timeout, a
 * 500 or 502, or retries that ran out on such answers), so that a create must look for its late
 * write before anything is repeated. Exhausted retries on 429 or 503 are not: nothing was processed.
 */
export function outcomeUnknown(err: unknown): boolean {
    const e = err as { status?: number; outcome?: string };
    if (e.outcome === "not processed") return false;
    return (e.status ?? 0) === 0 || e.status === 500 || e.status === 502 || e.status === 504;
}

/** Reports a wait the run is about to make (stderr: the engine shows a provider's stderr with the resource). */
export function reportWait(policy: RetryPolicy, ms: number, why: string): void {
    if (ms >= policy.reportWaitsFromMs)
        process.stderr.write(`lookout-mtp: ${why}; waiting ${Math.round(ms / 100) / 10} s\n`);
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the request until it gets an answer that is not retryable, or gives up with an error that
 * says what was tried and what to do.
 */
export async function sendWithRetry(
    exchange: Exchange,
    policy: RetryPolicy,
    retryable: (status: number) => boolean,
): Promise<Response> {
    const deadline = Date.now() + policy.totalBudgetMs;
    let lastProblem = "";
    let lastStatus = 0;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
        let response: Response | undefined;
        try {
            response = await fetch(exchange.url, {
                method: exchange.method,
                headers: exchange.headers,
                body: exchange.body,
                signal: AbortSignal.timeout(Math.min(policy.attemptTimeoutMs, Math.max(1, deadline - Date.now()))),
            });
        } catch (err) {
            const e = err as Error & { cause?: { code?: string } };
            lastProblem =
                e.name === "TimeoutError"
                    ? `no answer within ${policy.attemptTimeoutMs} ms`
                    : `connection failed (${e.cause?.code ?? e.message})`;
        }
        if (response && !retryable(response.status)) return response;
        lastStatus = response?.status ?? 0;
        if (response) lastProblem = `HTTP ${response.status}`;
        else if (exchange.idempotent === false) break;
        const retryAfter = response?.headers.get("retry-after") ?? null;
        if (response) await response.body?.cancel();
        if (attempt === policy.maxAttempts || Date.now() >= deadline) break;
        const wait = retryDelay(policy, attempt, retryAfter, deadline);
        reportWait(
            policy,
            wait,
            `${exchange.describe}: ${lastProblem}${retryAfter ? ` (Retry-After ${retryAfter})` : ""}, attempt ${attempt + 1} of ${policy.maxAttempts} next`,
        );
        await pause(wait);
    }
    throw Object.assign(
        new Error(
            `${exchange.describe} did not succeed (last: ${lastProblem}; retries: at most ${policy.maxAttempts} attempts within ${Math.round(policy.totalBudgetMs / 1000)} s). Nothing further was changed; run \`pulumi up\` again when the service recovers.`,
        ),
        { status: 0, errorCode: "RETRIES_EXHAUSTED", outcome: notProcessed(lastStatus) ? "not processed" : "unknown" },
    );
}

/**
 * The wait before retry number `attempt`: the server's Retry-After (capped), or the exponential
 * back-off from `baseDelayMs` with up to a quarter more of jitter, so that clients throttled
 * together do not come back together, and never below the base.
 */
function retryDelay(policy: RetryPolicy, attempt: number, retryAfter: string | null, deadline: number): number {
    const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    let ms = Math.min(policy.maxDelayMs, exponential * (1 + Math.random() / 4));
    if (retryAfter) {
        const seconds = Number(retryAfter);
        const fromHeader = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
        if (Number.isFinite(fromHeader)) ms = Math.max(0, Math.min(policy.maxDelayMs, fromHeader));
    }
    return Math.min(ms, Math.max(0, deadline - Date.now()));
}

/**
 * Overrides of the retry policy from LOOKOUT_MTP_RETRY_POLICY (JSON, e.g. `{"attemptTimeoutMs":5000}`),
 * for pipelines that want a shorter budget. A malformed value is an error that names the variable.
 */
export function retryPolicyFromEnv(raw = process.env.LOOKOUT_MTP_RETRY_POLICY): Partial<RetryPolicy> | undefined {
    if (!raw) return undefined;
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw new Error(`LOOKOUT_MTP_RETRY_POLICY is not JSON; use e.g. {"maxAttempts":4,"attemptTimeoutMs":5000}`);
    }
    const keys = Object.keys(defaultRetryPolicy);
    const entries = Object.entries(parsed as Record<string, unknown>);
    const bad = entries.filter(
        ([k, v]) =>
            !keys.includes(k) || typeof v !== "number" || !Number.isFinite(v) || v < (k === "maxAttempts" ? 1 : 0),
    );
    if (typeof parsed !== "object" || parsed === null || bad.length > 0) {
        throw new Error(
            `LOOKOUT_MTP_RETRY_POLICY: ${bad.map(([k]) => k).join(", ") || "value"} invalid; allowed keys (non-negative numbers): ${keys.join(", ")}`,
        );
    }
    return parsed as Partial<RetryPolicy>;
}
