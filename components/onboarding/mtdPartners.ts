/**
 * The other Mobile Threat Defense partners of the tenant, read before anything is written. Intune
 * allows one partner per platform to hold app protection (MAM) evaluation (Graph's metadata on
 * `mobileThreatDefenseConnector`), so a config that enables it where another partner, such as
 * Microsoft Defender for Endpoint, already holds it is refused here, naming the config key, rather
 * than after the apps and Lookout's settings are written. Two vendors connected for compliance on
 * one platform are allowed, but every device of that platform must then run both apps or be marked
 * non-compliant (Learn, "Mobile Threat Defense integration with Intune"): a warning says so.
 */
import type { StackConfig } from "../../config/stackConfig";
import {
    complianceEvaluationSettings,
    mamEvaluationSettings,
    mtdPartnerNames,
    mtdPlatformNames,
} from "../../contract/graph/intuneService";
import { graphPaths } from "../../contract/graph/routes";
import { lookoutMtdConnectorId, mtdConnectorSchema } from "../../contract/graph/schemas";
import type { GraphClient } from "../../providers/graph/client";

const platformNames = mtdPlatformNames;
type Platform = keyof typeof platformNames;
const adminCenter = "Intune admin center > Tenant administration > Connectors and tokens > Mobile Threat Defense";

/** The warnings for the preview; throws one line per platform whose MAM evaluation another partner holds. */
export async function checkOtherMtdPartners(config: StackConfig, graph: GraphClient): Promise<string[]> {
    const wanted = config.intune?.mtdConnector as Record<string, unknown> | undefined;
    if (!wanted) return [];
    const enabled = (settings: Record<Platform, string>) =>
        (Object.keys(settings) as Platform[]).filter((p) => wanted[settings[p]] === true);
    const mam = enabled(mamEvaluationSettings);
    const compliance = enabled(complianceEvaluationSettings);
    if (mam.length === 0 && compliance.length === 0) return [];
    const others = (await graph.listAll(graphPaths.mtdConnectors, mtdConnectorSchema())).filter(
        (c) => c.id !== lookoutMtdConnectorId,
    ) as Array<Record<string, unknown> & { id: string }>;
    const holder = (key: string) => others.find((c) => c[key] === true);
    const partner = (c: { id: string }) => `${mtdPartnerNames[c.id] ?? "another partner"} (connector ${c.id})`;
    const refused = mam.flatMap((p) => {
        const other = holder(mamEvaluationSettings[p]);
        return other
            ? [
                  `lookout-mtp:intune.mtdConnector.${mamEvaluationSettings[p]}: ${partner(other)} holds app protection policy evaluation for ${platformNames[p]}, and Intune allows one partner per platform; turn it off for that connector (${adminCenter}), or set this key to false.`,
              ]
            : [];
    });
    if (refused.length > 0) throw new Error(refused.join("\n  - "));
    return compliance.flatMap((p) => {
        const other = holder(complianceEvaluationSettings[p]);
        return other
            ? [
                  `lookout-mtp:intune.mtdConnector.${complianceEvaluationSettings[p]}: ${partner(other)} is also connected for ${platformNames[p]} compliance; every ${platformNames[p]} device then needs both vendors' apps, or Intune marks it non-compliant.`,
              ]
            : [];
    });
}
