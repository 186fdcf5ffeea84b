/** A console edit behind the stack's back is seen by `preview --refresh` and undone by `up --refresh`. */
import assert from "node:assert/strict";
import { graphPaths } from "../../contract/graph/routes";
import { graphClientFor } from "../../providers/graph/connection";
import { lookoutPaths } from "../../contract/lookout/routes";
import { changedProperties, changedSteps, useTestStack } from "../kit/testStack";

describe("drift (real engine)", function () {
    this.timeout(300_000);
    const { tenant, t } = useTestStack("drift");
    before(() => t.stack.up(t.run));
    beforeEach(() => {
        t.events.length = 0;
    });

    it("preview --refresh shows a setting changed in the console", async () => {
        const current = (await tenant.console.request("GET", lookoutPaths.intuneConnector))!.body as Record<
            string,
            unknown
        >;
        await tenant.console.request("PUT", lookoutPaths.intuneConnector, {
            body: { ...current, stateSync: { deviceStatus: false, threatStatus: true } },
        });
        await tenant.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { SIDELOADED_APP: "low" } },
        });
        const [iosPolicy] = Object.values(tenant.settings().compliancePolicies).filter(
            (p) => p.body["@odata.type"] === "#microsoft.graph.iosCompliancePolicy",
        );
        await graphClientFor(tenant.graph).request("PATCH", graphPaths.compliancePolicy(iosPolicy.body.id), {
            body: {
                "@odata.type": "#microsoft.graph.iosCompliancePolicy",
                deviceThreatProtectionRequiredSecurityLevel: "high",
            },
        });

        const preview = await t.stack.preview({ ...t.run, refresh: true, diff: true });
        assert.deepEqual(changedSteps(t.events).sort(), [
            "update lookout-intune-connector",
            "update lookout-intune-ios",
            "update lookout-threat-classifications",
        ]);
        // The refresh half shows what changed remotely (the values and the connector's new ETag), the
        // update half what `up` would set back; nothing else is marked.
        assert.deepEqual([...new Set(changedProperties(preview.stdout))].sort(), [
            "SIDELOADED_APP",
            "deviceStatus",
            "etag",
            "requiredSecurityLevel",
            "riskLevels",
            "stateSync",
        ]);
    });

    it("up --refresh restores the declared settings", async () => {
        await t.stack.up({ ...t.run, refresh: true });
        const settings = tenant.settings();
        assert.deepEqual(settings.intuneConnector!.value.stateSync, { deviceStatus: true, threatStatus: true });
        assert.equal(settings.threatClassifications.value.SIDELOADED_APP, "high");
        const levels = Object.values(settings.compliancePolicies)
            .map((p) => p.body.deviceThreatProtectionRequiredSecurityLevel)
            .sort();
        assert.deepEqual(levels, ["low", "medium"]);
        t.events.length = 0;
        await t.stack.preview({ ...t.run, refresh: true });
        assert.deepEqual(changedSteps(t.events), []);
    });

    it("a plain up refuses to overwrite a console edit it has not seen", async () => {
        const current = (await tenant.console.request("GET", lookoutPaths.intuneConnector))!.body as Record<
            string,
            unknown
        >;
        await tenant.console.request("PUT", lookoutPaths.intuneConnector, {
            body: { ...current, errorReportEmail: "someone-else@contoso.example" },
        });
        await t.setConfig({
            "lookout-mtp:connector": {
                heartbeatFrequencyMinutes: 45,
                disconnectedDeviceThresholdDays: 30,
                errorReportEmail: "mobile-security@contoso.example",
            },
        });
        await assert.rejects(
            t.stack.up(t.run),
            /Lookout Intune connector: .*412 PRECONDITION_FAILED.*run `pulumi refresh`/s,
        );
        assert.equal(tenant.settings().intuneConnector!.value.errorReportEmail, "someone-else@contoso.example");
        await t.stack.up({ ...t.run, refresh: true });
        assert.equal(tenant.settings().intuneConnector!.value.heartbeatFrequencyMinutes, 45);
        assert.equal(tenant.settings().intuneConnector!.value.errorReportEmail, "mobile-security@contoso.example");
    });
});
