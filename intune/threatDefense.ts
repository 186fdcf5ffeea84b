/**
 * The Intune side of the onboarding: the Mobile Threat Defense connector for Lookout, and one
 * compliance policy per platform that marks a device non-compliant above a threat level, assigned
 * to the same groups Lookout enrolls.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/stackConfig";
import type { CompliancePlatform } from "../contract/graph/schemas";
import { ThreatCompliancePolicy } from "./compliancePolicy";
import { MtdConnector, type MtdConnectorArgs } from "./mtdConnector";

/** One policy as the stack config declares it: platform, required level, and optionally a display name (default "Lookout MTP - <platform>"). */
export type IntuneCompliancePolicyArgs = NonNullable<StackConfig["intune"]>["compliancePolicies"][number];

export interface IntuneThreatDefenseArgs {
    /** Settings of Intune's connector for Lookout. */
    readonly mtdConnector: MtdConnectorArgs;
    /** One policy per platform. */
    readonly compliancePolicies: IntuneCompliancePolicyArgs[];
    /** Object IDs of the groups the policies apply to: the enrollment groups. */
    readonly groupIds: pulumi.Input<string[]>;
}

const platformLabels: Record<CompliancePlatform, string> = {
    androidDeviceAdministrator: "Android device administrator",
    androidWorkProfile: "Android work profile",
    ios: "iOS/iPadOS",
};

export class IntuneThreatDefense extends pulumi.ComponentResource {
    /** Whether Intune hears from Lookout: enabled, available, unavailable, unresponsive (v1.0's states; read as text, as Graph may add more). */
    declare readonly partnerState: pulumi.Output<string>;
    declare readonly lastHeartbeatDateTime: pulumi.Output<string>;
    declare readonly compliancePolicyIds: pulumi.Output<string[]>;

    constructor(name: string, args: IntuneThreatDefenseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:IntuneThreatDefense", name, {}, opts);
        const connector = new MtdConnector(`${name}-mtd-connector`, args.mtdConnector, { parent: this });
        const policies = args.compliancePolicies.map(
            (p) =>
                new ThreatCompliancePolicy(
                    `${name}-${p.platform}`,
                    {
                        platform: p.platform,
                        displayName: p.displayName ?? `Lookout MTP - ${platformLabels[p.platform]}`,
                        requiredSecurityLevel: p.requiredSecurityLevel,
                        groupIds: args.groupIds,
                    },
                    // Threat levels mean nothing to Intune until the connector is on.
                    { parent: this, dependsOn: [connector] },
                ),
        );
        this.partnerState = connector.partnerState;
        this.lastHeartbeatDateTime = connector.lastHeartbeatDateTime;
        this.compliancePolicyIds = pulumi.all(policies.map((p) => p.id));
        this.registerOutputs({ partnerState: this.partnerState, compliancePolicyIds: this.compliancePolicyIds });
    }
}
