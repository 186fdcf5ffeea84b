/**
 * The HTTP client for the Lookout console-settings contract. Every route the providers use is in
 * `lookoutPaths` below, so pointing the project at a different endpoint layout is a change to this
 * one file. The payload schemas are in `contract/lookout/schemas.ts`, shared with the emulator.
 *
 * Dynamic providers capture this module by value, so it holds plain functions and no module-scope
 * state: a client is built per provider instance from its settings.
 */
import type { z } from "zod";
import { tokenResponseSchema } from "../../contract/lookout/schemas";

export const lookoutPaths = {
    token: "/oauth2/token",
    intuneConnector: "/console/v1/connectors/intune",
    consoleUsers: "/console/v1/users",
    notificationPreferences: (email: string) => `/console/v1/users/${encodeURIComponent(email)}/notification-preferences`,
    threatClassifications: "/console/v1/threat-classifications",
} as const;

export const defaultLookoutBaseUrl = "https://api.lookout.com";

/** How hard the client tries before it gives up; documented in the README's reliability section. */
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

export interface LookoutClientSettings {
    baseUrl: string;
    applicationKey: string;
    retry?: Partial<RetryPolicy>;
}

export interface LookoutResponse<T> {
    status: number;
    body: T;
    etag?: string;
}

/** Refuses plain http except on loopback, where the emulator runs. Returns the URL without a trailing slash. */
export function validateBaseUrl(raw: string, key = "lookout:baseUrl"): string {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw new Error(`${key} '${raw}' is not a valid URL; use e.g. ${defaultLookoutBaseUrl}`);
    }
    const loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].includes(url.hostname);
    if (url.protocol === "http:" && !loopback) {
        throw new Error(
            `${key} '${raw}' uses plain http to a non-loopback host; the application key would travel unencrypted. Use https (http is accepted only for 127.0.0.1, ::1 and localhost).`,
        );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new Error(`${key} '${raw}' must be an https URL`);
    }
    return url.toString().replace(/\/+$/, "");
}

/** An error answered by the Lookout API, carrying what a user needs to act on it (never the key). */
export function lookoutApiError(method: string, path: string, status: number, body: unknown): Error {
    const b = (body ?? {}) as Record<string, unknown>;
    const code = (b.errorCode ?? b.error ?? "HTTP_" + status) as string;
    const message = (b.message ?? b.error_description ?? "") as string;
    const requestId = b.requestId ? ` (requestId ${b.requestId})` : "";
    let hint = "";
    if (status === 401 || code === "invalid_client") {
        hint = " Check the Lookout application key (stack config lookout:applicationKey or LOOKOUT_APPLICATION_KEY); it may be revoked or expired.";
    } else if (status === 403) {
        hint = " The application key lacks the permission for this setting; create a key with console-settings access in the Lookout console.";
    } else if (status === 412) {
        hint = " The setting was changed outside Pulumi since the stack last read it; run `pulumi refresh` to see the change, then `pulumi up`.";
    }
    return Object.assign(new Error(`Lookout API ${method} ${path} failed: ${status} ${code}${message ? ": " + message : ""}${requestId}.${hint}`), {
        status,
        errorCode: code,
    });
}

export function createLookoutClient(settings: LookoutClientSettings) {
    const policy: RetryPolicy = { ...defaultRetryPolicy, ...(settings.retry ?? {}) };
    const baseUrl = validateBaseUrl(settings.baseUrl);
    let token: { value: string; expiresAt: number } | undefined;

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const retryable = (status: number) => status === 429 || (status >= 500 && status !== 501);

    function delayFor(attempt: number, retryAfter: string | null, deadline: number): number {
        let ms = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        if (retryAfter) {
            const seconds = Number(retryAfter);
            const fromHeader = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
            if (Number.isFinite(fromHeader)) ms = Math.max(0, Math.min(policy.maxDelayMs, fromHeader));
        }
        return Math.min(ms, Math.max(0, deadline - Date.now()));
    }

    /** One HTTP exchange with retries for throttling, server errors, dropped connections and timeouts. */
    async function send(method: string, path: string, init: { headers: Record<string, string>; body?: string }) {
        const deadline = Date.now() + policy.totalBudgetMs;
        let lastProblem = "";
        for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
            let response: Response | undefined;
            try {
                response = await fetch(baseUrl + path, {
                    method,
                    headers: init.headers,
                    body: init.body,
                    signal: AbortSignal.timeout(Math.min(policy.attemptTimeoutMs, Math.max(1, deadline - Date.now()))),
                });
            } catch (err) {
                const e = err as Error & { cause?: { code?: string } };
                lastProblem = e.name === "TimeoutError" ? `no answer within ${policy.attemptTimeoutMs} ms` : `connection failed (${e.cause?.code ?? e.message})`;
            }
            if (response && !retryable(response.status)) return response;
            if (response) lastProblem = `HTTP ${response.status}`;
            const retryAfter = response?.headers.get("retry-after") ?? null;
            if (response) await response.body?.cancel();
            if (attempt === policy.maxAttempts || Date.now() >= deadline) break;
            await sleep(delayFor(attempt, retryAfter, deadline));
        }
        throw Object.assign(
            new Error(
                `Lookout API ${method} ${path} did not succeed after ${policy.maxAttempts} attempts within ${Math.round(policy.totalBudgetMs / 1000)} s (last: ${lastProblem}). Nothing further was changed; run \`pulumi up\` again when the service recovers.`,
            ),
            { status: 0, errorCode: "RETRIES_EXHAUSTED" },
        );
    }

    async function fetchToken(): Promise<string> {
        const response = await send("POST", lookoutPaths.token, {
            headers: {
                authorization: `Bearer ${settings.applicationKey}`,
                "content-type": "application/x-www-form-urlencoded",
                accept: "application/json",
            },
            body: "grant_type=client_credentials",
        });
        const body = await response.json().catch(() => ({}));
        if (!response.ok) throw lookoutApiError("POST", lookoutPaths.token, response.status, body);
        const parsed = tokenResponseSchema().parse(body);
        // Renew a minute early so a token never expires between our check and the server's.
        token = { value: parsed.access_token, expiresAt: Date.now() + (parsed.expires_in - 60) * 1000 };
        return token.value;
    }

    async function request<T>(
        method: "GET" | "PUT" | "PATCH" | "DELETE",
        path: string,
        options: { body?: unknown; ifMatch?: string; schema?: z.ZodType<T>; allow404?: boolean } = {},
    ): Promise<LookoutResponse<T> | undefined> {
        for (let renewed = false; ; renewed = true) {
            const accessToken = token && token.expiresAt > Date.now() ? token.value : await fetchToken();
            const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: "application/json" };
            if (options.body !== undefined) headers["content-type"] = "application/json";
            if (options.ifMatch) headers["if-match"] = options.ifMatch;
            const response = await send(method, path, {
                headers,
                body: options.body === undefined ? undefined : JSON.stringify(options.body),
            });
            if (response.status === 401 && !renewed) {
                await response.body?.cancel();
                token = undefined;
                continue;
            }
            const text = await response.text();
            const body = text ? JSON.parse(text) : undefined;
            if (response.status === 404 && options.allow404) return undefined;
            if (!response.ok) throw lookoutApiError(method, path, response.status, body);
            return {
                status: response.status,
                body: options.schema ? options.schema.parse(body) : (body as T),
                etag: response.headers.get("etag") ?? undefined,
            };
        }
    }

    return { baseUrl, request };
}

export type LookoutClient = ReturnType<typeof createLookoutClient>;
