/**
 * Lookout's **public** Mobile Risk API v2, the part `npm run status` reads: the device list. Unlike
 * the console-settings contract beside it (this project's own), this is Lookout's published API;
 * what is documented and what is assumed is recorded in `fixtures/README.md` and
 * docs/research/status-and-impact.md.
 *
 * Plain data and functions only: schemas are built by functions.
 */
import { z } from "zod";

export const mraPaths = {
    devices: "/mra/api/v2/devices",
    threats: "/mra/api/v2/threats",
} as const;

/** Devices per page: Lookout's documented maximum. */
export const mraDevicePageLimit = 1000;

// v2's enums as Lookout's Swagger lists them (v1's event vocabulary differs: THREAT_*, DELETED, UNINSTALLED).
export const mraActivationStatuses = ["PENDING", "ACTIVATED", "DEACTIVATED"] as const;
export const mraProtectionStatuses = ["PROTECTED", "DISCONNECTED"] as const;
export const mraSecurityStatuses = ["SECURE", "THREATS_LOW", "THREATS_MEDIUM", "THREATS_HIGH"] as const;
export type MraSecurityStatus = (typeof mraSecurityStatuses)[number];
export const mraPlatforms = ["ANDROID", "IOS"] as const;

/**
 * What Intune's `partnerReportedThreatState` says once Lookout reports a verdict. Neither Lookout nor
 * Microsoft publishes the connector's mapping; this one follows the names (an assumption).
 */
export const lookoutToIntuneThreatState: Readonly<Record<MraSecurityStatus, string>> = {
    SECURE: "secured",
    THREATS_LOW: "lowSeverity",
    THREATS_MEDIUM: "mediumSeverity",
    THREATS_HIGH: "highSeverity",
};

/**
 * One page of devices. Lookout lists them by `oid` (a UUIDv7) descending; the next page is asked
 * for with the last `oid` of the page before, and holds the devices with a strictly lower one.
 */
export function mraDevicesQuery(page: {
    limit: number;
    beforeOid?: string;
    /** The Swagger's filters: activation `state`, `security_status`, `platform`. */
    state?: (typeof mraActivationStatuses)[number];
    securityStatus?: MraSecurityStatus;
    platform?: (typeof mraPlatforms)[number];
}): string {
    const query = new URLSearchParams({ limit: String(page.limit) });
    if (page.beforeOid !== undefined) query.set("oid", page.beforeOid);
    if (page.state !== undefined) query.set("state", page.state);
    if (page.securityStatus !== undefined) query.set("security_status", page.securityStatus);
    if (page.platform !== undefined) query.set("platform", page.platform);
    return `${mraPaths.devices}?${query}`;
}

/** One device as read: tolerant (unknown fields kept, statuses read as strings, Lookout adds members). */
export function mraDeviceSchema() {
    return z.looseObject({
        guid: z.string(),
        oid: z.string(),
        email: z.string().nullish(),
        platform: z.string().nullish(),
        activation_status: z.string().nullish(),
        protection_status: z.string().nullish(),
        security_status: z.string().nullish(),
        checkin_time: z.string().nullish(),
    });
}
export type MraDevice = z.infer<ReturnType<typeof mraDeviceSchema>>;

export function mraDevicePageSchema() {
    // `count`: the devices still to list from the cursor on (it shrinks page by page in Lookout's example).
    return z.looseObject({ count: z.number().int().optional(), devices: z.array(mraDeviceSchema()) });
}

/**
 * Threats per page asked for. The Swagger's text says "Default: 100, Max: 1000" for
 * `GET /mra/api/v2/threats`; its schema sets a minimum (0) and no maximum. The text is followed: the
 * client never asks for more than 1000, and the emulator serves at most 1000 a page whatever is
 * asked (so a larger `limit`, valid by the schema, is not refused).
 */
export const mraThreatPageLimit = 1000;

// The threats list's enums as the Swagger's query parameters list them.
export const mraThreatStatuses = ["OPEN", "RESOLVED", "IGNORED"] as const;
export const mraThreatRisks = ["HIGH", "MEDIUM", "LOW", "ADVISORY", "NONE"] as const;
export type MraThreatRisk = (typeof mraThreatRisks)[number];
export const mraThreatTypes = ["APPLICATION", "CONFIGURATION", "FILE", "NETWORK", "OS"] as const;
export const mraThreatTimeframes = ["ALL", "LAST_30_DAYS", "LAST_60_DAYS", "LAST_90_DAYS", "LAST_6_MONTHS"] as const;
/** The `classification` filter's values (the Swagger's enum, each also with a `!` prefix). */
export const mraThreatClassifications = [
    "ROOT_ENABLER",
    "RISKWARE",
    "ADWARE",
    "CHARGEWARE",
    "DATA_LEAK",
    "TROJAN",
    "WORM",
    "VIRUS",
    "EXPLOIT",
    "BACKDOOR",
    "BOT",
    "APP_DROPPER",
    "CLICK_FRAUD",
    "SPAM",
    "SPYWARE",
    "SURVEILLANCEWARE",
    "VULNERABILITY",
    "UNKNOWN",
    "ROOT_JAILBREAK",
    "CONNECTIVITY",
    "TOLL_FRAUD",
    "SIDELOADED_APP",
    "ACTIVE_MITM",
    "DENYLISTED_APP",
    "ROGUE_WIFI",
    "NON_APP_STORE_SIGNER",
    "ACCESS_CONTROL_VIOLATION",
    "NO_DEVICE_LOCK",
    "OUT_OF_DATE_OS",
    "OUT_OF_DATE_ASPL",
    "VPN_NOT_ENABLED",
    "PCP_DISABLED",
    "UNENCRYPTED",
    "DEVELOPER_MODE_ENABLED",
    "USB_DEBUGGING_ENABLED",
    "UNKNOWN_SOURCES_ENABLED",
    "AGENT_OUTDATED",
    "GATEWAY_ADDRESS_CHANGE",
    "PORT_SCAN",
    "SECURE_DNS_NOT_ENABLED",
    "STORAGE_PERMISSION_NOT_ACCEPTED",
    "NOTIFICATION_PERMISSION_NOT_ACCEPTED",
    "PCP_PAUSED",
    "SMISHING_PERMISSIONS_NOT_ACCEPTED",
    "DEVICE_ADMIN_NOT_ACTIVATED",
] as const;

/**
 * The console's classification names (contract/lookout/schemas.ts's catalogue) that the Mobile Risk
 * API spells otherwise. Neither side publishes the correspondence; these follow the names (an
 * assumption). A catalogue name missing here and from `mraThreatClassifications` has no threats
 * list filter (OS_VULNERABILITY).
 */
const mraClassificationAliases: Readonly<Record<string, string>> = {
    SPY: "SPYWARE",
    SURVEILLANCE: "SURVEILLANCEWARE",
    ROOTED_JAILBROKEN: "ROOT_JAILBREAK",
    DEVICE_ENCRYPTION_DISABLED: "UNENCRYPTED",
    MAN_IN_THE_MIDDLE: "ACTIVE_MITM",
};

/** The threats list's classification for a console classification name, if it has one. */
export function mraClassificationOf(consoleName: string): string | undefined {
    const name = mraClassificationAliases[consoleName] ?? consoleName;
    return (mraThreatClassifications as readonly string[]).includes(name) ? name : undefined;
}

/**
 * A threat's `risk` under a console risk level (none, low, medium, high), and the device verdict an
 * open threat of that risk makes: a device's `security_status` is its highest open threat's risk.
 * Lookout documents the levels and that a re-rated classification re-rates its open threats; that
 * the device verdict is the highest open threat's risk (ADVISORY and NONE: SECURE) is an assumption.
 */
export const mraRiskOfLevel: Readonly<Record<string, MraThreatRisk>> = {
    none: "NONE",
    low: "LOW",
    medium: "MEDIUM",
    high: "HIGH",
};
export const mraSecurityOfRisk: Readonly<Record<string, MraSecurityStatus>> = {
    NONE: "SECURE",
    ADVISORY: "SECURE",
    LOW: "THREATS_LOW",
    MEDIUM: "THREATS_MEDIUM",
    HIGH: "THREATS_HIGH",
};
/** A verdict's rank, to take the highest (SECURE 0 .. THREATS_HIGH 3). */
export const mraSecurityRank: Readonly<Record<MraSecurityStatus, number>> = {
    SECURE: 0,
    THREATS_LOW: 1,
    THREATS_MEDIUM: 2,
    THREATS_HIGH: 3,
};

/**
 * One page of threats, newest first (`oid` descending, as the devices): the next page is asked for
 * with the last `oid` of the page before. The Swagger's text says to stop "when the returned count
 * is 0" and, a line before, when "no more threats are returned"; a reader stops at whichever comes
 * first (an empty page, or a page shorter than asked).
 */
export function mraThreatsQuery(page: {
    limit: number;
    beforeOid?: string;
    status?: (typeof mraThreatStatuses)[number];
    /** A threats list classification (`mraClassificationOf`), or `!` and one. */
    classification?: string;
    risk?: MraThreatRisk;
    platform?: (typeof mraPlatforms)[number];
}): string {
    const query = new URLSearchParams({ limit: String(page.limit) });
    if (page.beforeOid !== undefined) query.set("oid", page.beforeOid);
    for (const name of ["status", "classification", "risk", "platform"] as const) {
        const value = page[name];
        if (value !== undefined) query.set(name, value);
    }
    return `${mraPaths.threats}?${query}`;
}

/** One threat as read: tolerant (unknown fields kept, enums read as strings, the device's members optional). */
export function mraThreatSchema() {
    return z.looseObject({
        guid: z.string(),
        oid: z.string(),
        classification: z.string().nullish(),
        risk: z.string().nullish(),
        status: z.string().nullish(),
        device_guid: z.string().nullish(),
        device: z.looseObject({ guid: z.string().nullish(), email: z.string().nullish() }).nullish(),
    });
}
export type MraThreat = z.infer<ReturnType<typeof mraThreatSchema>>;

export function mraThreatPageSchema() {
    return z.looseObject({ count: z.number().int().optional(), threats: z.array(mraThreatSchema()).nullish() });
}
