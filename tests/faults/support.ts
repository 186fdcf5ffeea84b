/** What every fault scenario checks: the tenant converged to the declared state, and no credential leaked. */
import assert from "node:assert/strict";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import type { TestStack } from "../kit/testStack";
import { recordFault } from "./summary";

/** Short client timeouts so slow answers and exhausted budgets take seconds, not minutes. */
export const fastRetryEnv = {
    LOOKOUT_MTP_RETRY_POLICY: JSON.stringify({
        maxAttempts: 6,
        baseDelayMs: 50,
        maxDelayMs: 500,
        attemptTimeoutMs: 1500,
        totalBudgetMs: 20_000,
    }),
};

/** The dev-like config of testkit/configFixtures.ts, fully applied: nothing missing, nothing twice. */
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

/**
 * Searches the state export, the backend's files, the engine's output and the emulator's request
 * log for the exact credential values: the Lookout key, the Graph secret and every access token.
 */
export async function findLeaks(t: TestStack, tenant: EmulatedTenant): Promise<string[]> {
    const secrets = [tenant.applicationKey, tenant.graphApp.clientSecret, ...tenant.emulator.issuedTokens()];
    const places: Array<[string, string]> = [
        ["stack export", await t.exportState().catch(() => "")],
        ["backend files", t.backendFiles()],
        ["engine output", t.transcript.join("\n")],
        ["emulator request log", JSON.stringify(tenant.emulator.requests())],
    ];
    const leaks: string[] = [];
    for (const [where, text] of places) {
        for (const secret of secrets)
            if (text.includes(secret)) leaks.push(`${where} holds a credential (${secret.slice(0, 4)}...)`);
    }
    return leaks;
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
