/**
 * A tenant configured before the stack, on the real engine: Lookout settings made by hand in the
 * console, and an Intune tenant as Microsoft documents one, a Lookout connector carrying every
 * v1.0 property (the body of Learn's "Create mobileThreatDefenseConnector" example) and a Windows
 * 8.1 compliance policy of another team (Learn's "Get windows81CompliancePolicy" example). `up`
 * adopts what exists and creates the threat-level policies beside the other team's; a second
 * preview shows no changes; what the stack does not manage is untouched; `destroy` gives back what
 * it changed and removes only its own policies.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { graphPaths } from "../../contract/graph/routes";
import { lookoutMtdConnectorId } from "../../contract/graph/schemas";
import { lookoutPaths } from "../../contract/lookout/routes";
import { graphClientFor } from "../../providers/graph/connection";
import { useTestStack } from "../kit/testStack";

const documented = (file: string) =>
    JSON.parse(readFileSync(join(__dirname, "../../contract/graph/fixtures", file), "utf8"));

describe("adoption of settings made before the stack (real engine)", function () {
    this.timeout(300_000);
    const byHand = {
        heartbeatFrequencyMinutes: 240,
        enrollmentGroups: ["sales mobile"],
        newDeviceCheckIntervalMinutes: 15,
        disconnectedDeviceThresholdDays: null,
        stateSync: { deviceStatus: true, threatStatus: false },
        errorReportEmail: "old-admin@contoso.example",
    };
    const connectorBody = documented("mtdConnector.create.json").request.body as Record<string, unknown>;
    let connectorBefore: Record<string, unknown>;
    let windowsPolicyId: string;
    let windowsPolicyBefore: Record<string, unknown>;

    // The config manages one MTD connector setting, which the documented connector has on already,
    // and two threat-level policies.
    const { tenant, t } = useTestStack("adoption", {
        prepare: async (tenant) => {
            await tenant.console.request("PUT", lookoutPaths.intuneConnector, { body: byHand });
            await tenant.console.request("PUT", lookoutPaths.notificationPreferences("secops@contoso.example"), {
                body: { emailNotifications: false },
            });
            await tenant.console.request("PATCH", lookoutPaths.threatClassifications, {
                body: { riskLevels: { SIDELOADED_APP: "none" } },
            });
            const graph = graphClientFor(tenant.graph);
            await graph.request("POST", graphPaths.mtdConnectors, {
                body: { ...connectorBody, id: lookoutMtdConnectorId },
            });
            const {
                id: _id,
                createdDateTime: _c,
                lastModifiedDateTime: _m,
                version: _v,
                ...windows
            } = documented("compliancePolicy.windows81.json").response.body.value;
            const created = await graph.request("POST", graphPaths.compliancePolicies, {
                body: {
                    ...windows,
                    scheduledActionsForRule: [
                        {
                            ruleName: "PasswordRequired",
                            scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }],
                        },
                    ],
                },
            });
            windowsPolicyId = (created!.body as { id: string }).id;
            connectorBefore = structuredClone(mtdConnector());
            windowsPolicyBefore = structuredClone(tenant.settings().compliancePolicies[windowsPolicyId].body);
        },
        config: {
            "lookout-mtp:intune": {
                mtdConnector: { partnerUnsupportedOsVersionBlocked: true, iosEnabled: false },
                compliancePolicies: [
                    { platform: "androidWorkProfile", requiredSecurityLevel: "medium" },
                    { platform: "ios", requiredSecurityLevel: "low" },
                ],
            },
        },
    });
    const mtdConnector = () => tenant.settings().mtdConnectors[lookoutMtdConnectorId] as Record<string, unknown>;

    it("up adopts the existing settings without error and applies the declared ones, creating the policies beside the Windows one", async () => {
        const result = await t.stack.up(t.run);
        assert.equal(result.summary.result, "succeeded");
        const settings = tenant.settings();
        assert.deepEqual(settings.intuneConnector!.value.enrollmentGroups, ["Lookout Pilot", "Sales Mobile"]);
        assert.deepEqual(settings.intuneConnector!.value.stateSync, { deviceStatus: true, threatStatus: true });
        assert.deepEqual(settings.notificationPreferences["secops@contoso.example"].value, {
            emailNotifications: true,
        });
        assert.equal(settings.threatClassifications.value.SIDELOADED_APP, "high");
        assert.equal(mtdConnector().iosEnabled, false, "the managed setting is applied");
        assert.deepEqual(
            Object.values(settings.compliancePolicies)
                .map((p) => p.body["@odata.type"])
                .sort(),
            [
                "#microsoft.graph.androidWorkProfileCompliancePolicy",
                "#microsoft.graph.iosCompliancePolicy",
                "#microsoft.graph.windows81CompliancePolicy",
            ],
        );
    });

    it("a second preview shows no changes", async () => {
        const preview = await t.stack.preview(t.run);
        assert.deepEqual(Object.keys(preview.changeSummary), ["same"]);
    });

    it("leaves every MTD connector property the stack does not manage, and the Windows policy, as they were", () => {
        const now = mtdConnector();
        const changed = Object.keys(connectorBefore).filter(
            (k) =>
                JSON.stringify(connectorBefore[k]) !== JSON.stringify(now[k]) &&
                !["partnerState", "lastHeartbeatDateTime"].includes(k),
        );
        assert.deepEqual(changed, ["iosEnabled"]);
        assert.deepEqual(tenant.settings().compliancePolicies[windowsPolicyId].body, windowsPolicyBefore);
    });

    it("destroy puts the hand-made Lookout settings and the connector's setting back, and removes only its own policies", async () => {
        await t.dispose();
        const settings = tenant.settings();
        assert.deepEqual(settings.intuneConnector!.value, byHand);
        assert.deepEqual(settings.notificationPreferences["secops@contoso.example"].value, {
            emailNotifications: false,
        });
        assert.equal(settings.threatClassifications.value.SIDELOADED_APP, "none");
        assert.deepEqual(mtdConnector().iosEnabled, connectorBefore.iosEnabled);
        assert.deepEqual(Object.keys(settings.compliancePolicies), [windowsPolicyId]);
    });
});
