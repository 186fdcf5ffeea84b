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
 * run must read what it got; the polling interval is Entra's 5 s.
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

export function createSignIn(ctx: SignInContext, tokens: Map<string, IssuedToken>) {
    const deviceCodes = new Map<string, PendingDeviceCode>();
    const refreshTokens = new Map<string, { tenantId: string; clientId: string; upn: string; scopes: string[] }>();

    function mint(tenant: Tenant, origin: string, claims: AccessTokenClaims, user?: SignInUser): Reply {
        const expiresAt = ctx.now() + 3599_000;
        const payload = { aud: origin, tid: tenant.entraTenantId, ...claims, exp: Math.floor(expiresAt / 1000) };
        const accessToken = [
            part({ typ: "JWT", alg: "none" }),
            part(payload),
            randomBytes(32).toString("base64url"),
        ].join(".");
        tokens.set(accessToken, { tenantId: tenant.id, expiresAt, claims: payload, user });
        return {
            status: 200,
            body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken },
            tenantId: tenant.id,
        };
    }

    /** The scopes of a request, for this emulator's Graph only: `<origin>/X` or bare `X` (Graph is the default resource). */
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

    function clientCredentials(tenant: Tenant, form: URLSearchParams, origin: string): Reply {
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
        return mint(tenant, origin, { idtyp: "app", appid: app.clientId, roles: app.roles });
    }

    function deviceCode(tenant: Tenant, form: URLSearchParams, origin: string): Reply {
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
        deviceCodes.set(code, {
            tenantId: tenant.id,
            clientId,
            scopes: scope.scopes,
            userCode,
            expiresAt: ctx.now() + 900_000,
        });
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
    function delegated(tenant: Tenant, origin: string, clientId: string, user: SignInUser, requested: string[]): Reply {
        const consented = tenant.publicClients?.[clientId] ?? [];
        const scopes = requested.includes(".default") ? consented : requested.filter((s) => consented.includes(s));
        const refreshToken = randomBytes(48).toString("base64url");
        refreshTokens.set(refreshToken, {
            tenantId: tenant.id,
            clientId,
            upn: user.userPrincipalName,
            scopes: requested,
        });
        const reply = mint(
            tenant,
            origin,
            { idtyp: "user", appid: clientId, upn: user.userPrincipalName, scp: scopes.join(" "), wids: user.wids },
            user,
        );
        return { ...reply, body: { ...(reply.body as object), scope: scopes.join(" "), refresh_token: refreshToken } };
    }

    function redeem(tenant: Tenant, form: URLSearchParams, origin: string): Reply {
        const grant = form.get("grant_type");
        if (grant === "client_credentials") return clientCredentials(tenant, form, origin);
        if (grant === "urn:ietf:params:oauth:grant-type:device_code") {
            const pending = deviceCodes.get(form.get("device_code") ?? "");
            if (!pending || pending.tenantId !== tenant.id || pending.clientId !== form.get("client_id"))
                return oauthError(400, "invalid_grant", "AADSTS70000: The provided device code is invalid.");
            if (pending.expiresAt <= ctx.now())
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
            deviceCodes.delete(form.get("device_code")!);
            return delegated(tenant, origin, pending.clientId, pending.user, pending.scopes);
        }
        if (grant === "refresh_token") {
            const entry = refreshTokens.get(form.get("refresh_token") ?? "");
            const user = tenant.signInUsers?.find((u) => u.userPrincipalName === entry?.upn);
            if (!entry || entry.tenantId !== tenant.id || entry.clientId !== form.get("client_id") || !user)
                return oauthError(
                    400,
                    "invalid_grant",
                    "AADSTS9002313: Invalid request. The refresh token is malformed or not valid.",
                );
            const scope = requestedScopes(form.get("scope"), origin);
            if ("error" in scope) return scope.error;
            return delegated(
                tenant,
                origin,
                entry.clientId,
                user,
                scope.scopes.length > 0 ? scope.scopes : entry.scopes,
            );
        }
        return oauthError(
            400,
            "unsupported_grant_type",
            `AADSTS70003: The app requested an unsupported grant type '${grant}'.`,
        );
    }

    /** The verification page: a form (GET), and the person's code, name and password (POST, form-encoded). */
    function deviceLogin(method: string, raw: string): Reply {
        if (method === "GET")
            return {
                status: 200,
                headers: { "content-type": "text/html; charset=utf-8" },
                body: '<!doctype html><title>Sign in</title><form method="post"><label>Code <input name="code"></label><label>User <input name="username"></label><label>Password <input name="password" type="password"></label><button>Sign in</button></form>',
            };
        const form = new URLSearchParams(raw);
        const pending = [...deviceCodes.values()].find((d) => d.userCode === form.get("code")?.trim().toUpperCase());
        const tenant = pending && ctx.tenantById(pending.tenantId);
        const user = tenant?.signInUsers?.find(
            (u) =>
                u.userPrincipalName.toLowerCase() === (form.get("username") ?? "").toLowerCase() &&
                u.password === form.get("password"),
        );
        if (!pending || pending.expiresAt <= ctx.now())
            return { status: 400, body: "AADSTS70000: the code is unknown or expired." };
        if (!user)
            return {
                status: 401,
                body: "AADSTS50126: Error validating credentials due to invalid username or password.",
            };
        pending.user = user;
        return {
            status: 200,
            headers: { "content-type": "text/plain" },
            body: `Signed in as ${user.userPrincipalName}; you may close this window.`,
        };
    }

    return {
        /** Handles Entra's sign-in paths below `prefix`, or returns undefined for any other path. */
        handle(method: string, path: string, raw: string, origin: string, prefix: string): Reply | undefined {
            if (path === `${prefix}/devicelogin`) return deviceLogin(method, raw);
            const match = new RegExp(`^${prefix}/([^/]+)/oauth2/v2\\.0/(token|devicecode)$`).exec(path);
            if (!match || method !== "POST") return undefined;
            const tenant = ctx.tenantByEntraId(decodeURIComponent(match[1]));
            if (!tenant) return oauthError(400, "invalid_request", `AADSTS90002: Tenant '${match[1]}' not found.`);
            const form = new URLSearchParams(raw);
            return match[2] === "token" ? redeem(tenant, form, origin) : deviceCode(tenant, form, origin);
        },
    };
}
