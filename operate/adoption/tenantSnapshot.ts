/**
 * Reads a tenant's current Lookout and Intune settings and expresses them as stack config, so a
 * tenant onboarded by hand can be adopted without changing anything: start the stack's config from
 * this snapshot, and the first `up` takes the tenant over as it is.
 */
import { graphPaths } from "../../contract/graph/routes";
import {
    anyCompliancePolicySchema,
    lookoutMtdConnectorId,
    type MtdConnectorRead,
    mtdConnectorSchema,
    mtdConnectorSettingKeys,
    platformOfType,
    requiredSecurityLevels,
    threatPolicySchema,
} from "../../contract/graph/schemas";
import { intuneConnectorSettingsSchema, threatClassificationListSchema } from "../../contract/lookout/schemas";
import type { GraphClient } from "../../providers/graph/client";
import { type LookoutClient } from "../../providers/lookout/client";
import { lookoutPaths } from "../../contract/lookout/routes";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { deployedIntents, mobileAppAssignmentSchema } from "../../contract/graph/mobileApps";
import { findStoreApps } from "../../providers/intune/appLookup";

/**
 * Which platforms already have every app the stack would deploy there (on iOS Lookout for Work and
 * Authenticator: `ios: true` with only one of them would add the other), and the one intent their
 * group assignments share. Apps whose group assignments mix intents are left out: config has one
 * intent, and the first `up` would change the others.
 */
async function lookoutForWork(graph: GraphClient): Promise<Record<string, unknown> | undefined> {
    const apps: Record<string, unknown> = {};
    const intents = new Set<string>();
    for (const [platform, specs] of Object.entries(lookoutApps) as Array<
        [keyof typeof lookoutApps, (typeof lookoutApps)[keyof typeof lookoutApps]]
    >) {
        const found = await Promise.all(
            specs.map(async (app) => ({
                app,
                found: (await findStoreApps(graph, app.platform, app.storeId, app.storeUrl))[0],
            })),
        );
        if (found.some((f) => !f.found)) continue;
        apps[platform] = true;
        const lookout = found.find((f) => f.app.key === "lookoutForWork")!;
        if (platform === "ios" && lookout.found.bundleId && lookout.found.bundleId !== lookout.app.storeId)
            apps.lookoutForWorkIosBundleId = lookout.found.bundleId;
        for (const f of found) {
            for (const a of await graph.listAll(
                graphPaths.mobileAppAssignments(f.found.id),
                mobileAppAssignmentSchema(),
            ))
                if (a.target.groupId) intents.add(a.intent);
        }
    }
    const [intent, ...others] = [...intents];
    if (
        Object.keys(apps).length === 0 ||
        others.length > 0 ||
        (intent !== undefined && !(deployedIntents as readonly string[]).includes(intent))
    )
        return undefined;
    return { intent: intent ?? "required", ...apps };
}

export async function tenantSnapshot(
    lookout: LookoutClient,
    graph: GraphClient | undefined,
): Promise<Record<string, unknown>> {
    const config: Record<string, unknown> = {};
    const connector = await lookout.request("GET", lookoutPaths.intuneConnector, {
        schema: intuneConnectorSettingsSchema(),
        allow404: true,
    });
    if (connector) {
        const { enrollmentGroups, disconnectedDeviceThresholdDays, ...settings } = connector.body;
        config["lookout-mtp:connector"] = {
            ...settings,
            ...(disconnectedDeviceThresholdDays === null ? {} : { disconnectedDeviceThresholdDays }),
        };
        // Lookout knows the groups by display name only; the stack looks them up (manage mode) or needs their object IDs (reference mode).
        config["lookout-mtp:enrollmentGroups"] = enrollmentGroups.map((displayName) => ({ displayName }));
    }
    const classifications = await lookout.request("GET", lookoutPaths.threatClassifications, {
        schema: threatClassificationListSchema(),
    });
    const changed = classifications!.body.classifications.filter((c) => c.riskLevel !== c.defaultRiskLevel);
    if (changed.length > 0)
        config["lookout-mtp:threatClassifications"] = Object.fromEntries(changed.map((c) => [c.name, c.riskLevel]));

    if (graph) {
        const intune: Record<string, unknown> = {};
        const mtd = (
            await graph.request("GET", graphPaths.mtdConnector(lookoutMtdConnectorId), {
                schema: mtdConnectorSchema(),
                allow404: true,
            })
        )?.body as MtdConnectorRead | undefined;
        if (mtd) {
            // Every Lookout setting as the tenant has it, so the first `up` changes nothing; the
            // Windows and Defender settings are not Lookout's and stay unmanaged.
            intune.mtdConnector = Object.fromEntries(
                mtdConnectorSettingKeys.filter((k) => mtd[k] !== undefined && mtd[k] !== null).map((k) => [k, mtd[k]]),
            );
        }
        const policies = await graph.listAll(graphPaths.compliancePolicies, anyCompliancePolicySchema());
        const threatPolicies = policies.flatMap((entry) => {
            const platform = platformOfType(entry["@odata.type"]);
            if (!platform) return [];
            const p = threatPolicySchema().parse(entry);
            const level = p.deviceThreatProtectionRequiredSecurityLevel ?? "";
            return p.deviceThreatProtectionEnabled && (requiredSecurityLevels as readonly string[]).includes(level)
                ? [{ platform, requiredSecurityLevel: level, displayName: p.displayName }]
                : [];
        });
        if (threatPolicies.length > 0) intune.compliancePolicies = threatPolicies;
        const apps = await lookoutForWork(graph);
        if (apps) intune.apps = apps;
        if (Object.keys(intune).length > 0) config["lookout-mtp:intune"] = intune;
    }
    return config;
}
