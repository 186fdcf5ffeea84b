/**
 * The stack's whole life under the real Pulumi engine against the Lookout emulator:
 * up, no-op preview and refresh, a one-setting change, destroy.
 */
import assert from "node:assert/strict";
import { type EmulatedTenant, startEmulatedTenant } from "../support/lookoutEmulator";
import { changedProperties, changedSteps, createTestStack, type TestStack } from "../support/testStack";

describe("stack lifecycle (real engine)", function () {
    this.timeout(300_000);
    let tenant: EmulatedTenant;
    let t: TestStack;
    let untouched: ReturnType<EmulatedTenant["settings"]>;

    before(async () => {
        tenant = await startEmulatedTenant({ rateLimitPerMinute: 100 });
        untouched = tenant.settings();
        t = await createTestStack("lifecycle", tenant);
    });
    after(async () => {
        await t?.dispose().catch(() => undefined);
        await tenant?.emulator.close();
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
        assert.deepEqual(settings.notificationPreferences["secops@contoso.example"].value, { emailNotifications: true });
        assert.equal(settings.threatClassifications.value.SIDELOADED_APP, "high");
        assert.equal(result.outputs.tenantId.value, "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10");
        assert.match(result.outputs.onboardingRequest.value, /full console access \('Lookout MTP Admins'\)/);
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
        const reads = tenant.emulator.requests().filter((r) => r.method === "GET").map((r) => r.path);
        assert.deepEqual(reads.sort(), [
            "/console/v1/connectors/intune",
            "/console/v1/threat-classifications",
            "/console/v1/users/secops%40contoso.example/notification-preferences",
        ]);
        assert.equal(tenant.emulator.requests().filter((r) => r.method !== "GET" && r.method !== "POST").length, 0);
    });

    it("a one-setting change previews as exactly that property on one resource", async () => {
        await t.setConfig({ "lookout-mtp:connector": { heartbeatFrequencyMinutes: 30, disconnectedDeviceThresholdDays: 30, errorReportEmail: "mobile-security@contoso.example" } });
        const preview = await t.stack.preview({ ...t.run, diff: true });
        assert.deepEqual(changedSteps(t.events), ["update lookout-intune-connector"]);
        assert.deepEqual(changedProperties(preview.stdout), ["heartbeatFrequencyMinutes", "connectorHeartbeatFrequencyMinutes"]);
        assert.match(preview.stdout, /~ heartbeatFrequencyMinutes\s*: 60 => 30/);
        assert.doesNotMatch(preview.stdout, /__provider/);
        assert.deepEqual(preview.changeSummary.update, 1);
    });

    it("up applies the change with one write", async () => {
        tenant.emulator.clearRequests();
        await t.stack.up(t.run);
        assert.equal(tenant.settings().intuneConnector!.value.heartbeatFrequencyMinutes, 30);
        const writes = tenant.emulator.requests().filter((r) => r.method !== "GET" && !r.path.startsWith("/oauth2"));
        assert.deepEqual(writes.map((w) => `${w.method} ${w.path}`), ["PUT /console/v1/connectors/intune"]);
    });

    it("destroy leaves the Lookout tenant as it was before the stack", async () => {
        await t.stack.destroy(t.run);
        const after = tenant.settings();
        assert.equal(after.intuneConnector, null);
        assert.deepEqual(after.notificationPreferences, untouched.notificationPreferences);
        assert.deepEqual(after.threatClassifications.value, untouched.threatClassifications.value);
    });
});
