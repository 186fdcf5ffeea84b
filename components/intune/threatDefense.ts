/**
 * The Intune side of the onboarding, in the order Microsoft's guide gives: Lookout for Work (and on
 * iOS Microsoft Authenticator) assigned to the users Lookout enrolls, then the Mobile Threat Defense
 * connector for Lookout, then one compliance policy per platform that marks a device non-compliant
 * above a threat level, assigned to the same groups. The policies wait for the app assignments, so
 * nobody is marked non-compliant for an app they were never given.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/stackConfig";
import { lookoutApps, type StoreAppSpec } from "../../contract/graph/lookoutApps";
import type { CompliancePlatform } from "../../contract/graph/schemas";
import { ThreatCompliancePolicy } from "../../providers/intune/compliancePolicy";
import { MtdConnector, type MtdConnectorArgs } from "../../providers/intune/mtdConnector";

/**
 * The StoreApp resource (with its assignments and app lookups), loaded only for a config that
 * deploys apps (`intune.apps`): most stacks declare none, and a program from sources would transpile
 * those modules for nothing.
 */
function storeAppClass(): typeof import("../../providers/intune/storeApp").StoreApp {
    return (require("../../providers/intune/storeApp") as typeof import("../../providers/intune/storeApp")).StoreApp;
}

/** One policy as the stack config declares it: platform, required level, and optionally a display name (default "Lookout MTP - <platform>"). */
export type IntuneCompliancePolicyArgs = NonNullable<StackConfig["intune"]>["compliancePolicies"][number];

/** A policy's name in Intune: the configured one, or "Lookout MTP - <platform>". */
export function compliancePolicyDisplayName(p: Pick<IntuneCompliancePolicyArgs, "platform" | "displayName">): string {
    return p.displayName ?? `Lookout MTP - ${platformLabels[p.platform]}`;
}

/** Which platforms get Lookout for Work, with what intent (the stack config's `intune.apps`). */
export type IntuneAppsArgs = NonNullable<NonNullable<StackConfig["intune"]>["apps"]>;

/** The apps `apps` deploys: Lookout for Work and Authenticator on iOS, Lookout for Work from managed Google Play on Android Enterprise. */
export function appsToDeploy(apps: IntuneAppsArgs | undefined): StoreAppSpec[] {
    if (!apps) return [];
    const ios = lookoutApps.ios.map((app) =>
        app.key === "lookoutForWork" ? { ...app, storeId: apps.lookoutForWorkIosBundleId } : app,
    );
    return [...(apps.ios ? ios : []), ...(apps.androidEnterprise ? lookoutApps.androidEnterprise : [])];
}

export interface IntuneThreatDefenseArgs {
    /** Lookout for Work through Intune; none when absent. */
    readonly apps?: IntuneAppsArgs;
    /** Settings of Intune's connector for Lookout. */
    readonly mtdConnector: MtdConnectorArgs;
    /** One policy per platform. */
    readonly compliancePolicies: IntuneCompliancePolicyArgs[];
    /** Object IDs of the groups the policies apply to: the enrollment groups. */
    readonly groupIds: pulumi.Input<string[]>;
    /** What each policy's change does to compliance today (onboarding/impact.ts), said as a warning on the policy. */
    readonly impact?: pulumi.Input<Partial<Record<CompliancePlatform, string[]>>>;
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
    /** Intune's IDs of the deployed apps. */
    declare readonly appIds: pulumi.Output<string[]>;

    constructor(name: string, args: IntuneThreatDefenseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:IntuneThreatDefense", name, {}, opts);
        const apps = appsToDeploy(args.apps).map(
            (app) =>
                new (storeAppClass())(
                    `${name}-app-${app.platform}-${app.key}`,
                    {
                        platform: app.platform,
                        storeId: app.storeId,
                        displayName: app.displayName,
                        publisher: app.publisher,
                        storeUrl: app.storeUrl,
                        intent: args.apps!.intent,
                        groupIds: args.groupIds,
                    },
                    { parent: this },
                ),
        );
        // Microsoft's order: the app first, then the connector.
        const connector = new MtdConnector(`${name}-mtd-connector`, args.mtdConnector, {
            parent: this,
            dependsOn: apps,
        });
        const policies = args.compliancePolicies.map(
            (p) =>
                new ThreatCompliancePolicy(
                    `${name}-${p.platform}`,
                    {
                        platform: p.platform,
                        displayName: compliancePolicyDisplayName(p),
                        requiredSecurityLevel: p.requiredSecurityLevel,
                        groupIds: args.groupIds,
                    },
                    // Threat levels mean nothing to Intune until the connector is on, and a device has no
                    // threat level until its user has the app.
                    { parent: this, dependsOn: [connector, ...apps] },
                ),
        );
        const sayImpact = (impact: Partial<Record<CompliancePlatform, string[]>>) =>
            args.compliancePolicies.forEach((p, i) => {
                for (const warning of impact[p.platform] ?? []) void pulumi.log.warn(warning, policies[i]);
            });
        if (args.impact === undefined || pulumi.Output.isInstance(args.impact))
            pulumi.output(args.impact ?? {}).apply(sayImpact);
        else sayImpact(args.impact as Partial<Record<CompliancePlatform, string[]>>);
        this.partnerState = connector.partnerState;
        this.lastHeartbeatDateTime = connector.lastHeartbeatDateTime;
        this.compliancePolicyIds = pulumi.all(policies.map((p) => p.id));
        this.appIds = pulumi.all(apps.map((a) => a.id));
        this.registerOutputs({
            partnerState: this.partnerState,
            compliancePolicyIds: this.compliancePolicyIds,
            appIds: this.appIds,
        });
    }
}
