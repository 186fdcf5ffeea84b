/**
 * A person's delegated sign-in to Microsoft Graph, as Microsoft's own command-line tools do it: the
 * OAuth 2.0 device authorization grant (RFC 8628) through a public client, once (`npm run sign-in`),
 * then refresh tokens for every process of a run (the program and each provider), so nobody is asked
 * twice. Spoken with `openid-client`, against Entra's v2.0 endpoints or the emulator's.
 *
 * The refresh token is kept where the Azure CLI and Graph PowerShell keep theirs, in the user's home
 * (`~/.lookout-mtp/sign-in/`, or LOOKOUT_MTP_SIGN_IN_DIR), readable by the user only; never in the
 * repository, the stack's state or a log. Entra rotates refresh tokens: each new one replaces the file.
 *
 * Plain functions only: dynamic providers capture this module by value.
 */
import type * as OpenIdClient from "openid-client";
import { authorityHostFor, defaultGraphBaseUrl, graphScopeFor, qualifiedScope } from "../../../contract/endpoints";
import { graphCommandLineToolsAppId, runDelegatedScopes } from "../../../contract/graph/signIn";
import { type AccessToken, renewalTime } from "../../http/tokenCache";
import { identityOf } from "../identity";

export interface UserSignInTarget {
    authorityHost: string;
    tenantId: string;
    /** The public client signed in through (`graph:clientId`). */
    clientId: string;
    graphBaseUrl: string;
}

interface SavedSignIn {
    authorityHost: string;
    userPrincipalName?: string;
    refreshToken: string;
    savedAt: string;
}

const openid = () => require("openid-client") as typeof OpenIdClient;

/** Where a tenant's sign-in through a client is kept. */
export function signInFile(target: Pick<UserSignInTarget, "tenantId" | "clientId">): string {
    const { join } = require("node:path") as typeof import("node:path");
    const { homedir } = require("node:os") as typeof import("node:os");
    const dir = process.env.LOOKOUT_MTP_SIGN_IN_DIR || join(homedir(), ".lookout-mtp", "sign-in");
    return join(dir, `${target.tenantId.toLowerCase()}.${target.clientId.toLowerCase()}.json`);
}

/** Entra's v2.0 endpoints of a tenant, as its discovery document names them (no request needed). */
function configuration(target: UserSignInTarget): OpenIdClient.Configuration {
    const { Configuration, None, allowInsecureRequests } = openid();
    const base = `${target.authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(target.tenantId)}`;
    const config = new Configuration(
        {
            issuer: `${base}/v2.0`,
            token_endpoint: `${base}/oauth2/v2.0/token`,
            device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        },
        target.clientId,
        undefined,
        None(),
    );
    // The emulator on loopback speaks plain http; every other authority is https (graph:authorityHost is checked).
    if (new URL(base).protocol === "http:") allowInsecureRequests(config);
    return config;
}

/** What a run asks for: the delegated scopes of the route table, on this Graph, and a refresh token. */
function requestedScopes(graphBaseUrl: string): string {
    return [...runDelegatedScopes().map((s) => qualifiedScope(graphBaseUrl, s)), "offline_access"].join(" ");
}

function save(target: UserSignInTarget, refreshToken: string | undefined, userPrincipalName?: string): void {
    if (!refreshToken) return;
    const fs = require("node:fs") as typeof import("node:fs");
    const file = signInFile(target);
    fs.mkdirSync(require("node:path").dirname(file), { recursive: true, mode: 0o700 });
    const saved: SavedSignIn = {
        authorityHost: target.authorityHost,
        userPrincipalName,
        refreshToken,
        savedAt: new Date().toISOString(),
    };
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(saved), { mode: 0o600 });
    fs.renameSync(tmp, file);
}

function saved(target: UserSignInTarget): SavedSignIn | undefined {
    const fs = require("node:fs") as typeof import("node:fs");
    try {
        const s = JSON.parse(fs.readFileSync(signInFile(target), "utf8")) as SavedSignIn;
        return s.authorityHost === target.authorityHost && s.refreshToken ? s : undefined;
    } catch {
        return undefined;
    }
}

/** The command that signs a person in for this target, for messages. */
function signInCommand(target: UserSignInTarget): string {
    const graph = target.graphBaseUrl === defaultGraphBaseUrl ? "" : ` --graph ${target.graphBaseUrl}`;
    const authority =
        target.authorityHost === authorityHostFor(target.graphBaseUrl) ? "" : ` --authority ${target.authorityHost}`;
    const client = target.clientId === graphCommandLineToolsAppId ? "" : ` --client-id ${target.clientId}`;
    return `npm run sign-in -- --tenant ${target.tenantId}${graph}${authority}${client}`;
}

/**
 * Signs a person in with a device code: `show` gets Entra's message (the page to open and the code);
 * resolves once they signed in, with who they are. The sign-in is kept for the runs that follow.
 */
export async function signInWithDeviceCode(
    target: UserSignInTarget,
    show: (message: string, code: { verificationUri: string; userCode: string }) => void,
): Promise<{ userPrincipalName?: string; scopes: string[] }> {
    const client = openid();
    const config = configuration(target);
    const device = await client.initiateDeviceAuthorization(config, { scope: requestedScopes(target.graphBaseUrl) });
    show(String(device.message ?? `Open ${device.verification_uri} and enter the code ${device.user_code}.`), {
        verificationUri: device.verification_uri,
        userCode: device.user_code,
    });
    const tokens = await client.pollDeviceAuthorizationGrant(config, device);
    const who = identityOf(tokens.access_token);
    const userPrincipalName = who?.name;
    save(target, tokens.refresh_token, userPrincipalName);
    return { userPrincipalName, scopes: who?.permissions ?? (tokens.scope ?? "").split(" ").filter(Boolean) };
}

/** An access token for the signed-in person, from the kept sign-in; an error naming the command when there is none. */
export async function userAccessToken(target: UserSignInTarget): Promise<AccessToken> {
    const kept = saved(target);
    if (!kept) {
        throw new Error(
            `nobody is signed in to tenant ${target.tenantId} through client ${target.clientId} on this machine; run \`${signInCommand(target)}\` (graph:signIn user), or set AZURE_CLIENT_ID for an app's sign-in (graph:signIn environment)`,
        );
    }
    const tokens = await openid()
        // `.default`: the scopes the tenant consented to for the client, which the preflight then reads. Naming
        // scopes would make Entra refuse the whole refresh (AADSTS65001) for one nobody consented to.
        .refreshTokenGrant(configuration(target), kept.refreshToken, {
            scope: `${graphScopeFor(target.graphBaseUrl)} offline_access`,
        })
        .catch((err: Error & { error?: string; error_description?: string }) => {
            throw new Error(
                `the sign-in of ${kept.userPrincipalName ?? "the user"} to tenant ${target.tenantId} could not be renewed (${err.error_description ?? err.message}); run \`${signInCommand(target)}\` again`,
            );
        });
    save(target, tokens.refresh_token, kept.userPrincipalName);
    return { value: tokens.access_token, expiresAt: renewalTime(Date.now() + (tokens.expires_in ?? 3600) * 1000) };
}
