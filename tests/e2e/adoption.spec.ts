/** A tenant configured by hand: `up` adopts its Lookout settings, `destroy` gives them back. */
import assert from "node:assert/strict";
import { lookoutPaths } from "../../contract/lookout/routes";
import { useTestStack } from "../kit/testStack";

describe("adoption of hand-made settings (real engine)", function () {
    this.timeout(300_000);
    const byHand = {
        heartbeatFrequencyMinutes: 240,
        enrollmentGroups: ["sales mobile"],
        newDeviceCheckIntervalMinutes: 15,
        disconnectedDeviceThresholdDays: null,
        stateSync: { deviceStatus: true, threatStatus: false },
        errorReportEmail: "old-admin@contoso.example",
    };

    const { tenant, t } = useTestStack("adoption", {
        prepare: async (tenant) => {
            await tenant.console.request("PUT", lookoutPaths.intuneConnector, { body: byHand });
            await tenant.console.request("PUT", lookoutPaths.notificationPreferences("secops@contoso.example"), {
                body: { emailNotifications: false },
            });
            await tenant.console.request("PATCH", lookoutPaths.threatClassifications, {
                body: { riskLevels: { SIDELOADED_APP: "none" } },
            });
        },
    });

    it("up adopts existing settings without error and applies the declared ones", async () => {
        const result = await t.stack.up(t.run);
        assert.equal(result.summary.result, "succeeded");
        const settings = tenant.settings();
        assert.deepEqual(settings.intuneConnector!.value.enrollmentGroups, ["Lookout Pilot", "Sales Mobile"]);
        assert.deepEqual(settings.intuneConnector!.value.stateSync, { deviceStatus: true, threatStatus: true });
        assert.deepEqual(settings.notificationPreferences["secops@contoso.example"].value, {
            emailNotifications: true,
        });
        assert.equal(settings.threatClassifications.value.SIDELOADED_APP, "high");
    });

    it("destroy puts the hand-made settings back", async () => {
        await t.dispose();
        const settings = tenant.settings();
        assert.deepEqual(settings.intuneConnector!.value, byHand);
        assert.deepEqual(settings.notificationPreferences["secops@contoso.example"].value, {
            emailNotifications: false,
        });
        assert.equal(settings.threatClassifications.value.SIDELOADED_APP, "none");
    });
});
