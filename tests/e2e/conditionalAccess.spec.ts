/**
 * Conditional Access on the real engine: the policy covers the rings enrolled now (the pilot), never
 * a held ring; switching it to enforced previews whom it would block; an emergency-access exclusion
 * is required before anything is written; another admin's policy is untouched by `up` and `destroy`.
 */
import assert from "node:assert/strict";
import { caPolicyByAnotherAdminId, seedDevTenant } from "../../emulator/devTenant";
import { managedDevices, membershipOf } from "../../emulator/devices";
import type { Tenant } from "../../emulator/store";
import { graphModeConfigForStack } from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { upError, useTestStack, withTestStack } from "../kit/testStack";

const pilotId = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
const salesId = "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091";
const emergencyId = "5fa06172-3d4e-4f90-8b1c-6d7e8f9a0b1c";
const hour = 3_600_000;

const rings = [
    { name: "pilot", groups: ["Lookout Pilot"], gate: { minActivatedShare: 0.8, minSoakDays: 7 } },
    { name: "sales", groups: ["Sales Mobile"] },
];

function config(state: "reportOnly" | "enforced", exclusionGroups: unknown = [{ displayName: "Emergency Access" }]) {
    return {
        ...graphModeConfigForStack(),
        "lookout-mtp:rollout": { rings },
        "lookout-mtp:conditionalAccess": { state, ...(exclusionGroups ? { exclusionGroups } : {}) },
    };
}

const tenantOf = (tenant: EmulatedTenant): Tenant => tenant.emulator.store.tenantById(tenant.tenantId)!;
/** The dev tenant: its groups, users, phones, and another admin's Conditional Access policy. */
const prepare = (tenant: EmulatedTenant) => seedDevTenant(tenant.emulator.store, tenantOf(tenant));
const policies = (tenant: EmulatedTenant) => tenantOf(tenant).conditionalAccessPolicies ?? {};
const stackPolicies = (tenant: EmulatedTenant) =>
    Object.values(policies(tenant)).filter((p) => p.id !== caPolicyByAnotherAdminId) as Array<Record<string, any>>;

describe("Conditional Access (real engine)", function () {
    this.timeout(300_000);

    describe("report-only for the pilot ring, then enforced", () => {
        const { tenant, t } = useTestStack("conditional-access", { prepare, config: config("reportOnly") });
        let othersBefore: string;

        it("puts the pilot ring's group in a report-only policy, and not the held ring's", async () => {
            othersBefore = JSON.stringify(policies(tenant)[caPolicyByAnotherAdminId]);
            const result = await t.stack.up(t.run);
            assert.equal(result.summary.result, "succeeded");
            const [policy] = stackPolicies(tenant);
            assert.equal(stackPolicies(tenant).length, 1);
            assert.equal(policy.state, "enabledForReportingButNotEnforced");
            assert.deepEqual(policy.conditions.users.includeGroups, [pilotId]);
            assert.ok(!policy.conditions.users.includeGroups.includes(salesId), "the held ring is not covered");
            assert.deepEqual(policy.conditions.users.excludeGroups, [emergencyId]);
            assert.deepEqual(policy.conditions.platforms.includePlatforms, ["iOS", "android"]);
            assert.deepEqual(policy.conditions.applications.includeApplications, ["All"]);
            assert.deepEqual(policy.grantControls.builtInControls, ["compliantDevice"]);
            assert.equal(policy.grantControls.operator, "OR");
            assert.deepEqual(result.outputs.conditionalAccess.value, {
                mode: "reportOnly",
                rings: ["pilot"],
                includeGroups: [pilotId],
            });
            assert.equal(JSON.stringify(policies(tenant)[caPolicyByAnotherAdminId]), othersBefore);
        });

        it("previews, when switched to enforced, how many of the pilot's users would lose access, and nothing of the held ring", async () => {
            // The pilot's phones activate and report their threats, so some are non-compliant.
            tenant.emulator.advanceClock(2 * hour);
            const t0 = tenantOf(tenant);
            const groupsOf = membershipOf(t0);
            const inPilot = (userId: string) => groupsOf(userId).some((g) => g.id === pilotId);
            const blocked = new Set(
                managedDevices(t0, tenant.emulator.now())
                    .filter((v) => v.complianceState === "noncompliant" && inPilot(v.device.userId))
                    .map((v) => v.device.userId),
            );
            assert.ok(blocked.size > 0, "the pilot has users with non-compliant phones");
            await t.setConfig(config("enforced"));
            let output = "";
            await t.stack.preview({ ...t.run, onOutput: (s) => (output += s) });
            // Said once on the policy, under Diagnostics.
            const lines = output.split("\n").filter((l) => /^\s*warning: .*would lose access/.test(l));
            assert.equal(lines.length, 1, output);
            assert.match(lines[0], new RegExp(`${blocked.size} users? of 'Lookout Pilot' would lose access`));
            assert.match(lines[0], /turns from report-only to enforced/);
            assert.doesNotMatch(output, /Sales Mobile' would lose access/);
        });

        it("previews, once enforced, whom a ring released into the policy would block, and only that ring", async () => {
            const up = await t.stack.up(t.run);
            assert.equal(up.summary.result, "succeeded");
            assert.equal(stackPolicies(tenant)[0].state, "enabled");
            const t0 = tenantOf(tenant);
            const groupsOf = membershipOf(t0);
            const blocked = new Set(
                managedDevices(t0, tenant.emulator.now())
                    .filter(
                        (v) =>
                            v.complianceState === "noncompliant" &&
                            groupsOf(v.device.userId).some((g) => g.id === salesId),
                    )
                    .map((v) => v.device.userId),
            );
            const released = config("enforced");
            (released["lookout-mtp:rollout"] as Record<string, unknown>).release = {
                ring: "sales",
                reason: "approved",
            };
            await t.setConfig(released);
            let output = "";
            await t.stack.preview({ ...t.run, onOutput: (s) => (output += s) });
            const lines = output.split("\n").filter((l) => /^\s*warning: .*would lose access/.test(l));
            assert.equal(lines.length, 1, output);
            assert.match(
                lines[0],
                new RegExp(`^\\s*warning: ${blocked.size} users? of 'Sales Mobile' would lose access`),
            );
            assert.match(lines[0], /group added to the enforced policy/);
            await t.setConfig(config("enforced"));
        });

        it("leaves another admin's policy untouched on destroy, and removes only its own", async () => {
            await t.stack.destroy(t.run);
            assert.deepEqual(stackPolicies(tenant), []);
            assert.equal(JSON.stringify(policies(tenant)[caPolicyByAnotherAdminId]), othersBefore);
        });
    });

    it("requires an emergency-access exclusion that exists, refused before any write", async () => {
        await withTestStack(
            "conditional-access-refused",
            { prepare, config: config("reportOnly", null) },
            async (t, tenant) => {
                tenant.emulator.clearRequests();
                const missing = await upError(t);
                assert.match(
                    missing.message,
                    /lookout-mtp:conditionalAccess\.exclusionGroups: name at least one emergency-access group/,
                );
                await t.setConfig(config("reportOnly", [{ displayName: "Emergency access" }]));
                const misnamed = await upError(t);
                assert.match(
                    misnamed.message,
                    /lookout-mtp:conditionalAccess\.exclusionGroups\[0\] \('Emergency access'\): no Entra group is named 'Emergency access'; did you mean 'Emergency Access'\?/,
                );
                assert.deepEqual(tenant.writes(), [], "nothing was written");
                assert.deepEqual(Object.keys(policies(tenant)), [caPolicyByAnotherAdminId]);
            },
        );
    });
});
