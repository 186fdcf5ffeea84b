/**
 * The HTTP client for the Lookout console-settings contract. Every route is in
 * `contract/lookout/routes.ts` and every payload schema in `contract/lookout/schemas.ts`, shared
 * with the emulator, so pointing the project at a different endpoint layout is a change there.
 *
 * Dynamic providers capture this module by value, so it holds plain functions and no module-scope
 * state: a client is built per provider instance from its settings.
 */
import type { z } from "zod";
import { tokenResponseSchema } from "../../contract/lookout/schemas";
import { defaultLookoutBaseUrl, validateServiceUrl } from "../../contract/endpoints";
import { lookoutPaths } from "../../contract/lookout/routes";
import { defaultRetryPolicy, type RetryPolicy, sendWithRetry } from "../http/retry";
import { type AccessToken, createTokenCache, renewalTime } from "../http/tokenCache";

export interface LookoutClientSettings {
    baseUrl: string;
    applicationKey: string;
    /** `lookout:settingsMode`: in `checklist` mode the settings providers release what they hold instead of writing. */
    settingsMode?: "api" | "checklist";
    retry?: Partial<RetryPolicy>;
}

export interface LookoutResponse<T> {
    status: number;
    body: T;
    etag?: string;
    /** The service's clock when it answered (the `Date` header, epoch ms), when it sent one. */
    date?: number;
}

/** Refuses plain http except on loopback, where the emulator runs. Returns the URL without a trailing slash. */
export function validateBaseUrl(raw: string, key = "lookout:baseUrl"): string {
    return validateServiceUrl(raw, key, defaultLookoutBaseUrl);
}

/** An error answered by the Lookout API, carrying what a user needs to act on it (never the key). */
export function lookoutApiError(method: string, path: string, status: number, body: unknown): Error {
    const b = (body ?? {}) as Record<string, unknown>;
    const code = (b.errorCode ?? b.error ?? "HTTP_" + status) as string;
    const message = (b.message ?? b.error_description ?? "") as string;
    // The console contract says `requestId`; Lookout's Mobile Risk API v2 answers `{error, request-id}`.
    const id = b.requestId ?? b["request-id"];
    const requestId = id ? ` (requestId ${id})` : "";
    let hint = "";
    if (status === 401 || code === "invalid_client") {
        hint =
            " Check the Lookout application key (stack config lookout:applicationKey or LOOKOUT_APPLICATION_KEY); it may be revoked or expired.";
    } else if (status === 403) {
        hint =
            " The application key lacks the permission for this setting; create a key with the settings:read and settings:write scopes in the Lookout console.";
    } else if (status === 412) {
        hint =
            " The setting was changed outside Pulumi since the stack last read it; run `pulumi refresh` to see the change, then `pulumi up`.";
    }
    return Object.assign(
        new Error(
            `Lookout API ${method} ${path} failed: ${status} ${code}${message ? ": " + message : ""}${requestId}.${hint}`,
        ),
        {
            status,
            errorCode: code,
        },
    );
}

/** A body as JSON; an error's body that is not JSON becomes its message (a success's must be JSON). */
function parseBody(text: string, ok: boolean): unknown {
    if (!text) return undefined;
    try {
        return JSON.parse(text);
    } catch (err) {
        if (ok) throw err;
        return {
            message: text
                .replace(/<[^>]*>/g, " ")
                .replace(/\s+/g, " ")
                .trim()
                .slice(0, 200),
        };
    }
}

type Send = (
    method: string,
    path: string,
    init: { headers: Record<string, string>; body?: string },
) => Promise<Response>;
type LookoutToken = AccessToken & { scopes?: string[] };

/** The OAuth exchange: the application key for an access token and the scopes it carries. */
async function exchangeKey(send: Send, applicationKey: string): Promise<LookoutToken> {
    const response = await send("POST", lookoutPaths.token, {
        headers: {
            authorization: `Bearer ${applicationKey}`,
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
        },
        body: "grant_type=client_credentials",
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw lookoutApiError("POST", lookoutPaths.token, response.status, body);
    const parsed = tokenResponseSchema().parse(body);
    return {
        value: parsed.access_token,
        expiresAt: renewalTime(Date.now() + parsed.expires_in * 1000),
        scopes: parsed.scope?.split(" ").filter(Boolean),
    };
}

function dateOf(header: string | null): number | undefined {
    const ms = header ? Date.parse(header) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
}

export interface LookoutRequestOptions<T> {
    body?: unknown;
    ifMatch?: string;
    schema?: z.ZodType<T>;
    allow404?: boolean;
}

async function lookoutRequest<T>(
    send: Send,
    tokens: ReturnType<typeof createTokenCache<LookoutToken>>,
    method: "GET" | "PUT" | "PATCH" | "DELETE",
    path: string,
    options: LookoutRequestOptions<T> = {},
): Promise<LookoutResponse<T> | undefined> {
    // A token can expire between renewal and use when other calls race it; two renewals cover that,
    // and a revoked key fails at the token endpoint itself.
    for (let renewals = 0; ; renewals++) {
        const headers: Record<string, string> = {
            authorization: `Bearer ${(await tokens.get()).value}`,
            accept: "application/json",
        };
        if (options.body !== undefined) headers["content-type"] = "application/json";
        if (options.ifMatch) headers["if-match"] = options.ifMatch;
        const response = await send(method, path, {
            headers,
            body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
        if (response.status === 401 && renewals < 2) {
            await response.body?.cancel();
            tokens.invalidate();
            continue;
        }
        // Read tolerantly: an error page that is not JSON (a gateway's HTML 404) still fails with its status.
        const body = parseBody(await response.text(), response.ok);
        if (response.status === 404 && options.allow404) return undefined;
        if (!response.ok)
            throw Object.assign(lookoutApiError(method, path, response.status, body), {
                date: dateOf(response.headers.get("date")),
            });
        return {
            status: response.status,
            body: options.schema ? options.schema.parse(body) : (body as T),
            etag: response.headers.get("etag") ?? undefined,
            date: dateOf(response.headers.get("date")),
        };
    }
}

export function createLookoutClient(settings: LookoutClientSettings) {
    const policy: RetryPolicy = { ...defaultRetryPolicy, ...(settings.retry ?? {}) };
    const baseUrl = validateBaseUrl(settings.baseUrl);
    // Lookout's guidance: retry throttling and server errors, but not 501 (never going to work).
    const retryable = (status: number) => status === 429 || (status >= 500 && status !== 501);
    const send: Send = (method, path, init) =>
        sendWithRetry(
            { method, url: baseUrl + path, ...init, describe: `Lookout API ${method} ${path}` },
            policy,
            retryable,
        );
    const tokens = createTokenCache<LookoutToken>(() => exchangeKey(send, settings.applicationKey));
    const request = <T>(method: "GET" | "PUT" | "PATCH" | "DELETE", path: string, options?: LookoutRequestOptions<T>) =>
        lookoutRequest<T>(send, tokens, method, path, options);

    /** Fails before any write when the key's token says it may not write settings. */
    async function assertCanWrite(what: string): Promise<void> {
        const { scopes } = await tokens.get();
        if (scopes && !scopes.includes("settings:write")) {
            throw new Error(
                `${what} needs the Lookout scope settings:write, which the application key lacks (it has: ${scopes.join(", ") || "none"}); create a key with settings:read and settings:write. Nothing was changed.`,
            );
        }
    }

    /**
     * Opens a Server-Sent Events stream (`GET`, `Accept: text/event-stream`) with the client's token,
     * renewed when Lookout answers 401, as every request is. Resolves once the head arrived (within
     * the attempt timeout), the body still streaming; a refusal throws Lookout's error, with the
     * `status` and any `Retry-After` (seconds) on it, so the caller decides whether to try again.
     * Not retried here: a stream's reconnection is the stream reader's (providers/lookout/eventStream.ts).
     */
    async function openStream(
        path: string,
        options: { lastEventId?: string; signal?: AbortSignal } = {},
    ): Promise<LookoutResponse<ReadableStream<Uint8Array>>> {
        for (let renewals = 0; ; renewals++) {
            const headers: Record<string, string> = {
                authorization: `Bearer ${(await tokens.get()).value}`,
                accept: "text/event-stream",
                "cache-control": "no-cache",
            };
            if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
            const connecting = new AbortController();
            const abort = () => connecting.abort(options.signal?.reason);
            options.signal?.addEventListener("abort", abort, { once: true });
            if (options.signal?.aborted) abort();
            const timer = setTimeout(
                () => connecting.abort(new Error(`no answer within ${policy.attemptTimeoutMs} ms`)),
                policy.attemptTimeoutMs,
            );
            let response: Response;
            try {
                response = await fetch(baseUrl + path, { headers, signal: connecting.signal });
            } catch (err) {
                options.signal?.removeEventListener("abort", abort);
                const e = err as Error & { cause?: { code?: string } };
                throw Object.assign(
                    new Error(
                        `Lookout API GET ${path} failed: ${connecting.signal.aborted && !options.signal?.aborted ? String(connecting.signal.reason?.message ?? "timeout") : `connection failed (${e.cause?.code ?? e.message})`}`,
                    ),
                    { status: 0, errorCode: "CONNECTION_FAILED", cause: err },
                );
            } finally {
                clearTimeout(timer);
            }
            if (response.status === 401 && renewals < 2) {
                options.signal?.removeEventListener("abort", abort);
                await response.body?.cancel();
                tokens.invalidate();
                continue;
            }
            if (!response.ok || !response.body) {
                options.signal?.removeEventListener("abort", abort);
                const body = parseBody(await response.text(), false);
                const retryAfter = Number(response.headers.get("retry-after"));
                throw Object.assign(lookoutApiError("GET", path, response.status, body), {
                    date: dateOf(response.headers.get("date")),
                    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
                });
            }
            return { status: response.status, body: response.body, date: dateOf(response.headers.get("date")) };
        }
    }

    /**
     * Exchanges the application key for a token (once per client): fails with the key's hint when
     * Lookout refuses it. Resolves to the scopes the token carries, when Lookout says.
     */
    async function verifyKey(): Promise<string[] | undefined> {
        return (await tokens.get()).scopes;
    }

    return { baseUrl, request, openStream, assertCanWrite, verifyKey, settingsMode: settings.settingsMode ?? "api" };
}

export type LookoutClient = ReturnType<typeof createLookoutClient>;
