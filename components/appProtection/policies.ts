/**
 * The app protection policies the stack config names (`lookout-mtp:appProtection.policies`), found in
 * Intune before anything is written: each by its ID or its exact display name, in its platform's v1.0
 * list (one read per platform named, whatever the number of policies). A name that finds none, or
 * more than one, is one line naming the config key.
 */
import type { StackConfig } from "../../config/stackConfig";
import {
    type AppProtectionPlatform,
    appProtectionListItemSchema,
    type ThreatSettings,
} from "../../contract/graph/appProtection";
import { graphPaths } from "../../contract/graph/routes";
import type { GraphClient } from "../../providers/graph/client";

export interface FoundAppProtectionPolicy extends ThreatSettings {
    platform: AppProtectionPlatform;
    policyId: string;
    displayName: string;
}

type Listed = { id: string; displayName?: string | null };
type Configured = NonNullable<StackConfig["appProtection"]>["policies"][number];

function find(p: Configured, i: number, listed: Listed[]): FoundAppProtectionPolicy | string {
    const key = `lookout-mtp:appProtection.policies[${i}].${p.id ? "id" : "displayName"}`;
    const matches = listed.filter((l) => (p.id ? l.id === p.id : l.displayName === p.displayName));
    const { platform, maximumAllowedDeviceThreatLevel, mobileThreatDefenseRemediationAction } = p;
    if (matches.length === 1)
        return {
            platform,
            policyId: matches[0].id,
            displayName: matches[0].displayName ?? matches[0].id,
            maximumAllowedDeviceThreatLevel,
            mobileThreatDefenseRemediationAction,
        };
    if (matches.length > 1)
        return `${key}: ${matches.length} ${platform} app protection policies are named '${p.displayName}' (${matches.map((m) => m.id).join(", ")}); name the one by id`;
    const near = p.displayName
        ? listed.find((l) => l.displayName?.toLowerCase() === p.displayName!.toLowerCase())
        : undefined;
    const hint = near ? `; '${near.displayName}' exists (names are case-sensitive here)` : "";
    return `${key}: no ${platform} app protection policy ${p.id ? `has the id ${p.id}` : `is named '${p.displayName}'`} (Intune admin center > Apps > App protection policies)${hint}`;
}

/** The named policies, found; throws one line per policy not found exactly once. */
export async function findAppProtectionPolicies(
    config: StackConfig,
    graph: GraphClient,
): Promise<FoundAppProtectionPolicy[]> {
    const policies = config.appProtection?.policies ?? [];
    const platforms = [...new Set(policies.map((p) => p.platform))];
    const lists = new Map(
        await Promise.all(
            platforms.map(
                async (platform) =>
                    [
                        platform,
                        (await graph.listAll(
                            graphPaths.appProtections(platform),
                            appProtectionListItemSchema(),
                        )) as Listed[],
                    ] as const,
            ),
        ),
    );
    const found = policies.map((p, i) => find(p, i, lists.get(p.platform)!));
    const problems = found.filter((f): f is string => typeof f === "string");
    if (problems.length > 0) throw new Error(problems.join("\n  - "));
    return found as FoundAppProtectionPolicy[];
}
