/**
 * Entra's sign-in as the emulated Graph's tenants see it (Microsoft identity platform, v2.0
 * endpoints): app-only tokens by client credentials, and a person's delegated tokens by the device
 * authorization grant (RFC 8628; Learn, "OAuth 2.0 device authorization grant") and refresh
 * tokens. Tokens are shaped like Entra's: a JWT whose payload carries `tid`, `idtyp`, and either
 * `roles` (app-only) or `scp` and `wids` (delegated); the signature is random bytes.
 *
 *   POST /entra/{tenant}/oauth2/v2.0/token        client_credentials, device_code, refresh_token
 *   POST /entra/{tenant}/oauth2/v2.0/devicecode   a user code for a public client and its scopes
 *   GET|POST /entra/devicelogin                   where the person enters the code and signs in
 *
 * Strict where Entra is documented to be: a token is asked for a resource by its identifier (the
 * global Graph's, which the emulator plays, or the emulator's own origin; AADSTS500011 otherwise); a delegated token holds only the requested scopes the tenant consented to for that
 * client (Entra, "Permissions and consent": admin-only scopes need an admin's consent first), so a
 * run must read what it got; a refresh that asks for a scope nobody consented to is refused
 * (AADSTS65001), as Entra does; `.default` gets what was consented; the polling interval is
 * Entra's 5 s.
 */
import { randomBytes } from "node:crypto";
import type { AccessTokenClaims } from "../../contract/graph/signIn";
import type { Reply } from "./errors";
import type { SignInUser, Tenant } from "../store";

/** What the emulated Graph knows of a token it issued. */
export interface IssuedToken {
    tenantId: string;
    expiresAt: number;
    /** Application permissions (app-only) or delegated scopes, as the token's claims carry them. */
    claims: AccessTokenClaims;
    /** A delegated token's user, for the Intune role Intune itself checks (not a claim). */
    user?: SignInUser;
}

interface PendingDeviceCode {
    tenantId: string;
    clientId: string;
    scopes: string[];
    userCode: string;
    expiresAt: number;
    user?: SignInUser;
}

interface SignInContext {
    now(): number;
    tenantByEntraId(id: string): Tenant | undefined;
    tenantById(id: string): Tenant | undefined;
    persist(): void;
}

/**
 * The global cloud's Graph, which the emulator plays: a token asked for it is one for the emulator's
 * Graph, as is one asked for the emulator's own origin (the root a client addressed, as a national
 * cloud's Graph is its own). Any other resource is refused.
 */
const globalGraphResource = "https://graph.microsoft.com";

const oauthError = (status: number, error: string, description: string): Reply => ({
    status,
    body: { error, error_description: description },
});

const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

/** What the sign-in keeps between requests. */
interface SignInState {
    ctx: SignInContext;
    tokens: Map<string, IssuedToken>;
    deviceCodes: Map<string, PendingDeviceCode>;
    refreshTokens: Map<string, { tenantId: string; clientId: string; upn: string; scopes: string[] }>;
}

function mint(state: SignInState, tenant: Tenant, origin: string, claims: AccessTokenClaims, user?: SignInUser): Reply {
    const expiresAt = state.ctx.now() + 3599_000;
    const payload = { aud: origin, tid: tenant.entraTenantId, ...claims, exp: Math.floor(expiresAt / 1000) };
    const accessToken = [part({ typ: "JWT", alg: "none" }), part(payload), randomBytes(32).toString("base64url")].join(
        ".",
    );
    state.tokens.set(accessToken, { tenantId: tenant.id, expiresAt, claims: payload, user });
    return {
        status: 200,
        body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken },
        tenantId: tenant.id,
    };
}

/** The scopes of a request, for this emulator's Graph only: `<resource>/X` or bare `X` (Graph is the default resource). */
function requestedScopes(raw: string | null, origin: string): { scopes: string[] } | { error: Reply } {
    const scopes: string[] = [];
    for (const scope of (raw ?? "").split(" ").filter(Boolean)) {
        if (["openid", "profile", "offline_access", "email"].includes(scope)) continue;
        const resource = [origin, globalGraphResource].find((r) => scope.startsWith(r + "/"));
        const name = scope.includes("://") ? resource && scope.slice(resource.length + 1) : scope;
        if (name === undefined)
            return {
                error: oauthError(
                    400,
                    "invalid_resource",
                    `AADSTS500011: The resource principal named ${scope.replace(/\/[^/]*$/, "")} was not found in the tenant. This emulator's Microsoft Graph is ${origin}.`,
                ),
            };
        scopes.push(name);
    }
    return { scopes };
}

function clientCredentials(state: SignInState, tenant: Tenant, form: URLSearchParams, origin: string): Reply {
    const app = tenant.graphApps.find((a) => a.clientId === form.get("client_id"));
    if (!app || app.clientSecret !== form.get("client_secret")) {
        return oauthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
    }
    const scope = requestedScopes(form.get("scope"), origin);
    if ("error" in scope) return scope.error;
    if (scope.scopes.length !== 1 || scope.scopes[0] !== ".default")
        return oauthError(
            400,
            "invalid_scope",
            "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.",
        );
    return mint(state, tenant, origin, { idtyp: "app", appid: app.clientId, roles: app.roles });
}

function deviceCode(state: SignInState, tenant: Tenant, form: URLSearchParams, origin: string): Reply {
    const clientId = form.get("client_id") ?? "";
    if (!tenant.publicClients?.[clientId])
        return oauthError(
            400,
            "unauthorized_client",
            `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`,
        );
    const scope = requestedScopes(form.get("scope"), origin);
    if ("error" in scope) return scope.error;
    const code = randomBytes(32).toString("base64url");
    const userCode = randomBytes(6).toString("hex").toUpperCase().slice(0, 9);
    const expiresAt = state.ctx.now() + 900_000;
    state.deviceCodes.set(code, { tenantId: tenant.id, clientId, scopes: scope.scopes, userCode, expiresAt });
    const verification = `${origin}/entra/devicelogin`;
    return {
        status: 200,
        body: {
            device_code: code,
            user_code: userCode,
            verification_uri: verification,
            expires_in: 900,
            interval: 5,
            message: `To sign in, use a web browser to open the page ${verification} and enter the code ${userCode} to authenticate.`,
        },
    };
}

/** A delegated token for `user`: the requested scopes the tenant consented to for the client, the user's directory roles. */
function delegated(
    state: SignInState,
    at: { tenant: Tenant; origin: string; clientId: string },
    user: SignInUser,
    requested: string[],
): Reply {
    const { tenant, origin, clientId } = at;
    const consented = tenant.publicClients?.[clientId] ?? [];
    const scopes = requested.includes(".default") ? consented : requested.filter((s) => consented.includes(s));
    const refreshToken = randomBytes(48).toString("base64url");
    const upn = user.userPrincipalName;
    state.refreshTokens.set(refreshToken, { tenantId: tenant.id, clientId, upn, scopes: requested });
    const claims = { idtyp: "user", appid: clientId, upn, scp: scopes.join(" "), wids: user.wids };
    const reply = mint(state, tenant, origin, claims, user);
    return { ...reply, body: { ...(reply.body as object), scope: scopes.join(" "), refresh_token: refreshToken } };
}

function redeemDeviceCode(state: SignInState, tenant: Tenant, form: URLSearchParams, origin: string): Reply {
    const pending = state.deviceCodes.get(form.get("device_code") ?? "");
    if (!pending || pending.tenantId !== tenant.id || pending.clientId !== form.get("client_id"))
        return oauthError(400, "invalid_grant", "AADSTS70000: The provided device code is invalid.");
    if (pending.expiresAt <= state.ctx.now())
        return oauthError(
            400,
            "expired_token",
            "AADSTS70020: The provided value for the input parameter 'device_code' is expired.",
        );
    if (!pending.user)
        return oauthError(
            400,
            "authorization_pending",
            "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        );
    state.deviceCodes.delete(form.get("device_code")!);
    return delegated(state, { tenant, origin, clientId: pending.clientId }, pending.user, pending.scopes);
}

/** A refresh: a scope nobody consented to for the client is refused (AADSTS65001); `.default` gets what was consented. */
function redeemRefreshToken(state: SignInState, tenant: Tenant, form: URLSearchParams, origin: string): Reply {
    const entry = state.refreshTokens.get(form.get("refresh_token") ?? "");
    const user = tenant.signInUsers?.find((u) => u.userPrincipalName === entry?.upn);
    if (!entry || entry.tenantId !== tenant.id || entry.clientId !== form.get("client_id") || !user)
        return oauthError(
            400,
            "invalid_grant",
            "AADSTS9002313: Invalid request. The refresh token is malformed or not valid.",
        );
    const scope = requestedScopes(form.get("scope"), origin);
    if ("error" in scope) return scope.error;
    const requested = scope.scopes.length > 0 ? scope.scopes : entry.scopes;
    const consented = tenant.publicClients?.[entry.clientId] ?? [];
    const unconsented = requested.filter((s) => s !== ".default" && !consented.includes(s));
    if (unconsented.length > 0)
        return oauthError(
            400,
            "invalid_grant",
            `AADSTS65001: The user or administrator has not consented to use the application with ID '${entry.clientId}'. Send an interactive authorization request for this user and resource (${unconsented.join(", ")}).`,
        );
    return delegated(state, { tenant, origin, clientId: entry.clientId }, user, requested);
}

function redeem(state: SignInState, tenant: Tenant, form: URLSearchParams, origin: string): Reply {
    switch (form.get("grant_type")) {
        case "client_credentials":
            return clientCredentials(state, tenant, form, origin);
        case "urn:ietf:params:oauth:grant-type:device_code":
            return redeemDeviceCode(state, tenant, form, origin);
        case "refresh_token":
            return redeemRefreshToken(state, tenant, form, origin);
        default:
            return oauthError(
                400,
                "unsupported_grant_type",
                `AADSTS70003: The app requested an unsupported grant type '${form.get("grant_type")}'.`,
            );
    }
}

const deviceLoginForm =
    '<!doctype html><title>Sign in</title><form method="post"><label>Code <input name="code"></label><label>User <input name="username"></label><label>Password <input name="password" type="password"></label><button>Sign in</button></form>';

/** The verification page: a form (GET), and the person's code, name and password (POST, form-encoded). */
function deviceLogin(state: SignInState, method: string, raw: string): Reply {
    if (method === "GET")
        return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: deviceLoginForm };
    const form = new URLSearchParams(raw);
    const code = form.get("code")?.trim().toUpperCase();
    const pending = [...state.deviceCodes.values()].find((d) => d.userCode === code);
    const tenant = pending && state.ctx.tenantById(pending.tenantId);
    const user = tenant?.signInUsers?.find(
        (u) =>
            u.userPrincipalName.toLowerCase() === (form.get("username") ?? "").toLowerCase() &&
            u.password === form.get("password"),
    );
    if (!pending || pending.expiresAt <= state.ctx.now())
        return { status: 400, body: "AADSTS70000: the code is unknown or expired." };
    if (!user)
        return { status: 401, body: "AADSTS50126: Error validating credentials due to invalid username or password." };
    pending.user = user;
    return {
        status: 200,
        headers: { "content-type": "text/plain" },
        body: `Signed in as ${user.userPrincipalName}; you may close this window.`,
    };
}

export function createSignIn(ctx: SignInContext, tokens: Map<string, IssuedToken>) {
    const state: SignInState = { ctx, tokens, deviceCodes: new Map(), refreshTokens: new Map() };
    return {
        /** Handles Entra's sign-in paths below `prefix`, or returns undefined for any other path. */
        handle(method: string, path: string, raw: string, origin: string, prefix: string): Reply | undefined {
            if (path === `${prefix}/devicelogin`) return deviceLogin(state, method, raw);
            const match = new RegExp(`^${prefix}/([^/]+)/oauth2/v2\\.0/(token|devicecode)$`).exec(path);
            if (!match || method !== "POST") return undefined;
            const tenant = ctx.tenantByEntraId(decodeURIComponent(match[1]));
            if (!tenant) return oauthError(400, "invalid_request", `AADSTS90002: Tenant '${match[1]}' not found.`);
            const form = new URLSearchParams(raw);
            return match[2] === "token" ? redeem(state, tenant, form, origin) : deviceCode(state, tenant, form, origin);
        },
    };
}
