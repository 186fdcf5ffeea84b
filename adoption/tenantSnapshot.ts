/**
 * Reads a tenant's current Lookout and Intune settings and expresses them as stack config, so a
 * tenant onboarded by hand can be adopted without changing anything: start the stack's config from
 * this snapshot, and the first `up` takes the tenant over as it is.
 */
import { graphPaths } from "../contract/graph/routes";
import {
    anyCompliancePolicySchema,
    lookoutMtdConnectorId,
    type MtdConnectorRead,
    mtdConnectorSchema,
    mtdConnectorSettingKeys,
    platformOfType,
    requiredSecurityLevels,
    threatPolicySchema,
} from "../contract/graph/schemas";
import { intuneConnectorSettingsSchema, threatClassificationListSchema } from "../contract/lookout/schemas";
import type { GraphClient } from "../graph/client";
import { type LookoutClient } from "../lookout/client";
import { lookoutPaths } from "../contract/lookout/routes";
import { lookoutApps } from "../contract/graph/lookoutApps";
import { deployedIntents, mobileAppAssignmentSchema } from "../contract/graph/schemas";
import { findStoreApps } from "../intune/appLookup";

/** Which platforms already have Lookout for Work in Intune, and the intent its group assignments have (required unless all say available). */
async function lookoutForWork(graph: GraphClient): Promise<Record<string, unknown> | undefined> {
    const apps: Record<string, unknown> = {};
    const intents = new Set<string>();
    for (const [platform, [app]] of Object.entries(lookoutApps) as Array<[keyof typeof lookoutApps, (typeof lookoutApps)[keyof typeof lookoutApps]]>) {
        const [found] = await findStoreApps(graph, app.platform, app.storeId, app.storeUrl);
        if (!found) continue;
        apps[platform] = true;
        if (platform === "ios" && found.bundleId && found.bundleId !== app.storeId) apps.lookoutForWorkIosBundleId = found.bundleId;
        const assignments = await graph.listAll(graphPaths.mobileAppAssignments(found.id), mobileAppAssignmentSchema());
        for (const a of assignments) if (a.target.groupId && (deployedIntents as readonly string[]).includes(a.intent)) intents.add(a.intent);
    }
    if (Object.keys(apps).length === 0) return undefined;
    return { intent: intents.size === 1 && intents.has("available") ? "available" : "required", ...apps };
}

export async function tenantSnapshot(lookout: LookoutClient, graph: GraphClient | undefined): Promise<Record<string, unknown>> {
    const config: Record<string, unknown> = {};
    const connector = await lookout.request("GET", lookoutPaths.intuneConnector, { schema: intuneConnectorSettingsSchema(), allow404: true });
    if (connector) {
        const { enrollmentGroups, disconnectedDeviceThresholdDays, ...settings } = connector.body;
        config["lookout-mtp:connector"] = { ...settings, ...(disconnectedDeviceThresholdDays === null ? {} : { disconnectedDeviceThresholdDays }) };
        // Lookout knows the groups by display name only; the stack looks them up (manage mode) or needs their object IDs (reference mode).
        config["lookout-mtp:enrollmentGroups"] = enrollmentGroups.map((displayName) => ({ displayName }));
    }
    const classifications = await lookout.request("GET", lookoutPaths.threatClassifications, { schema: threatClassificationListSchema() });
    const changed = classifications!.body.classifications.filter((c) => c.riskLevel !== c.defaultRiskLevel);
    if (changed.length > 0) config["lookout-mtp:threatClassifications"] = Object.fromEntries(changed.map((c) => [c.name, c.riskLevel]));

    if (graph) {
        const intune: Record<string, unknown> = {};
        const mtd = (await graph.request("GET", graphPaths.mtdConnector(lookoutMtdConnectorId), { schema: mtdConnectorSchema(), allow404: true }))?.body as
            MtdConnectorRead | undefined;
        if (mtd) {
            // Every Lookout setting as the tenant has it, so the first `up` changes nothing; the
            // Windows and Defender settings are not Lookout's and stay unmanaged.
            intune.mtdConnector = Object.fromEntries(mtdConnectorSettingKeys.filter((k) => mtd[k] !== undefined && mtd[k] !== null).map((k) => [k, mtd[k]]));
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
