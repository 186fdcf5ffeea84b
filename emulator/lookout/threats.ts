/**
 * Lookout's public Mobile Risk API v2 threats list (`GET /mra/api/v2/threats`), as Lookout's Swagger
 * describes it (operation "Get threats by filters", `v2.GetThreatsResponse`, `models.Threat`): the
 * open threat of every device Lookout lists with a verdict (emulator/devices.ts), at the tenant's
 * current classification levels, so the list, the device list and the event stream agree. Newest
 * first by `oid`; the next page holds the threats with an `oid` strictly lower than the cursor.
 *
 * Where the Swagger's text and its schema disagree: `limit` is "Max: 1000" in the text and has no
 * maximum in the schema, so a larger limit is accepted and a page holds at most 1000 (contract/lookout/mra.ts);
 * `risk` takes `!` by the text but not by the schema's enum, which is followed (a `!` risk is refused);
 * the threats' `oid` parameter is a plain string (no `format: uuid`, unlike the devices'), compared as text.
 */
import {
    mraPlatforms,
    mraThreatClassifications,
    mraThreatPageLimit,
    mraThreatRisks,
    mraThreatStatuses,
    mraThreatTimeframes,
    mraThreatTypes,
} from "../../contract/lookout/mra";
import type { Reply } from "../http";
import type { Tenant } from "../store";
import { lookoutDevices, lookoutGuid, type LookoutDeviceView, type OpenThreat, uuidV7 } from "../devices";
import { enumParam, matches, MraError } from "./devices";
import { guidOf } from "./token";

/** A listed device's open threat, with what the list says of it. */
interface ListedThreat {
    view: LookoutDeviceView & { threat: OpenThreat };
    oid: string;
    guid: string;
    detectedAt: number;
}

/** A device's threat GUID: stable while the threat is open, whatever its risk (the event stream names it so too). */
export const threatGuidOf = (deviceGuid: string) => guidOf(`threat:${deviceGuid}`);

const platformOf = (view: LookoutDeviceView) => (view.device.operatingSystem === "iOS" ? "IOS" : "ANDROID");

/** The open threats at `now`: one per listed device whose verdict stands (activated, not deactivated). */
function openThreats(tenant: Tenant, now: number): ListedThreat[] {
    return lookoutDevices(tenant, now).flatMap((view) => {
        if (!view.threat || view.security === null || view.activatedAt === null) return [];
        // A UUIDv7 of the detection (the activation), its sequence the device's own set apart from the devices'.
        const oid = uuidV7(view.activatedAt, parseInt(view.oid.slice(-12), 16) + 2 ** 40);
        const guid = threatGuidOf(lookoutGuid(view.device, view.oid));
        return [{ view: view as ListedThreat["view"], oid, guid, detectedAt: view.activatedAt }];
    });
}

function threatBody(tenant: Tenant, t: ListedThreat) {
    const { device, threat } = t.view;
    const detected = new Date(t.detectedAt).toISOString();
    return {
        guid: t.guid,
        oid: t.oid,
        enterprise_guid: tenant.id,
        device_guid: lookoutDeviceGuid(t.view),
        device: { guid: lookoutDeviceGuid(t.view), email: device.userPrincipalName },
        classification: threat.mraClassification,
        risk: threat.risk,
        status: "OPEN",
        type: "APPLICATION",
        created_time: detected,
        detected_at: detected,
        description: `${threat.mraClassification} on ${device.deviceName}`,
    };
}

/** Lookout's device GUID, as the device list names the device. */
const lookoutDeviceGuid = (view: LookoutDeviceView) => lookoutGuid(view.device, view.oid);

const timeframeDays: Record<string, number> = {
    LAST_30_DAYS: 30,
    LAST_60_DAYS: 60,
    LAST_90_DAYS: 90,
    LAST_6_MONTHS: 183,
};

/**
 * The Swagger's filters. On what the emulator's threats carry: `status`, `classification`,
 * `threat_type` (with `!`), `risk`, `platform`, `device_guid`, `timeframe` (detected within), `query`
 * (device GUID or e-mail, ignoring case: an assumption). Every emulated device is a work device
 * enrolled through Intune, so `profile_type` `WORK` keeps every threat and `PERSONAL` none (an assumption).
 */
function threatFilter(query: URLSearchParams, now: number): (t: ListedThreat) => boolean {
    const status = oneOf(query, "status", mraThreatStatuses);
    const classification = enumParam(query, "classification", mraThreatClassifications);
    const threatType = enumParam(query, "threat_type", mraThreatTypes);
    const profile = enumParam(query, "profile_type", ["WORK", "PERSONAL"]);
    const risk = oneOf(query, "risk", mraThreatRisks);
    const platform = oneOf(query, "platform", mraPlatforms);
    const timeframe = oneOf(query, "timeframe", mraThreatTimeframes);
    const deviceGuid = query.get("device_guid");
    const search = query.get("query")?.toLowerCase();
    const since = timeframe && timeframe !== "ALL" ? now - timeframeDays[timeframe] * 86_400_000 : -Infinity;
    return (t) =>
        matches(status, "OPEN") &&
        matches(classification, t.view.threat.mraClassification) &&
        matches(threatType, "APPLICATION") &&
        matches(profile, "WORK") &&
        (risk === undefined || t.view.threat.risk === risk) &&
        (platform === undefined || platformOf(t.view) === platform) &&
        (deviceGuid === null || lookoutDeviceGuid(t.view) === deviceGuid) &&
        t.detectedAt >= since &&
        (search === undefined ||
            [lookoutDeviceGuid(t.view), t.view.device.userPrincipalName].some((v) => v.toLowerCase().includes(search)));
}

/** A parameter whose schema enum has no `!` values. */
function oneOf(query: URLSearchParams, name: string, values: readonly string[]): string | undefined {
    const raw = query.get(name);
    if (raw === null) return undefined;
    if (!values.includes(raw))
        throw new MraError(400, "VALIDATION_ERROR", `${name} must be one of ${values.join(", ")}`);
    return raw;
}

/** `limit`: any integer from 0 (the schema), a page holding at most 1000 (the text). */
function limitParam(query: URLSearchParams): number {
    const raw = query.get("limit");
    if (raw === null) return 100;
    if (!/^\+?\d+$/.test(raw)) throw new MraError(400, "VALIDATION_ERROR", "limit must be an integer from 0");
    return Math.min(Number(raw), mraThreatPageLimit);
}

export function listThreats(tenant: Tenant, url: URL, now: number): Reply {
    const limit = limitParam(url.searchParams);
    const before = url.searchParams.get("oid");
    const keep = threatFilter(url.searchParams, now);
    const rest = openThreats(tenant, now)
        .filter((t) => (before === null || t.oid < before.toLowerCase()) && keep(t))
        .sort((a, b) => (a.oid < b.oid ? 1 : a.oid > b.oid ? -1 : 0));
    return {
        status: 200,
        body: { count: rest.length, threats: rest.slice(0, limit).map((t) => threatBody(tenant, t)) },
    };
}
