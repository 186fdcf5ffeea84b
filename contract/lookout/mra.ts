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
    /** The Swagger's filters: activation `state`, `security_status`. */
    state?: (typeof mraActivationStatuses)[number];
    securityStatus?: MraSecurityStatus;
}): string {
    const query = new URLSearchParams({ limit: String(page.limit) });
    if (page.beforeOid !== undefined) query.set("oid", page.beforeOid);
    if (page.state !== undefined) query.set("state", page.state);
    if (page.securityStatus !== undefined) query.set("security_status", page.securityStatus);
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
