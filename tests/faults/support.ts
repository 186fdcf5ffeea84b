/**
 * What every fault scenario checks: the tenant converged to the declared state, and no credential
 * leaked. And the onboarding's resources driven in-process (`inProcessOnboarding`), for faults the
 * engine adds nothing to.
 */
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { compliancePolicyDisplayName } from "../../components/intune/threatDefense";
import type { RetryPolicy } from "../../providers/http/retry";
import { compliancePolicyProvider } from "../../providers/intune/compliancePolicy";
import { mtdConnectorProvider } from "../../providers/intune/mtdConnector";
import { intuneConnectorProvider } from "../../providers/lookout/intuneConnector";
import { notificationPreferencesProvider } from "../../providers/lookout/notificationPreferences";
import { threatClassificationsProvider } from "../../providers/lookout/threatClassifications";
import { parsedConfig, validReferenceConfig } from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { findLeaks } from "../kit/leaks";
import { configured } from "../kit/providerHarness";
import type { TestStack } from "../kit/testStack";
import { recordFault } from "./summary";

export { findLeaks };

/** Short client timeouts so slow answers and exhausted budgets take seconds, not minutes. */
export const fastRetryPolicy: RetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 50,
    maxDelayMs: 500,
    attemptTimeoutMs: 1500,
    totalBudgetMs: 20_000,
    pollIntervalMs: 100,
    lateObjectMs: 5_000,
    reportWaitsFromMs: 1_000,
};

/** `fastRetryPolicy` for the engine's providers, which read it from their environment. */
export const fastRetryEnv = { LOOKOUT_MTP_RETRY_POLICY: JSON.stringify(fastRetryPolicy) };

/** The dev-like config of tests/kit/configFixtures.ts, fully applied: nothing missing, nothing twice. */
export function assertConverged(tenant: EmulatedTenant): void {
    const s = tenant.settings();
    const groups = ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091"];
    assert.deepEqual(s.intuneConnector?.value.enrollmentGroups, ["Lookout Pilot", "Sales Mobile"]);
    assert.equal(s.intuneConnector?.value.heartbeatFrequencyMinutes, 60);
    assert.deepEqual(s.notificationPreferences["secops@contoso.example"]?.value, { emailNotifications: true });
    assert.equal(s.threatClassifications.value.SIDELOADED_APP, "high");
    assert.equal(Object.keys(s.mtdConnectors).length, 1);
    const policies = Object.values(s.compliancePolicies);
    assert.deepEqual(
        policies.map((p) => p.body["@odata.type"]).sort(),
        ["#microsoft.graph.androidWorkProfileCompliancePolicy", "#microsoft.graph.iosCompliancePolicy"],
        "exactly one policy per platform",
    );
    for (const p of policies) assert.deepEqual(p.assignments.map((a) => a.target.groupId).sort(), groups);
}

/** Nothing of the stack is left in the tenant. */
export function assertEmpty(tenant: EmulatedTenant): void {
    const s = tenant.settings();
    assert.equal(s.intuneConnector, null);
    assert.deepEqual(s.notificationPreferences, {});
    assert.deepEqual(s.mtdConnectors, {});
    assert.deepEqual(s.compliancePolicies, {});
}

export function faultCount(tenant: EmulatedTenant): number {
    return tenant.emulator.requests().filter((r) => r.fault).length;
}

/** What a scenario says of itself in the summary; the rest is measured when it is recorded. */
export interface Scenario {
    scenario: string;
    injected: string;
    outcome: string;
    /** `Date.now()` when the scenario began. */
    started: number;
    /** Answers the emulator faulted; counted from its request log when left out. */
    faults?: number;
}

/** Records an in-process scenario's row in the summary (requests, faults, seconds); no engine, so no leak scan. */
export function recordInProcess(tenant: EmulatedTenant, { started, faults, ...described }: Scenario): void {
    recordFault({
        ...described,
        requests: tenant.emulator.requests().length,
        faults: faults ?? faultCount(tenant),
        seconds: (Date.now() - started) / 1000,
    });
}

/** Records the scenario's row in the summary (requests, faults, seconds, leaks found), then fails it if a credential leaked. */
export async function recordScenario(
    t: TestStack,
    tenant: EmulatedTenant,
    { started, faults, ...described }: Scenario,
): Promise<void> {
    const leaks = await findLeaks(t, tenant);
    recordFault({
        ...described,
        requests: tenant.emulator.requests().length,
        faults: faults ?? faultCount(tenant),
        seconds: (Date.now() - started) / 1000,
        leaks: leaks.length,
    });
    assert.deepEqual(leaks, []);
}

/** One resource of the onboarding, driven the way the engine drives its provider. */
interface Driven {
    name: string;
    provider: pulumi.dynamic.ResourceProvider;
    service: "lookout" | "graph";
    inputs: Record<string, unknown>;
    created?: { id: string; outs: Record<string, unknown> };
}

/**
 * The Lookout and Intune resources the stack declares for the dev-like config of
 * tests/kit/configFixtures.ts, with its providers configured against `tenant` (with
 * `fastRetryPolicy`) and called as the engine calls them: `check`, then `create` in the stack's
 * order (the Lookout side at once; Intune's MTD connector after Lookout's connector, the policies
 * after it), `delete` in reverse. The same providers, clients, retries and emulator as under
 * `pulumi up`, without the engine, which adds nothing to how a request is retried.
 */
export function inProcessOnboarding(tenant: EmulatedTenant) {
    const config = parsedConfig(validReferenceConfig());
    const groupIds = config.enrollmentGroups.map((g) => g.objectId!);
    const lookout: Driven[] = [
        {
            name: "Lookout connector",
            provider: intuneConnectorProvider as pulumi.dynamic.ResourceProvider,
            service: "lookout",
            inputs: { ...config.connector, enrollmentGroups: config.enrollmentGroups.map((g) => g.displayName) },
        },
        ...config.notifications.map((n): Driven => ({
            name: `notifications of ${n.email}`,
            provider: notificationPreferencesProvider as pulumi.dynamic.ResourceProvider,
            service: "lookout",
            inputs: { ...n },
        })),
        {
            name: "threat classifications",
            provider: threatClassificationsProvider as pulumi.dynamic.ResourceProvider,
            service: "lookout",
            inputs: { riskLevels: config.threatClassifications },
        },
    ];
    const mtd: Driven = {
        name: "MTD connector",
        provider: mtdConnectorProvider as pulumi.dynamic.ResourceProvider,
        service: "graph",
        inputs: { ...config.intune!.mtdConnector },
    };
    const policies = config.intune!.compliancePolicies.map((p): Driven => ({
        name: `${p.platform} policy`,
        provider: compliancePolicyProvider as pulumi.dynamic.ResourceProvider,
        service: "graph",
        inputs: {
            platform: p.platform,
            displayName: compliancePolicyDisplayName(p),
            requiredSecurityLevel: p.requiredSecurityLevel,
            groupIds,
        },
    }));
    const connection = (service: Driven["service"]) =>
        service === "lookout"
            ? { ...tenant.connection, retry: fastRetryPolicy }
            : { ...tenant.graph, retry: fastRetryPolicy };

    /** Runs `operation` on each of `resources` at once; like the engine, waits for all before failing with the first error. */
    async function each(resources: Driven[], operation: (r: Driven) => Promise<void>): Promise<void> {
        const failed = (await Promise.allSettled(resources.map(operation))).find((r) => r.status === "rejected");
        if (failed) throw failed.reason;
    }
    /** Creates what is not created yet: like `pulumi up` after a failed one, which creates only what is missing. */
    const create = (resources: Driven[]) =>
        each(
            resources.filter((r) => !r.created),
            async (r) => {
                const provider = await configured(r.provider, connection(r.service));
                const checked = await provider.check({}, r.inputs);
                assert.deepEqual(checked.failures ?? [], [], `${r.name}: inputs refused`);
                r.created = (await provider.create(checked.inputs)) as Driven["created"];
            },
        );
    const remove = (resources: Driven[]) =>
        each(
            resources.filter((r) => r.created),
            async (r) => {
                const provider = await configured(r.provider, connection(r.service));
                await provider.delete(r.created!.id, r.created!.outs);
                r.created = undefined;
            },
        );
    return {
        /** Creates every resource not created yet, in the stack's order; rejects with the first failure. */
        async up(): Promise<void> {
            await create(lookout);
            await create([mtd]);
            await create(policies);
        },
        /** Deletes every created resource, in reverse order. */
        async destroy(): Promise<void> {
            await remove(policies);
            await remove([mtd]);
            await remove(lookout);
        },
    };
}
