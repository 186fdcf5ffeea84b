/**
 * The stack's whole life under the real Pulumi engine against the Lookout emulator: up, no-op
 * preview and refresh, a one-setting change, no credential anywhere the engine writes, destroy.
 *
 * The program runs from its TypeScript sources, as a user's `pulumi` runs it (ts-node); the other
 * engine tests run it compiled (tests/kit/program.ts).
 */
import assert from "node:assert/strict";
import { validReferenceConfig } from "../kit/configFixtures";
import { findLeaks } from "../kit/leaks";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { sourceProgram } from "../kit/program";
import { changedProperties, changedSteps, useTestStack } from "../kit/testStack";

describe("stack lifecycle (real engine, the program from its sources)", function () {
    this.timeout(300_000);
    let untouched: ReturnType<EmulatedTenant["settings"]>;
    const { tenant, t } = useTestStack("lifecycle", {
        emulator: { rateLimitPerMinute: 100 },
        prepare: (tenant) => {
            untouched = tenant.settings();
        },
        program: sourceProgram(validReferenceConfig()),
    });
    beforeEach(() => {
        t.events.length = 0;
    });

    it("up configures the connector, notifications and classifications", async () => {
        const result = await t.stack.up(t.run);
        assert.equal(result.summary.result, "succeeded");
        const settings = tenant.settings();
        assert.deepEqual(settings.intuneConnector!.value.enrollmentGroups, ["Lookout Pilot", "Sales Mobile"]);
        assert.equal(settings.intuneConnector!.value.heartbeatFrequencyMinutes, 60);
        assert.deepEqual(settings.notificationPreferences["secops@contoso.example"].value, {
            emailNotifications: true,
        });
        assert.equal(settings.threatClassifications.value.SIDELOADED_APP, "high");
        assert.equal(result.outputs.tenantId.value, "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10");
        assert.match(result.outputs.onboardingRequest.value, /full console access \('Lookout MTP Admins'\)/);
    });

    it("up enables Intune's Lookout connector and assigns one threat-level policy per platform", async () => {
        const settings = tenant.settings();
        assert.deepEqual(Object.keys(settings.mtdConnectors), ["2c7790de-8b02-4814-85cf-e0c59380dee8"]);
        const policies = Object.values(settings.compliancePolicies).map((p) => ({
            type: p.body["@odata.type"],
            level: p.body.deviceThreatProtectionRequiredSecurityLevel,
            groups: p.assignments.map((a) => a.target.groupId),
        }));
        const groups = ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091"];
        assert.deepEqual(
            policies.sort((a, b) => a.type.localeCompare(b.type)),
            [
                { type: "#microsoft.graph.androidWorkProfileCompliancePolicy", level: "medium", groups },
                { type: "#microsoft.graph.iosCompliancePolicy", level: "low", groups },
            ],
        );
        const outputs = await t.stack.outputs();
        assert.equal(
            outputs.intunePartnerState.value,
            "enabled",
            "Lookout heartbeats once its connector is configured",
        );
    });

    it("a second preview reports zero changes", async () => {
        const preview = await t.stack.preview(t.run);
        assert.deepEqual(changedSteps(t.events), []);
        assert.deepEqual(Object.keys(preview.changeSummary), ["same"]);
    });

    it("refresh reads every Lookout setting and reports zero changes", async () => {
        tenant.emulator.clearRequests();
        const refresh = await t.stack.refresh(t.run);
        assert.deepEqual(Object.keys(refresh.summary.resourceChanges ?? {}), ["same"]);
        const reads = tenant.emulator
            .requests()
            .filter((r) => r.method === "GET")
            .map((r) => r.path.replace(/[0-9a-f-]{36}$/, "{id}").replace(/[0-9a-f-]{36}\//, "{id}/"));
        assert.deepEqual(reads.sort(), [
            "/console/v1/connectors/intune",
            "/console/v1/threat-classifications",
            "/console/v1/users/secops%40contoso.example/notification-preferences",
            "/graph/v1.0/deviceManagement/deviceCompliancePolicies/{id}",
            "/graph/v1.0/deviceManagement/deviceCompliancePolicies/{id}",
            "/graph/v1.0/deviceManagement/deviceCompliancePolicies/{id}/assignments",
            "/graph/v1.0/deviceManagement/deviceCompliancePolicies/{id}/assignments",
            "/graph/v1.0/deviceManagement/mobileThreatDefenseConnectors/{id}",
        ]);
        const writes = tenant.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/token"));
        assert.deepEqual(writes, []);
    });

    it("a one-setting change previews as exactly that property on one resource", async () => {
        await t.setConfig({
            "lookout-mtp:connector": {
                heartbeatFrequencyMinutes: 30,
                disconnectedDeviceThresholdDays: 30,
                errorReportEmail: "mobile-security@contoso.example",
            },
        });
        const preview = await t.stack.preview({ ...t.run, diff: true });
        assert.deepEqual(changedSteps(t.events), ["update lookout-intune-connector"]);
        assert.deepEqual(changedProperties(preview.stdout), [
            "heartbeatFrequencyMinutes",
            "connectorHeartbeatFrequencyMinutes",
        ]);
        assert.match(preview.stdout, /~ heartbeatFrequencyMinutes\s*: 60 => 30/);
        assert.doesNotMatch(preview.stdout, /__provider/);
        assert.deepEqual(preview.changeSummary.update, 1);
    });

    it("up applies the change with one write", async () => {
        tenant.emulator.clearRequests();
        await t.stack.up(t.run);
        assert.equal(tenant.settings().intuneConnector!.value.heartbeatFrequencyMinutes, 30);
        const writes = tenant.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/token"));
        assert.deepEqual(
            writes.map((w) => `${w.method} ${w.path}`),
            ["PUT /console/v1/connectors/intune"],
        );
    });

    it("keeps the application key, the Graph secret and every token out of state, engine output and the emulator's log", async () => {
        const exported = await t.exportState();
        assert.ok(exported.includes("lookout-intune-connector"), "the export holds the stack's resources");
        assert.ok(t.backendFiles().includes("lookout-intune-connector"), "the backend holds the stack's state");
        assert.ok(t.transcript.length > 10, "the engine's output was captured");
        assert.deepEqual(await findLeaks(t, tenant), []);
    });

    it("destroy leaves the Lookout tenant as it was before the stack", async () => {
        await t.stack.destroy(t.run);
        const after = tenant.settings();
        assert.equal(after.intuneConnector, null);
        assert.deepEqual(after.notificationPreferences, untouched.notificationPreferences);
        assert.deepEqual(after.threatClassifications.value, untouched.threatClassifications.value);
        assert.deepEqual(after.mtdConnectors, {});
        assert.deepEqual(after.compliancePolicies, {}, "no policy left behind");
    });
});
