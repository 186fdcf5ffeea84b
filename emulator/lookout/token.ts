/**
 * Lookout's access control as the contract describes it: an application key exchanged for a
 * bearer token that expires, scopes carried by the key (`settings:read` for GET, `settings:write`
 * for every write), and a per-tenant rate limit that the token endpoint and every call count against.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError, type RateWindows, type Reply } from "../http";
import { lookoutScopes, type Store, type Tenant } from "../store";

interface AccessOptions {
    store: Store;
    windows: RateWindows;
    /** Requests a minute per tenant before 429. */
    rateLimitPerMinute: number;
    /** Lifetime of access tokens in seconds. */
    tokenTtlSeconds: number;
}

/** Who a token acts for, as Lookout's audit trail names it (`models.Actor`). */
export interface LookoutActor {
    guid: string;
    type: "ADMIN" | "SYSTEM";
    /** A console user's address (ADMIN actors). */
    email?: string;
}

/** A GUID derived from a name: the same name always gives the same GUID (shaped as RFC 4122 version 5). */
export function guidOf(name: string): string {
    const h = createHash("sha1").update(name).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A console user, as the audit trail names the admin. */
export const consoleAdmin = (email: string): LookoutActor => ({
    guid: guidOf(`admin:${email.toLowerCase()}`),
    type: "ADMIN",
    email: email.toLowerCase(),
});

/**
 * The actor of a key: a console user's key acts as that admin; any other application key is
 * audited as SYSTEM with a GUID of its own (an assumption: Lookout publishes no settings API, so
 * how it would audit a key's change is unknown), never the key itself.
 */
function actorOfKey(tenant: Tenant, key: string): LookoutActor {
    const email = tenant.consoleUserKeys?.[key];
    if (email) return consoleAdmin(email);
    return { guid: guidOf(`key:${createHash("sha256").update(key).digest("hex")}`), type: "SYSTEM" };
}

/** An authenticated call: its tenant, who it acts for, and whether its token is still valid (a stream outlives a request). */
export interface LookoutSession {
    tenant: Tenant;
    actor: LookoutActor;
    valid(): boolean;
}

function bearer(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization ?? "";
    return header.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
}

export function createLookoutAccess({ store, windows, rateLimitPerMinute, tokenTtlSeconds }: AccessOptions) {
    const tokens = new Map<string, { tenantId: string; scopes: string[]; expiresAt: number; actor: LookoutActor }>();

    function takeRateBudget(tenantId: string) {
        const wait = windows.overBudget(tenantId, rateLimitPerMinute);
        if (wait !== undefined) {
            throw new HttpError(
                429,
                "RATE_LIMITED",
                `more than ${rateLimitPerMinute} requests a minute for this tenant`,
                { "retry-after": String(wait) },
            );
        }
    }

    /** The call's tenant, actor and token, once the call is counted and its scope checked; throws 401, 403 or 429. */
    function session(req: IncomingMessage): LookoutSession {
        const token = bearer(req);
        const entry = token ? tokens.get(token) : undefined;
        if (!entry) throw new HttpError(401, "UNAUTHORIZED", "missing or unknown access token");
        if (entry.expiresAt <= Date.now())
            throw new HttpError(401, "TOKEN_EXPIRED", "the access token has expired; request a new one");
        const tenant = store.tenantById(entry.tenantId);
        if (!tenant) throw new HttpError(401, "UNAUTHORIZED", "the tenant of this token no longer exists");
        takeRateBudget(tenant.id);
        const needed = req.method === "GET" ? "settings:read" : "settings:write";
        if (!entry.scopes.includes(needed))
            throw new HttpError(403, "INSUFFICIENT_SCOPE", `the application key lacks the scope ${needed}`);
        return { tenant, actor: entry.actor, valid: () => entry.expiresAt > Date.now() };
    }

    return {
        /** `POST /oauth2/token`: the client-credentials grant, the application key as bearer; errors as RFC 6749 section 5.2. */
        issueToken(req: IncomingMessage, body: string): Reply {
            const form = new URLSearchParams(body);
            if (form.get("grant_type") !== "client_credentials") {
                return {
                    status: 400,
                    body: {
                        error: "unsupported_grant_type",
                        error_description: "grant_type must be client_credentials",
                    },
                };
            }
            const key = bearer(req);
            const tenant = key ? store.tenantByKey(key) : undefined;
            if (!tenant)
                return { status: 401, body: { error: "invalid_client", error_description: "unknown application key" } };
            takeRateBudget(tenant.id);
            const accessToken = randomBytes(32).toString("base64url");
            const scopes = tenant.keyScopes?.[key!] ?? [...lookoutScopes];
            const expiresAt = Date.now() + tokenTtlSeconds * 1000;
            tokens.set(accessToken, { tenantId: tenant.id, scopes, expiresAt, actor: actorOfKey(tenant, key!) });
            // Lookout's Swagger (its "Token Response" table): token_type "Always Bearer", and expires_at,
            // "Always" provided, in milliseconds since the epoch, beside expires_in.
            return {
                status: 200,
                body: {
                    access_token: accessToken,
                    token_type: "Bearer",
                    expires_in: tokenTtlSeconds,
                    expires_at: expiresAt,
                    scope: scopes.join(" "),
                },
            };
        },

        /** The tenant of the request's token, once the call is counted and its scope checked; throws 401, 403 or 429. */
        authenticate: (req: IncomingMessage): Tenant => session(req).tenant,

        /** As `authenticate`, with who the token acts for and whether it is still valid later on. */
        session,

        expireTokens() {
            for (const entry of tokens.values()) entry.expiresAt = 0;
        },
        issuedTokens: () => [...tokens.keys()],
    };
}
