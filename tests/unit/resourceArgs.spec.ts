/**
 * The resources' Args are derived from their schemas (`ArgsOf`); these values only compile when an
 * Output is accepted anywhere inside a value, as a consumer passes them (`tsc` runs before the tests).
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { ThreatCompliancePolicyArgs } from "../../providers/intune/compliancePolicy";
import type { IntuneConnectorArgs } from "../../providers/lookout/intuneConnector";
import type { NotificationPreferencesArgs } from "../../providers/lookout/notificationPreferences";
import type { ThreatClassificationsArgs } from "../../providers/lookout/threatClassifications";

describe("resource Args", () => {
    it("accept an Output anywhere inside a value: a group's displayName in a list, a flag, a level", () => {
        const groupName = pulumi.output("Lookout Pilot");
        const args = [
            {
                heartbeatFrequencyMinutes: pulumi.output(60),
                enrollmentGroups: [groupName, "Sales Mobile"],
                stateSync: { deviceStatus: pulumi.output(true) },
                errorReportEmail: "secops@contoso.example",
            } satisfies IntuneConnectorArgs,
            { riskLevels: { SIDELOADED_APP: pulumi.output("high" as const) } } satisfies ThreatClassificationsArgs,
            {
                email: pulumi.output("secops@contoso.example"),
                emailNotifications: true,
            } satisfies NotificationPreferencesArgs,
            {
                platform: "ios",
                displayName: "Lookout - iOS",
                requiredSecurityLevel: "low",
                groupIds: [pulumi.output("3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80")],
            } satisfies ThreatCompliancePolicyArgs,
        ];
        assert.equal(args.length, 4);
    });
});
