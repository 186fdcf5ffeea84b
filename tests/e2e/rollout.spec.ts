/**
 * Rollout rings with health gates on the real engine: ring 2 is held while ring 1's devices are
 * pending and while ring 1 soaks, then enrolled as its devices activate on the emulator's clock; a
 * read Lookout refuses holds the ring; an explicit release enrolls it with its reason.
 *
 * What "activated" means is the emulator's device model (emulator/devices.ts): a pilot user's
 * device is listed five minutes after the connector names the group and activated up to fifty
 * minutes later, one in five never.
 */
import assert from "node:assert/strict";
import { seedDevices } from "../../emulator/devices";
import type { Tenant } from "../../emulator/store";
import { graphModeConfigForStack, sampleDirectory } from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { type TestStack, useTestStack } from "../kit/testStack";

const pilotId = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
const salesId = "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091";
const day = 86_400_000;

const rings = [
    { name: "pilot", groups: ["Lookout Pilot"], gate: { minActivatedShare: 0.5, minSoakDays: 2 } },
    { name: "sales", groups: ["Sales Mobile"] },
];

/** Graph mode with two rings, the endpoints left to the test stack (its emulator). */
function ringsConfig(release?: { ring: string; reason: string }): Record<string, unknown> {
    return { ...graphModeConfigForStack(), "lookout-mtp:rollout": { rings, ...(release ? { release } : {}) } };
}

function tenantOf(tenant: EmulatedTenant): Tenant {
    return tenant.emulator.store.tenantById(tenant.tenantId)!;
}

/** 30 pilot users and 70 sales users, each with a phone in Intune. */
function prepare(tenant: EmulatedTenant) {
    const t = tenantOf(tenant);
    t.directory = sampleDirectory();
    t.directory.groups.find((g) => g.id === pilotId)!.generatedUsers = 30;
    Object.assign(
        t.directory.groups.find((g) => g.id === salesId)!,
        { members: [], generatedUsers: 70 },
    );
    seedDevices(t, [pilotId, salesId], tenant.emulator.now());
}

/** A preview's whole output, and the lines that speak of rings. */
async function preview(t: TestStack): Promise<{ output: string; ringLines: string[] }> {
    let output = "";
    await t.stack.preview({ ...t.run, onOutput: (s) => (output += s) });
    const ringLines = output.split("\n").filter((l) => /ring \d '/.test(l));
    return { output, ringLines };
}

const enrolledGroups = (tenant: EmulatedTenant) => tenantOf(tenant).intuneConnector?.value.enrollmentGroups;
const assignedGroups = (tenant: EmulatedTenant) =>
    Object.values(tenantOf(tenant).compliancePolicies).map((p) => p.assignments.map((a) => a.target.groupId).sort());

describe("rollout rings (real engine)", function () {
    this.timeout(300_000);

    describe("a ring held by its gate, then enrolled as the pilot's devices activate", () => {
        const { tenant, t } = useTestStack("rollout", { prepare, config: ringsConfig() });

        it("enrolls ring 1 only, and says in one line why ring 2 is held", async () => {
            const result = await t.stack.up(t.run);
            assert.equal(result.summary.result, "succeeded");
            assert.deepEqual(enrolledGroups(tenant), ["Lookout Pilot"]);
            assert.deepEqual(assignedGroups(tenant), [[pilotId], [pilotId]], "the Intune policies hold ring 1 only");
            const rollout = result.outputs.rollout.value as { rings: Array<{ released: boolean; enrolledAt: string }> };
            assert.deepEqual(
                rollout.rings.map((r) => r.released),
                [true, false],
            );
            assert.ok(Math.abs(Date.parse(rollout.rings[0].enrolledAt) - tenant.emulator.now()) < 60_000);
        });

        it("keeps ring 2 held while ring 1 soaks, though its devices activated, and writes nothing", async () => {
            tenant.emulator.advanceClock(1 * day);
            tenant.emulator.clearRequests();
            const { ringLines } = await preview(t);
            assert.ok(ringLines.length > 0, "the preview says why ring 2 is held");
            for (const line of ringLines)
                assert.match(line, /ring 2 'sales' \(Sales Mobile, 70 users\) held: soaked 1 of 2 days$/);
            assert.deepEqual(tenant.writes(), [], "a preview writes nothing");
        });

        it("enrolls ring 2 once ring 1 passes its gate, recording when", async () => {
            tenant.emulator.advanceClock(1 * day + 60_000);
            const { ringLines } = await preview(t);
            assert.deepEqual(ringLines, [], "nothing is held");
            const result = await t.stack.up(t.run);
            assert.deepEqual(enrolledGroups(tenant), ["Lookout Pilot", "Sales Mobile"]);
            assert.deepEqual(assignedGroups(tenant), [[pilotId, salesId].sort(), [pilotId, salesId].sort()]);
            const rollout = result.outputs.rollout.value as { rings: Array<{ released: boolean; enrolledAt: string }> };
            assert.deepEqual(
                rollout.rings.map((r) => r.released),
                [true, true],
            );
            assert.ok(Date.parse(rollout.rings[1].enrolledAt) > Date.parse(rollout.rings[0].enrolledAt) + 2 * day);
        });
    });

    describe("a refused read and an explicit release", () => {
        const { tenant, t } = useTestStack("rollout-release", { prepare, config: ringsConfig() });

        it("holds ring 2 when Lookout refuses the device counts, naming what the read needs", async () => {
            await t.stack.up(t.run);
            tenant.emulator.advanceClock(3 * day);
            tenant.emulator.faults.set([{ kind: "status", status: 403, pathPrefix: "/mra/api/v2/devices" }]);
            try {
                const { ringLines } = await preview(t);
                assert.ok(ringLines.length > 0);
                for (const line of ringLines)
                    assert.match(
                        line,
                        /ring 2 'sales' \(Sales Mobile, 70 users\) held: ring 1 'pilot' cannot be judged: Lookout refused its device list \(403\): the application key needs the Mobile Risk API's device read$/,
                    );
            } finally {
                tenant.emulator.faults.clear();
            }
        });

        it("enrolls a held ring on an explicit release, saying the reason and recording it", async () => {
            tenant.emulator.faults.set([{ kind: "status", status: 403, pathPrefix: "/mra/api/v2/devices" }]);
            try {
                await t.setConfig(
                    ringsConfig({ ring: "sales", reason: "approved by the CISO after the pilot review" }),
                );
                let output = "";
                const result = await t.stack.up({ ...t.run, onOutput: (s) => (output += s) });
                assert.match(
                    output,
                    /ring 2 'sales' \(Sales Mobile, 70 users\) released by override: approved by the CISO after the pilot review/,
                );
                assert.deepEqual(enrolledGroups(tenant), ["Lookout Pilot", "Sales Mobile"]);
                assert.deepEqual((result.outputs.rollout.value as { override: unknown }).override, {
                    ring: "sales",
                    reason: "approved by the CISO after the pilot review",
                });
            } finally {
                tenant.emulator.faults.clear();
            }
        });
    });
});
