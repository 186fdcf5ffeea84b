/**
 * A Pulumi program of another team that uses lookout-mtp as a package: its own config, its own
 * choice of pieces. Here: Lookout's Intune connector and threat levels, and one Intune
 * compliance policy, for groups this program already knows by object ID.
 */
import * as pulumi from "@pulumi/pulumi";
import { intune, lookout } from "@lookout-mtp/onboarding";

const config = new pulumi.Config();
const groups = config.requireObject<Array<{ displayName: string; objectId: string }>>("groups");

const connector = new lookout.IntuneConnector("lookout", {
    heartbeatFrequencyMinutes: config.getNumber("heartbeatFrequencyMinutes") ?? 60,
    enrollmentGroups: groups.map((g) => g.displayName),
    errorReportEmail: config.require("errorReportEmail"),
});

new lookout.ThreatClassifications("threat-levels", { riskLevels: { SIDELOADED_APP: "high", ROOT_ENABLER: "high" } });

new intune.ThreatCompliancePolicy(
    "threat-policy",
    {
        platform: config.get("platform") === "ios" ? "ios" : "androidWorkProfile",
        displayName: "Field devices - Lookout threat level",
        requiredSecurityLevel: "low",
        groupIds: groups.map((g) => g.objectId),
    },
    { dependsOn: [connector] },
);

export const enrolled = connector.enrollmentGroups;
