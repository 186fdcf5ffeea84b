/**
 * Where the Intune providers get Microsoft Graph and its credentials: the endpoint from stack
 * config, the identity from the environment through `@azure/identity`'s DefaultAzureCredential
 * (environment variables, workload identity in pipelines, `az login` on a laptop). Credentials are
 * never resource inputs and never in state.
 *
 * The emulator serves Graph on loopback over plain http, which MSAL refuses as an authority; for a
 * loopback Graph the same OAuth client-credentials request is sent directly to the emulator's token
 * endpoint, with AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET. For any other Graph
 * those variables are left to DefaultAzureCredential, which reads them the same way.
 */
import type { DefaultAzureCredential } from "@azure/identity";
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceBinding } from "../provider";
import { defaultRetryPolicy, type RetryPolicy, retryPolicyFromEnv, sendWithRetry } from "../http/retry";
import { defaultGraphBaseUrl, isLoopbackUrl } from "../../contract/endpoints";
import { type AccessToken, createTokenCache, renewalTime } from "../http/tokenCache";
import { createGraphClient, type GraphClient } from "./client";

export interface ClientCredentials {
    tenantId: string;
    clientId: string;
    clientSecret: string;
}

export interface GraphConnection {
    baseUrl: string;
    /** Where loopback tokens come from (the emulator); Entra's own host otherwise. */
    authorityHost?: string;
    /** For a loopback Graph only: the app the emulator knows (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET). */
    loopbackCredentials?: ClientCredentials;
    retry?: Partial<RetryPolicy>;
}

export function graphConnectionFromConfig(config: pulumi.dynamic.Config | undefined): GraphConnection {
    const { AZURE_TENANT_ID: tenantId, AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: clientSecret } = process.env;
    return {
        baseUrl: config?.get("graph:baseUrl") ?? process.env.GRAPH_BASE_URL ?? defaultGraphBaseUrl,
        authorityHost: config?.get("graph:authorityHost") ?? process.env.AZURE_AUTHORITY_HOST,
        loopbackCredentials: tenantId && clientId && clientSecret ? { tenantId, clientId, clientSecret } : undefined,
        retry: retryPolicyFromEnv(),
    };
}

const graphScope = "https://graph.microsoft.com/.default";

/** Client credentials against a loopback authority (the emulator), the protocol MSAL speaks. */
async function loopbackToken(
    authorityHost: string,
    credentials: ClientCredentials | undefined,
    policy: RetryPolicy,
): Promise<AccessToken> {
    if (!credentials) {
        throw new Error(
            "The Graph emulator needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (npm run emulator prints them).",
        );
    }
    const { tenantId, clientId, clientSecret } = credentials;
    const path = `/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const response = await sendWithRetry(
        {
            method: "POST",
            url: authorityHost.replace(/\/+$/, "") + path,
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: clientId,
                client_secret: clientSecret,
                scope: graphScope,
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
            `Getting a Graph token from ${authorityHost} failed: ${response.status} ${code} ${body.error_description ?? ""}`.trim(),
        );
    }
    return { value: body.access_token, expiresAt: renewalTime(Date.now() + (body.expires_in ?? 3600) * 1000) };
}

export function graphClientFor(connection: GraphConnection | undefined): GraphClient {
    const c = connection ?? graphConnectionFromConfig(undefined);
    let credential: DefaultAzureCredential | undefined;
    const loopback = isLoopbackUrl(c.baseUrl);
    if (loopback && !c.authorityHost) {
        throw new Error(
            "graph:baseUrl points at a loopback Graph (the emulator); set graph:authorityHost to the emulator's URL too.",
        );
    }

    const tokens = createTokenCache(async (): Promise<AccessToken> => {
        if (loopback)
            return loopbackToken(c.authorityHost!, c.loopbackCredentials, {
                ...defaultRetryPolicy,
                ...(c.retry ?? {}),
            });
        // Loaded on first use, not at import: the emulator's loopback sign-in never needs it, and
        // every program and provider process that loads this module would otherwise pay its ~80 ms.
        credential ??= new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
        const token = await credential.getToken(graphScope).catch((err: Error) => {
            throw new Error(
                `Signing in to Microsoft Graph failed: ${err.message}. On a laptop run \`az login\`; in a pipeline set AZURE_TENANT_ID and AZURE_CLIENT_ID with workload identity (OIDC) or AZURE_CLIENT_SECRET.`,
            );
        });
        return { value: token.token, expiresAt: renewalTime(token.expiresOnTimestamp) };
    });

    return createGraphClient({
        baseUrl: c.baseUrl,
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
