/** Starts the Lookout emulator on a random loopback port for one suite, with one tenant. */
import type { RetryPolicy } from "../http/retry";
import { createLookoutClient, type LookoutClient } from "../lookout/client";
import { type EmulatorOptions, type LookoutEmulator, startLookoutEmulator } from "../emulator/server";
import type { GraphConnection } from "../graph/connection";
import type { LookoutConnection } from "../lookout/connection";
import type { GraphApp } from "../emulator/store";

export interface EmulatedTenant {
    emulator: LookoutEmulator;
    tenantId: string;
    applicationKey: string;
    connection: LookoutConnection;
    /** The emulated Graph with an app holding every permission the providers need. */
    graph: GraphConnection;
    graphApp: GraphApp;
    entraTenantId: string;
    /** A client acting as a console user, for changes behind the stack's back. */
    console: LookoutClient;
    /** The tenant's settings as the emulator holds them. */
    settings(): ReturnType<LookoutEmulator["store"]["describe"]>;
}

/** Retries quick enough for tests; the policy's shape is the production one. */
export const fastRetry: Partial<RetryPolicy> = { baseDelayMs: 5, maxDelayMs: 50, attemptTimeoutMs: 2000, totalBudgetMs: 10_000 };

export async function startEmulatedTenant(options: EmulatorOptions = {}): Promise<EmulatedTenant> {
    const emulator = await startLookoutEmulator({ port: 0, rateLimitPerMinute: 10_000, ...options });
    const tenant = emulator.store.addTenant("contoso");
    const applicationKey = tenant.applicationKeys[0];
    const graphApp = emulator.store.addGraphApp(tenant);
    return {
        emulator,
        tenantId: tenant.id,
        applicationKey,
        connection: { baseUrl: emulator.url, applicationKey, retry: fastRetry },
        graph: {
            baseUrl: emulator.graphBaseUrl,
            authorityHost: emulator.authorityHost,
            loopbackCredentials: { tenantId: tenant.entraTenantId, clientId: graphApp.clientId, clientSecret: graphApp.clientSecret },
            retry: fastRetry,
        },
        graphApp,
        entraTenantId: tenant.entraTenantId,
        console: createLookoutClient({ baseUrl: emulator.url, applicationKey, retry: fastRetry }),
        settings: () => structuredClone(emulator.store.describe(emulator.store.tenantById(tenant.id)!)),
    };
}
