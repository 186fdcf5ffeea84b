/**
 * One HTTP exchange with bounded retries: throttling and server errors, dropped connections and
 * attempts that outlive their timeout. `Retry-After` is honoured up to a cap; otherwise the wait
 * grows exponentially with full jitter. Shared by the Lookout and Microsoft Graph clients, which
 * differ only in which statuses they retry.
 *
 * Plain functions only: dynamic providers capture this module by value.
 */

export interface RetryPolicy {
    /** Attempts per request, the first one included. */
    maxAttempts: number;
    /** Delay before the first retry; doubled on each further retry, with full jitter. */
    baseDelayMs: number;
    /** Longest single wait, also the cap on a server's `Retry-After`. */
    maxDelayMs: number;
    /** Time after which one attempt is abandoned as a timeout. */
    attemptTimeoutMs: number;
    /** Wall-clock budget for one request, all attempts and waits included. */
    totalBudgetMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 250,
    maxDelayMs: 30_000,
    attemptTimeoutMs: 20_000,
    totalBudgetMs: 120_000,
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
        if (response) lastProblem = `HTTP ${response.status}`;
        else if (exchange.idempotent === false) break;
        const retryAfter = response?.headers.get("retry-after") ?? null;
        if (response) await response.body?.cancel();
        if (attempt === policy.maxAttempts || Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, retryDelay(policy, attempt, retryAfter, deadline)));
    }
    throw Object.assign(
        new Error(
            `${exchange.describe} did not succeed (last: ${lastProblem}; retries: at most ${policy.maxAttempts} attempts within ${Math.round(policy.totalBudgetMs / 1000)} s). Nothing further was changed; run \`pulumi up\` again when the service recovers.`,
        ),
        { status: 0, errorCode: "RETRIES_EXHAUSTED" },
    );
}

/** The wait before retry number `attempt`: the server's Retry-After (capped) or jittered exponential backoff. */
function retryDelay(policy: RetryPolicy, attempt: number, retryAfter: string | null, deadline: number): number {
    let ms = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
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
