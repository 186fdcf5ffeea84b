import assert from "node:assert/strict";
import { graphPaths } from "../../contract/graph/routes";
import { graphClientFor } from "../../providers/graph/connection";
import {
    compliancePolicyProvider,
    type CompliancePolicyInputs,
    managedPolicyDescription,
} from "../../providers/intune/compliancePolicy";
import { useProvider } from "../kit/providerHarness";

const groupTarget = (groupId: string) => ({ "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId });
const android: CompliancePolicyInputs = {
    platform: "androidWorkProfile",
    displayName: "Lookout MTP - Android work profile",
    description: managedPolicyDescription,
    requiredSecurityLevel: "medium",
    groupIds: ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091"],
};

describe("ThreatCompliancePolicy provider", () => {
    const { tenant: t, provider } = useProvider(compliancePolicyProvider, "graph");

    const stored = () => Object.values(t.settings().compliancePolicies);

    /** A policy an admin made in the Intune portal, named like the stack's; returns its id. */
    async function createByHand(overrides: Record<string, unknown> = {}): Promise<string> {
        const created = await graphClientFor(t.graph).request("POST", graphPaths.compliancePolicies, {
            body: {
                "@odata.type": "#microsoft.graph.androidWorkProfileCompliancePolicy",
                displayName: android.displayName,
                deviceThreatProtectionEnabled: true,
                deviceThreatProtectionRequiredSecurityLevel: "high",
                scheduledActionsForRule: [
                    {
                        ruleName: "PasswordRequired",
                        scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }],
                    },
                ],
                ...overrides,
            },
        });
        return (created!.body as { id: string }).id;
    }

    it("rejects notSet and unknown platforms in check", async () => {
        const { failures } = await provider.check({} as never, {
            ...android,
            platform: "windows" as never,
            requiredSecurityLevel: "notSet" as never,
            groupIds: [],
        });
        assert.deepEqual(failures!.map((f) => f.property).sort(), ["groupIds", "platform", "requiredSecurityLevel"]);
    });

    it("creates the policy with the documented type, threat settings and one block action, assigned to the groups", async () => {
        const { id, outs } = await provider.create(android);
        const [policy] = stored();
        assert.equal(policy.body.id, id);
        assert.equal(policy.body["@odata.type"], "#microsoft.graph.androidWorkProfileCompliancePolicy");
        assert.equal(policy.body.deviceThreatProtectionEnabled, true);
        assert.equal(policy.body.deviceThreatProtectionRequiredSecurityLevel, "medium");
        assert.deepEqual(
            policy.assignments.map((a) => a.target),
            android.groupIds.map((groupId) => ({ "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId })),
        );
        assert.deepEqual(outs, { ...android, previous: null, addedGroupIds: android.groupIds });
        const posted = t
            .graphRequests()
            .filter((r) => r.method === "POST")
            .map((r) => r.path);
        assert.deepEqual(
            posted,
            [
                graphPaths.compliancePolicies,
                graphPaths.compliancePolicyAssignments(id),
                graphPaths.compliancePolicyAssignments(id),
            ].map((p) => "/graph/v1.0" + p),
            "the policy, then one assignment per group (never assign, which replaces every assignment)",
        );
    });

    it("adopts a policy made by hand with the same type and name, and gives it back on delete", async () => {
        const graph = graphClientFor(t.graph);
        const handId = await createByHand();
        await graph.request("POST", graphPaths.compliancePolicyAssign(handId), {
            body: {
                assignments: [
                    { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g-old" } },
                ],
            },
        });
        const { id, outs } = await provider.create(android);
        assert.equal(id, handId);
        assert.deepEqual(
            outs.previous,
            { description: "", requiredSecurityLevel: "high", groupIds: ["g-old"] },
            "only what the stack changed, and the groups",
        );
        assert.equal(stored().length, 1);
        assert.equal(stored()[0].body.deviceThreatProtectionRequiredSecurityLevel, "medium");
        await provider.delete(id, outs);
        assert.equal(stored()[0].body.deviceThreatProtectionRequiredSecurityLevel, "high");
        assert.deepEqual(
            stored()[0].assignments.map((a) => a.target.groupId),
            ["g-old"],
        );
    });

    it("never resets what another admin set on an adopted policy: password rules, exclusion groups", async () => {
        const graph = graphClientFor(t.graph);
        const handId = await createByHand({ passwordRequired: true, passwordMinimumLength: 8 });
        await graph.request("POST", graphPaths.compliancePolicyAssign(handId), {
            body: {
                assignments: [
                    {
                        target: {
                            "@odata.type": "microsoft.graph.exclusionGroupAssignmentTarget",
                            groupId: "g-excluded",
                        },
                    },
                ],
            },
        });
        const { outs } = await provider.create(android);
        const [policy] = stored();
        assert.equal(policy.body.passwordRequired, true);
        assert.equal(policy.body.passwordMinimumLength, 8);
        const targets = policy.assignments.map((a) => `${a.target["@odata.type"]} ${a.target.groupId}`).sort();
        assert.deepEqual(targets, [
            "#microsoft.graph.exclusionGroupAssignmentTarget g-excluded",
            ...android.groupIds.map((g) => `#microsoft.graph.groupAssignmentTarget ${g}`),
        ]);
        assert.deepEqual(outs.groupIds, android.groupIds);
        await provider.update(policy.body.id as string, outs, { ...android, groupIds: [android.groupIds[0]] });
        assert.ok(
            stored()[0].assignments.some((a) => a.target.groupId === "g-excluded"),
            "the exclusion survives a reassignment",
        );
    });

    it("owns only the assignments it added: another admin's include group and every filter survive read, update and destroy", async () => {
        const { id, outs } = await provider.create(android);
        const filter = (n: number) => ({
            deviceAndAppManagementAssignmentFilterId: `f1f1f1f1-0000-4000-8000-00000000000${n}`,
            deviceAndAppManagementAssignmentFilterType: "include",
        });
        // In the portal: another admin adds their group with a filter, and a filter on the stack's first group.
        const policy = t.emulator.store.tenantById(t.tenantId)!.compliancePolicies[id];
        Object.assign(policy.assignments[0].target, filter(1));
        const theirs = { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g-theirs", ...filter(2) };
        policy.assignments.push({ id: `${id}_g-theirs`, target: theirs });
        const targets = () => stored()[0].assignments.map((a) => a.target);

        assert.deepEqual((await provider.read(id, outs)).props, outs, "their group is not drift");
        const released = await provider.update(id, outs, { ...android, groupIds: [android.groupIds[0]] });
        assert.deepEqual(targets(), [{ ...groupTarget(android.groupIds[0]), ...filter(1) }, theirs]);
        assert.deepEqual(released.outs.addedGroupIds, [android.groupIds[0]]);
        assert.equal(
            t.graphRequests().filter((r) => r.path.endsWith("/assign")).length,
            0,
            "never assign, which would replace theirs and erase every filter",
        );

        await provider.delete(id, released.outs);
        assert.deepEqual(targets(), [theirs], "the policy stays for the others, without the stack's group");
    });

    it("gives back the groups an earlier layout's adoption took away, for a state without the record", async () => {
        const handId = await createByHand();
        const { id, outs } = await provider.create(android);
        assert.equal(id, handId);
        // As the earlier layout left it: the hand-made group replaced by the stack's, and no record of what it added.
        const { addedGroupIds: _none, ...earlier } = { ...outs, previous: { ...outs.previous!, groupIds: ["g-old"] } };
        await provider.delete(id, earlier);
        assert.deepEqual(
            stored()[0].assignments.map((a) => a.target.groupId),
            ["g-old"],
        );
    });

    it("takes back a group it released only when it added it: a group assigned before adoption stays", async () => {
        const graph = graphClientFor(t.graph);
        const handId = await createByHand();
        await graph.request("POST", graphPaths.compliancePolicyAssignments(handId), {
            body: { target: groupTarget(android.groupIds[0]) },
        });
        const { id, outs } = await provider.create(android);
        assert.deepEqual(outs.addedGroupIds, [android.groupIds[1]]);
        await provider.update(id, outs, { ...android, groupIds: [android.groupIds[1]] });
        assert.deepEqual(
            stored()[0]
                .assignments.map((a) => a.target.groupId)
                .sort(),
            [...android.groupIds].sort(),
            "the group assigned before the stack keeps its assignment",
        );
    });

    it("skips the tenant's policies of other types, such as Windows 8.1, when it looks for its own", async () => {
        await graphClientFor(t.graph).request("POST", graphPaths.compliancePolicies, {
            body: {
                "@odata.type": "#microsoft.graph.windows81CompliancePolicy",
                displayName: android.displayName,
                passwordRequired: true,
                scheduledActionsForRule: [
                    {
                        ruleName: "PasswordRequired",
                        scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }],
                    },
                ],
            },
        });
        const { outs } = await provider.create(android);
        assert.equal(outs.previous, null, "the Windows policy of the same name is not adopted");
        assert.equal(stored().length, 2);
    });

    it("takes back, rather than adopts, a policy an interrupted run of the stack created", async () => {
        t.emulator.faults.set([
            {
                kind: "loseResponse",
                limit: 1,
                pathPrefix: "/graph/v1.0/deviceManagement/deviceCompliancePolicies",
                methods: ["POST"],
            },
        ]);
        await createByHand({
            description: managedPolicyDescription,
            deviceThreatProtectionRequiredSecurityLevel: "medium",
        }).catch(() => undefined);
        t.emulator.faults.clear();
        const { id, outs } = await provider.create(android);
        assert.equal(outs.previous, null);
        await provider.delete(id, outs);
        assert.deepEqual(stored(), [], "destroy deletes it like any policy the stack created");
    });

    it("never creates a second policy when the answer to the create was lost", async () => {
        t.emulator.faults.set([
            {
                kind: "loseResponse",
                limit: 1,
                pathPrefix: "/graph/v1.0/deviceManagement/deviceCompliancePolicies",
                methods: ["POST"],
            },
        ]);
        const { id } = await provider.create(android);
        assert.equal(stored().length, 1, "the lost create was found, not repeated");
        assert.equal(stored()[0].body.id, id);
        assert.equal(stored()[0].assignments.length, 2);
    });

    it("waits for a create answered too late instead of creating twice", async () => {
        t.emulator.faults.set([
            {
                kind: "delay",
                delayMs: 2500,
                limit: 1,
                pathPrefix: "/graph/v1.0/deviceManagement/deviceCompliancePolicies",
                methods: ["POST"],
            },
        ]);
        const { id } = await provider.create(android);
        assert.equal(stored().length, 1);
        assert.equal(stored()[0].body.id, id);
    });

    it("creates again when a dropped create never arrived", async () => {
        t.emulator.faults.set([
            {
                kind: "drop",
                limit: 1,
                pathPrefix: "/graph/v1.0/deviceManagement/deviceCompliancePolicies",
                methods: ["POST"],
            },
        ]);
        await provider.create(android);
        assert.equal(stored().length, 1);
    });

    it("refuses to guess between two policies of the same name", async () => {
        await provider.create(android);
        await createByHand();
        await assert.rejects(
            provider.create(android),
            /2 policies of this type are named 'Lookout MTP - Android work profile'/,
        );
    });

    it("uses the right type per platform", async () => {
        for (const [platform, type] of [
            ["androidDeviceAdministrator", "#microsoft.graph.androidCompliancePolicy"],
            ["ios", "#microsoft.graph.iosCompliancePolicy"],
        ] as const) {
            const { id } = await provider.create({ ...android, platform, displayName: platform });
            assert.equal(t.settings().compliancePolicies[id].body["@odata.type"], type);
        }
    });

    it("when the assignment fails, keeps the new policy and takes it back on the next create, never a second one", async () => {
        t.emulator.faults.set([
            {
                kind: "status",
                status: 400,
                pathPrefix: "/graph/v1.0/deviceManagement/deviceCompliancePolicies/",
                methods: ["POST"],
            },
        ]);
        await assert.rejects(
            provider.create(android),
            /Intune compliance policy 'Lookout MTP - Android work profile': .*400.* waits unassigned; the next `pulumi up` takes it back and assigns it\./,
        );
        assert.equal(stored().length, 1);
        t.emulator.faults.clear();
        const { id, outs } = await provider.create(android);
        assert.equal(outs.previous, null, "the stack's own policy, deleted on destroy");
        assert.deepEqual(Object.keys(t.settings().compliancePolicies), [id]);
        assert.equal(t.settings().compliancePolicies[id].assignments.length, 2);
        assert.equal(t.writes().filter((w) => w.method === "DELETE").length, 0);
    });

    it("replaces the policy when the platform changes and updates it otherwise", async () => {
        const { id, outs } = await provider.create(android);
        assert.deepEqual((await provider.diff(id, outs, { ...android, platform: "ios" })).replaces, ["platform"]);
        const level = await provider.diff(id, outs, { ...android, requiredSecurityLevel: "low" });
        assert.deepEqual(level, { changes: true, replaces: [] });
        assert.deepEqual(await provider.diff(id, outs, android), { changes: false, replaces: [] });
    });

    it("patches the level and reassigns groups on update", async () => {
        const { id, outs } = await provider.create(android);
        t.emulator.clearRequests();
        await provider.update(id, outs, { ...android, requiredSecurityLevel: "low" });
        assert.equal(stored()[0].body.deviceThreatProtectionRequiredSecurityLevel, "low");
        assert.deepEqual(
            t.graphRequests().map((r) => r.method),
            ["PATCH"],
        );
        t.emulator.clearRequests();
        await provider.update(
            id,
            { ...outs, requiredSecurityLevel: "low" },
            { ...android, requiredSecurityLevel: "low", groupIds: [android.groupIds[0]] },
        );
        assert.deepEqual(
            t.graphRequests().map((r) => r.method),
            ["GET", "DELETE"],
            "one read of the assignments, one delete of the released group's (which the stack added)",
        );
        assert.deepEqual(
            stored()[0].assignments.map((a) => a.target.groupId),
            [android.groupIds[0]],
        );
    });

    it("reads threat protection switched off in the portal as drift", async () => {
        const { id, outs } = await provider.create(android);
        assert.deepEqual((await provider.read(id, outs)).props, outs);
        await graphClientFor(t.graph).request("PATCH", graphPaths.compliancePolicy(id), {
            body: {
                "@odata.type": "#microsoft.graph.androidWorkProfileCompliancePolicy",
                deviceThreatProtectionEnabled: false,
            },
        });
        const read = await provider.read(id, outs);
        assert.match(String(read.props!.requiredSecurityLevel), /^off/);
        assert.equal((await provider.diff(id, read.props!, android)).changes, true);
    });

    it("deletes the policy, and treats one already gone as deleted", async () => {
        const { id, outs } = await provider.create(android);
        await provider.delete(id, outs);
        assert.deepEqual(stored(), []);
        await provider.delete(id, outs);
        assert.deepEqual(await provider.read(id, outs), {});
    });
});
