/**
 * Threat-level app protection for devices Intune does not manage: on each app protection policy the
 * stack config names, the two Mobile Threat Defense settings, after Lookout's connector (whose app
 * protection evaluation for the platform must be on for Intune to use them). Microsoft's order:
 * apps, connector, compliance, then Conditional Access; app protection follows the connector.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/stackConfig";
import { AppProtectionThreatSettings } from "../../providers/appProtection/threatSettings";
import type { FoundAppProtectionPolicy } from "./policies";

export interface AppProtectionArgs {
    /** The policies as the stack config names them (`lookout-mtp:appProtection.policies`). */
    readonly policies: NonNullable<StackConfig["appProtection"]>["policies"];
    /** The same policies, found in Intune by the preflight (findAppProtectionPolicies), in the same order. */
    readonly found: pulumi.Input<FoundAppProtectionPolicy[]>;
}

export class AppProtection extends pulumi.ComponentResource {
    /** The policies' IDs, in config order. */
    declare readonly policyIds: pulumi.Output<string[]>;

    constructor(name: string, args: AppProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:AppProtection", name, {}, opts);
        const found = pulumi.output(args.found);
        // Named by what the config names, so a policy keeps its resource when others are added or removed.
        const resources = args.policies.map((p, i) => {
            const policy = found.apply((f) => f[i]);
            return new AppProtectionThreatSettings(
                `${name}-${p.platform}-${p.id ?? p.displayName}`,
                {
                    platform: p.platform,
                    policyId: policy.policyId,
                    displayName: policy.displayName,
                    maximumAllowedDeviceThreatLevel: p.maximumAllowedDeviceThreatLevel,
                    mobileThreatDefenseRemediationAction: p.mobileThreatDefenseRemediationAction,
                },
                // A replacement (another policy id) restores the old policy's values before the new one is
                // read, so the new one records its own previous values, never the stack's.
                { parent: this, deleteBeforeReplace: true },
            );
        });
        this.policyIds = pulumi.all(resources.map((r) => r.policyId));
        this.registerOutputs({ policyIds: this.policyIds });
    }
}

/**
 * The onboarding's app protection, when the config names policies: after the Intune side (the
 * connector with app protection evaluation on), from the policies the checks found (up front, or
 * through `checks` when they run with the resources).
 */
export function declareAppProtection(
    name: string,
    config: StackConfig,
    found: pulumi.Input<FoundAppProtectionPolicy[] | undefined>,
    opts: pulumi.ComponentResourceOptions,
): AppProtection | undefined {
    if (!config.appProtection) return undefined;
    const policies = pulumi.output(found).apply((f) => f ?? []);
    return new AppProtection(
        `${name}-app-protection`,
        { policies: config.appProtection.policies, found: policies },
        opts,
    );
}
