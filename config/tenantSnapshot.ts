/**
 * Reads a tenant's current Lookout and Intune settings and expresses them as stack config, so a
 * tenant onboarded by hand can be adopted without changing anything: start the stack's config from
 * this snapshot, and the first `up` takes the tenant over as it is.
 */
import { compliancePolicyPageSchema, compliancePolicyTypes, lookoutMtdConnectorId, mtdConnectorSchema } from "../contract/graph/schemas";
import { intuneConnectorSettingsSchema, threatClassificationListSchema } from "../contract/lookout/schemas";
import { type GraphClient, graphPaths } from "../providers/graph/client";
import { type LookoutClient, lookoutPaths } from "../providers/lookout/client";

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
        const mtd = await graph.request("GET", graphPaths.mtdConnector(lookoutMtdConnectorId), { schema: mtdConnectorSchema(), allow404: true });
        if (mtd) {
            const { id: _id, "@odata.type": _type, partnerState: _state, lastHeartbeatDateTime: _last, ...settings } = mtd.body;
            intune.mtdConnector = settings;
        }
        const policies = await graph.request("GET", graphPaths.compliancePolicies, { schema: compliancePolicyPageSchema() });
        const platforms = Object.entries(compliancePolicyTypes);
        const threatPolicies = policies!.body.value.flatMap((p) => {
            const platform = platforms.find(([, type]) => type === p["@odata.type"])?.[0];
            const level = p.deviceThreatProtectionRequiredSecurityLevel;
            return platform && p.deviceThreatProtectionEnabled && ["secured", "low", "medium", "high"].includes(level)
                ? [{ platform, requiredSecurityLevel: level, displayName: p.displayName }]
                : [];
        });
        if (threatPolicies.length > 0) intune.compliancePolicies = threatPolicies;
        if (Object.keys(intune).length > 0) config["lookout-mtp:intune"] = intune;
    }
    return config;
}
