/** Starts the Lookout emulator on a random loopback port for one suite, with one tenant. */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { defaultRetryPolicy, type RetryPolicy } from "../../providers/http/retry";
import { createLookoutClient, type LookoutClient } from "../../providers/lookout/client";
import { type EmulatorOptions, type LookoutEmulator, startLookoutEmulator } from "../../emulator/server";
import type { GraphConnection } from "../../providers/graph/connection";
import type { LookoutConnection } from "../../providers/lookout/connection";
import { type GraphApp, newApplicationKey, type SignInUser, type Tenant } from "../../emulator/store";
import { devEntraTenantId, grantLookoutConsent, seedSignIn } from "../../emulator/devTenant";
import { lazyHandle } from "./lazyHandle";

export interface EmulatedTenant {
    emulator: LookoutEmulator;
    tenantId: string;
    applicationKey: string;
    connection: LookoutConnection;
    /** The emulated Graph with an app holding every permission the providers need. */
    graph: GraphConnection;
    graphApp: GraphApp;
    /** A person who may sign in (delegated): the tenant's Intune admin. */
    admin: SignInUser;
    entraTenantId: string;
    /** A client acting as a console user (`consoleUser`), for changes behind the stack's back: Lookout audits them as that admin's. */
    console: LookoutClient;
    /** The console user the `console` client acts as. */
    consoleUser: string;
    /** The tenant's settings as the emulator holds them. */
    settings(): ReturnType<LookoutEmulator["store"]["describe"]>;
    /** The Graph requests the emulator answered since it last cleared its log. */
    graphRequests(): ReturnType<LookoutEmulator["requests"]>;
    /** The requests since the log was last cleared that could change something: all but reads and token exchanges. */
    writes(): ReturnType<LookoutEmulator["requests"]>;
}

/** Retries quick enough for tests; the policy's shape is the production one. */
export const fastRetry: Partial<RetryPolicy> = {
    baseDelayMs: 5,
    maxDelayMs: 50,
    attemptTimeoutMs: 2000,
    totalBudgetMs: 10_000,
    pollIntervalMs: 20,
    lateObjectMs: 5_000,
};

/**
 * The time scale of every emulated tenant of the tests: Intune's 20-second throttling windows last
 * 2 s, and in the engine suites a new object stays invisible for half a second (the in-process
 * suites, which set tenants up through Graph, turn the replication delay on where they test it), so
 * suites stay fast with Intune as strict as it is documented.
 */
export const testTimeScale = 0.1;

/**
 * The default retry policy at the tests' time scale, for the engine's providers (which read it
 * from LOOKOUT_MTP_RETRY_POLICY): every wait and budget shortened as Intune's windows are, so the
 * policy meets the emulator as the default one meets Intune. Attempts and timeouts stay.
 */
export function scaledRetryPolicy(scale = testTimeScale): RetryPolicy {
    const p = defaultRetryPolicy;
    return {
        ...p,
        baseDelayMs: p.baseDelayMs * scale,
        maxDelayMs: p.maxDelayMs * scale,
        totalBudgetMs: p.totalBudgetMs * scale,
        pollIntervalMs: p.pollIntervalMs * scale,
        lateObjectMs: p.lateObjectMs * scale,
        reportWaitsFromMs: p.reportWaitsFromMs * scale,
    };
}

export interface TenantOptions extends EmulatorOptions {
    /** Whether the tenant holds Lookout's admin consent, as a tenant onboarded by the guide does (default true). */
    lookoutConsent?: boolean;
    /**
     * The tenant's Entra tenant ID: by default the one the reference-mode fixtures name
     * (`entra.tenantId`), so the signed-in identity's tenant matches it; a restored tenant keeps its own.
     */
    entraTenantId?: string;
    /**
     * An emulator state file holding one tenant whose credentials were removed (a fixture). The
     * emulator persists to a copy, so the file stays as it is, and the tenant gets a fresh
     * application key and Graph app.
     */
    restoreFrom?: string;
}

export async function startEmulatedTenant(options: TenantOptions = {}): Promise<EmulatedTenant> {
    const { restoreFrom, lookoutConsent = true, entraTenantId, ...emulatorOptions } = options;
    const started = restoreFrom
        ? await restoreEmulatedTenant(restoreFrom, emulatorOptions, entraTenantId)
        : await (async () => {
              const emulator = await startLookoutEmulator({
                  port: 0,
                  rateLimitPerMinute: 10_000,
                  timeScale: testTimeScale,
                  replicationDelayMs: 0,
                  ...emulatorOptions,
              });
              const tenant = emulator.store.addTenant("contoso", undefined, entraTenantId ?? devEntraTenantId);
              return emulatedTenant(emulator, tenant, tenant.applicationKeys[0]);
          })();
    const tenant = started.emulator.store.tenantById(started.tenantId)!;
    if (lookoutConsent && tenant.servicePrincipals.length === 0) grantLookoutConsent(started.emulator.store, tenant);
    return started;
}

async function restoreEmulatedTenant(
    stateFile: string,
    options: EmulatorOptions,
    entraTenantId: string | undefined,
): Promise<EmulatedTenant> {
    const copyDir = mkdtempSync(join(tmpdir(), "lookout-emulator-state-"));
    const copy = join(copyDir, basename(stateFile));
    copyFileSync(stateFile, copy);
    const emulator = await startLookoutEmulator({
        port: 0,
        rateLimitPerMinute: 10_000,
        timeScale: testTimeScale,
        replicationDelayMs: 0,
        ...options,
        stateFile: copy,
    });
    const close = emulator.close;
    emulator.close = async () => {
        await close();
        rmSync(copyDir, { recursive: true, force: true });
    };
    const tenants = emulator.store.tenants();
    if (tenants.length !== 1)
        throw new Error(`${stateFile} holds ${tenants.length} tenants; a restored tenant must be the only one`);
    const applicationKey = newApplicationKey();
    tenants[0].applicationKeys = [applicationKey];
    if (entraTenantId) tenants[0].entraTenantId = entraTenantId;
    emulator.store.persist();
    return emulatedTenant(emulator, tenants[0], applicationKey);
}

/** The console user a test's `console` client acts as. */
const consoleUser = "alex.admin@contoso.example";

/** The test's view of a tenant of `emulator`: its key, a new Graph app with every permission, clients. */
function emulatedTenant(emulator: LookoutEmulator, tenant: Tenant, applicationKey: string): EmulatedTenant {
    const graphApp = emulator.store.addGraphApp(tenant);
    const admin = tenant.signInUsers?.[0] ?? seedSignIn(tenant);
    emulator.store.persist();
    return {
        admin,
        emulator,
        tenantId: tenant.id,
        applicationKey,
        connection: { baseUrl: emulator.url, applicationKey, retry: fastRetry },
        graph: {
            baseUrl: emulator.graphBaseUrl,
            authorityHost: emulator.authorityHost,
            loopbackCredentials: {
                tenantId: tenant.entraTenantId,
                clientId: graphApp.clientId,
                clientSecret: graphApp.clientSecret,
            },
            retry: fastRetry,
        },
        graphApp,
        entraTenantId: tenant.entraTenantId,
        console: createLookoutClient({
            baseUrl: emulator.url,
            applicationKey: emulator.store.addConsoleUserKey(tenant, consoleUser),
            retry: fastRetry,
        }),
        consoleUser,
        settings: () => structuredClone(emulator.store.describe(emulator.store.tenantById(tenant.id)!)),
        graphRequests: () => emulator.requests().filter((r) => r.path.startsWith("/graph")),
        writes: () =>
            emulator
                .requests()
                .filter((r) => r.method !== "GET" && !r.path.endsWith("/token") && !r.path.startsWith("/entra/")),
    };
}

/** How a suite's tenant starts. */
export interface TenantSetUp {
    emulator?: TenantOptions;
    /** Runs once the tenant is up, before anything uses it: hand-made settings, a directory. */
    prepare?: (tenant: EmulatedTenant) => unknown;
}

/**
 * An emulated tenant for the suite where it is called: started before its tests (before each test
 * with `eachTest`) and closed after them.
 */
export function useEmulatedTenant(setUp: TenantSetUp & { eachTest?: boolean } = {}): EmulatedTenant {
    const tenant = lazyHandle<EmulatedTenant>("the emulated tenant");
    const [setUpHook, tearDownHook] = setUp.eachTest ? [beforeEach, afterEach] : [before, after];
    setUpHook(async () => {
        tenant.set(await startEmulatedTenant(setUp.emulator));
        await setUp.prepare?.(tenant.handle);
    });
    tearDownHook(async () => {
        await tenant.current()?.emulator.close();
        tenant.set(undefined);
    });
    return tenant.handle;
}
