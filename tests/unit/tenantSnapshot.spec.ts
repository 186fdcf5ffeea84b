import assert from "node:assert/strict";
import { parseStackConfig } from "../../config/stackConfig";
import { tenantSnapshot } from "../../operate/adoption/tenantSnapshot";
import { graphPaths } from "../../contract/graph/routes";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import { graphClientFor } from "../../providers/graph/connection";
import { lookoutPaths } from "../../contract/lookout/routes";
import { asRawConfig, validReferenceConfig } from "../kit/configFixtures";
import { scaledRetryPolicy, useEmulatedTenant } from "../kit/lookoutEmulator";

describe("tenant snapshot (adopting a tenant onboarded by hand)", () => {
    const t = useEmulatedTenant({ eachTest: true });

    it("expresses hand-made Lookout and Intune settings as valid stack config", async () => {
        await t.console.request("PUT", lookoutPaths.intuneConnector, {
            body: {
                heartbeatFrequencyMinutes: 120,
                enrollmentGroups: ["Sales Mobile"],
                newDeviceCheckIntervalMinutes: 5,
                disconnectedDeviceThresholdDays: null,
                stateSync: { deviceStatus: true, threatStatus: true },
                errorReportEmail: "it@contoso.example",
            },
        });
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { ADWARE: "none", TROJAN: "high" } },
        });
        // 120 writes: more than Intune's window allows, so the setup waits as the default policy would.
        const graph = graphClientFor({ ...t.graph, retry: scaledRetryPolicy() });
        await graph.request("POST", graphPaths.mtdConnectors, {
            body: {
                id: "2c7790de-8b02-4814-85cf-e0c59380dee8",
                androidEnabled: true,
                iosEnabled: false,
                androidDeviceBlockedOnMissingPartnerData: false,
                iosDeviceBlockedOnMissingPartnerData: false,
                partnerUnsupportedOsVersionBlocked: false,
                partnerUnresponsivenessThresholdInDays: 14,
                allowPartnerToCollectIOSApplicationMetadata: false,
            },
        });
        // Other teams' policies first, so the Lookout one is on the second page of the list.
        for (let i = 0; i < 120; i++) {
            await graph.request("POST", graphPaths.compliancePolicies, {
                body: {
                    "@odata.type": "#microsoft.graph.windows81CompliancePolicy",
                    displayName: `Windows baseline ${i}`,
                    passwordRequired: true,
                    scheduledActionsForRule: [
                        {
                            ruleName: "PasswordRequired",
                            scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }],
                        },
                    ],
                },
            });
        }
        await graph.request("POST", graphPaths.compliancePolicies, {
            body: {
                "@odata.type": "#microsoft.graph.androidCompliancePolicy",
                displayName: "Android - Lookout",
                deviceThreatProtectionEnabled: true,
                deviceThreatProtectionRequiredSecurityLevel: "medium",
                scheduledActionsForRule: [
                    {
                        ruleName: "PasswordRequired",
                        scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }],
                    },
                ],
            },
        });

        // Lookout for Work approved in managed Google Play and offered (available) to a group.
        const appId = approveManagedGooglePlayApp(
            t.emulator.store.tenantById(t.tenantId)!,
            { packageId: "com.lookout.enterprise", displayName: "Lookout for Work", publisher: "Lookout" },
            Date.now(),
        );
        await graph.request("POST", graphPaths.mobileAppAssignments(appId), {
            body: {
                intent: "available",
                target: {
                    "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                    groupId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091",
                },
            },
        });

        t.emulator.clearRequests();
        const snapshot = await tenantSnapshot(t.console, graph);
        const listed = t.emulator.requests().filter((r) => r.path.endsWith("/deviceCompliancePolicies"));
        assert.equal(listed.length, 2, "both pages of the policy list were read");
        assert.deepEqual(
            snapshot["lookout-mtp:threatClassifications"],
            { ADWARE: "none" },
            "only levels that differ from Lookout's defaults (TROJAN is high by default)",
        );
        assert.deepEqual(snapshot["lookout-mtp:enrollmentGroups"], [{ displayName: "Sales Mobile" }]);
        assert.deepEqual((snapshot["lookout-mtp:intune"] as { compliancePolicies: unknown }).compliancePolicies, [
            {
                platform: "androidDeviceAdministrator",
                requiredSecurityLevel: "medium",
                displayName: "Android - Lookout",
            },
        ]);
        assert.deepEqual(
            (snapshot["lookout-mtp:intune"] as { apps: unknown }).apps,
            { intent: "available", androidEnterprise: true },
            "adopted as it is: available, Android only",
        );

        // Completed with what a snapshot cannot know (console groups, group object IDs), it is a valid config.
        const config = {
            ...validReferenceConfig(),
            ...snapshot,
            "lookout-mtp:enrollmentGroups": [
                { displayName: "Sales Mobile", objectId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091" },
            ],
        };
        const parsed = parseStackConfig(asRawConfig(config), () => true);
        assert.ok(parsed.ok, JSON.stringify(parsed));
        assert.equal(parsed.config.connector.heartbeatFrequencyMinutes, 120);
        assert.equal(parsed.config.intune!.mtdConnector.partnerUnresponsivenessThresholdInDays, 14);
    });
});
