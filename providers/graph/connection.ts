/**
 * Where the Intune providers and the program get Microsoft Graph and its credentials: the endpoint
 * and the sign-in from stack config, secrets from the environment or the user's own sign-in
 * (`graph:signIn`, see contract/graph/signIn.ts). Credentials are never resource inputs and never
 * in state. The tenant is the one `lookout-mtp:entra.tenantId` names, when it does, for every kind of
 * sign-in; the token scope and the sign-in host follow the Graph root's cloud (contract/endpoints.ts).
 *
 * The emulator serves Graph on loopback over plain http, which MSAL refuses as an authority; for a
 * loopback Graph an app's sign-in is the same OAuth client-credentials request sent directly to the
 * emulator's token endpoint, with AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET. A
 * person's sign-in (`user`) takes the same path to every authority (signIn/userSignIn.ts).
 */
import type { TokenCredential } from "@azure/identity";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceBinding } from "../provider";
import { defaultRetryPolicy, type RetryPolicy, retryPolicyFromEnv, sendWithRetry } from "../http/retry";
import { authorityHostFor, defaultGraphBaseUrl, graphScopeFor, isLoopbackUrl } from "../../contract/endpoints";
import { graphCommandLineToolsAppId, type SignInMode } from "../../contract/graph/signIn";
import { type AccessToken, createTokenCache, renewalTime } from "../http/tokenCache";
import { createGraphClient, type GraphClient } from "./client";
import { userAccessToken } from "./signIn/userSignIn";

export interface ClientCredentials {
    tenantId: string;
    clientId: string;
    clientSecret: string;
}

export interface GraphConnection {
    baseUrl: string;
    /** The Entra sign-in host; the Graph root's cloud's when unset (the emulator's on loopback). */
    authorityHost?: string;
    /** For a loopback Graph only: the app the emulator knows (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET). */
    loopbackCredentials?: ClientCredentials;
    retry?: Partial<RetryPolicy>;
    /** How the run signs in (`graph:signIn`); `auto` when unset. */
    signIn?: SignInMode;
    /** The public client a person signs in through (`graph:clientId`). */
    clientId?: string;
    /** The tenant the config names (`lookout-mtp:entra.tenantId`); the sign-in goes to it. */
    tenantId?: string;
}

/** `lookout-mtp:entra.tenantId`, when the stack config names one. */
function configuredTenant(config: pulumi.dynamic.Config | undefined): string | undefined {
    try {
        const entra = JSON.parse(config?.get("lookout-mtp:entra") ?? "{}") as { tenantId?: unknown };
        return typeof entra.tenantId === "string" ? entra.tenantId : undefined;
    } catch {
        return undefined;
    }
}

export function graphConnectionFromConfig(config: pulumi.dynamic.Config | undefined): GraphConnection {
    const { AZURE_TENANT_ID, AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: clientSecret } = process.env;
    const tenantId = configuredTenant(config);
    const loopbackTenant = tenantId ?? AZURE_TENANT_ID;
    return {
        baseUrl: config?.get("graph:baseUrl") ?? process.env.GRAPH_BASE_URL ?? defaultGraphBaseUrl,
        authorityHost: config?.get("graph:authorityHost") ?? process.env.AZURE_AUTHORITY_HOST,
        loopbackCredentials:
            loopbackTenant && clientId && clientSecret
                ? { tenantId: loopbackTenant, clientId, clientSecret }
                : undefined,
        retry: retryPolicyFromEnv(),
        signIn: (config?.get("graph:signIn") as SignInMode | undefined) ?? "auto",
        clientId: config?.get("graph:clientId"),
        tenantId,
    };
}

/** The sign-in `auto` stands for: an app's when AZURE_CLIENT_ID is set (pipelines, the emulator's app), a person's otherwise. */
function effectiveSignIn(c: Pick<GraphConnection, "signIn" | "loopbackCredentials">): Exclude<SignInMode, "auto"> {
    if (c.signIn && c.signIn !== "auto") return c.signIn;
    return c.loopbackCredentials || process.env.AZURE_CLIENT_ID ? "environment" : "user";
}

/** Client credentials against a loopback authority (the emulator), the protocol MSAL speaks. */
async function loopbackToken(
    c: GraphConnection,
    credentials: ClientCredentials | undefined,
    policy: RetryPolicy,
): Promise<AccessToken> {
    if (!credentials) {
        throw new Error(
            "The Graph emulator needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (npm run emulator prints them), or graph:signIn user after `npm run sign-in`.",
        );
    }
    const { tenantId, clientId, clientSecret } = credentials;
    const path = `/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const response = await sendWithRetry(
        {
            method: "POST",
            url: c.authorityHost!.replace(/\/+$/, "") + path,
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: clientId,
                client_secret: clientSecret,
                scope: graphScopeFor(c.baseUrl),
            }).toString(),
            describe: `Entra token request ${path}`,
        },
        policy,
        (status) => status === 429 || status >= 500,
    );
    const body = (await response.json().catch(() => ({}))) as {
        access_token?: string;
        expires_in?: number;
        error?: unknown;
        error_description?: string;
    };
    if (!response.ok || !body.access_token) {
        const code = typeof body.error === "string" ? body.error : JSON.stringify(body.error ?? "");
        throw new Error(
            `Getting a Graph token from ${c.authorityHost} failed: ${response.status} ${code} ${body.error_description ?? ""}`.trim(),
        );
    }
    return { value: body.access_token, expiresAt: renewalTime(Date.now() + (body.expires_in ?? 3600) * 1000) };
}

/** An `@azure/identity` credential for the sign-in, the tenant and the cloud's authority; never DefaultAzureCredential. */
function azureCredential(mode: "environment" | "azureCli" | "managedIdentity", c: GraphConnection): TokenCredential {
    // Loaded on first use, not at import: the emulator's loopback sign-in never needs it, and every
    // program and provider process that loads this module would otherwise pay its ~80 ms.
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    const authorityHost = c.authorityHost ?? authorityHostFor(c.baseUrl);
    const tenantId = c.tenantId ?? process.env.AZURE_TENANT_ID;
    if (mode === "azureCli") return new identity.AzureCliCredential({ tenantId });
    if (mode === "managedIdentity")
        return new identity.ManagedIdentityCredential({ clientId: process.env.AZURE_CLIENT_ID });
    const {
        AZURE_CLIENT_ID: clientId,
        AZURE_CLIENT_SECRET: secret,
        AZURE_CLIENT_CERTIFICATE_PATH: certificate,
        AZURE_FEDERATED_TOKEN_FILE: federated,
    } = process.env;
    if (!tenantId || !clientId)
        throw new Error(
            "graph:signIn environment needs AZURE_CLIENT_ID and the tenant (lookout-mtp:entra.tenantId or AZURE_TENANT_ID)",
        );
    const options = { authorityHost };
    if (federated)
        return new identity.WorkloadIdentityCredential({ ...options, tenantId, clientId, tokenFilePath: federated });
    if (certificate)
        return new identity.ClientCertificateCredential(tenantId, clientId, { certificatePath: certificate }, options);
    if (secret) return new identity.ClientSecretCredential(tenantId, clientId, secret, options);
    throw new Error(
        "graph:signIn environment needs AZURE_FEDERATED_TOKEN_FILE (workload identity), AZURE_CLIENT_CERTIFICATE_PATH or AZURE_CLIENT_SECRET beside AZURE_CLIENT_ID",
    );
}

/** What a sign-in that failed says: the tenant the config names, when it names one, and the way to sign in. */
function signInFailure(c: GraphConnection, mode: string, err: Error): Error {
    // The config's tenant is to blame only when Entra does not know it, or the app is not in it.
    const tenantUnknown = c.tenantId && /AADSTS(90002|700016)/.test(err.message);
    const key = tenantUnknown ? "lookout-mtp:entra.tenantId" : `graph:signIn ${mode}`;
    const where = c.tenantId ? `signing in to tenant ${c.tenantId}` : "signing in to Microsoft Graph";
    return new Error(
        `${key}: ${where} failed: ${err.message.split("\n")[0]}. A person runs \`npm run sign-in\` and sets graph:signIn user; a pipeline sets AZURE_CLIENT_ID with workload identity (OIDC), a certificate or a secret.`,
    );
}

/** Where a connection's tokens come from; `renew` after Graph refused one, so no cached token comes back. */
function tokenSource(c: GraphConnection): (renew: boolean) => Promise<AccessToken> {
    const mode = effectiveSignIn(c);
    const loopback = isLoopbackUrl(c.baseUrl);
    const policy = { ...defaultRetryPolicy, ...(c.retry ?? {}) };
    let credential: TokenCredential | undefined;
    return async (renew) => {
        try {
            if (mode === "user") {
                if (!c.tenantId) throw new Error("a person's sign-in needs the tenant: set lookout-mtp:entra.tenantId");
                const authorityHost = c.authorityHost ?? authorityHostFor(c.baseUrl);
                return await userAccessToken({
                    authorityHost,
                    tenantId: c.tenantId,
                    clientId: c.clientId ?? graphCommandLineToolsAppId,
                    graphBaseUrl: c.baseUrl,
                });
            }
            if (loopback && mode === "environment") return await loopbackToken(c, c.loopbackCredentials, policy);
            // A new credential forgets the tokens the old one cached, which Graph just refused.
            if (renew || !credential) credential = azureCredential(mode, c);
            const token = await credential.getToken(graphScopeFor(c.baseUrl));
            if (!token) throw new Error("the credential returned no token");
            return { value: token.token, expiresAt: renewalTime(token.expiresOnTimestamp) };
        } catch (err) {
            throw signInFailure(c, mode, err as Error);
        }
    };
}

export function graphClientFor(connection: GraphConnection | undefined): GraphClient {
    const c = connection ?? graphConnectionFromConfig(undefined);
    if (isLoopbackUrl(c.baseUrl) && !c.authorityHost) {
        throw new Error(
            "graph:baseUrl points at a loopback Graph (the emulator); set graph:authorityHost to the emulator's URL too.",
        );
    }
    const tokens = createTokenCache(tokenSource(c));
    return createGraphClient({
        baseUrl: c.baseUrl,
        authorityHost: c.authorityHost ?? authorityHostFor(c.baseUrl),
        signIn: effectiveSignIn(c),
        getToken: (renew) => tokens.get(renew).then((t) => t.value),
        retry: c.retry,
    });
}

/** How the Intune resources reach Microsoft Graph (see `dynamic/provider.ts`). */
export const graphService: ServiceBinding<GraphConnection, GraphClient> = {
    name: "graph",
    connectionFromConfig: graphConnectionFromConfig,
    clientFor: graphClientFor,
};
