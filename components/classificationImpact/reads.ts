/**
 * The reads of a re-rated classification's impact, on Lookout's public Mobile Risk API v2
 * (contract/lookout/mra.ts): pages of the threats list filtered to one classification's open threats
 * on one platform, and pages of the device list filtered to one verdict on one platform. Never a
 * call per device; at most `maxPages` pages a list ("at least" beyond).
 */
import {
    type MraDevice,
    mraDevicePageLimit,
    mraDevicePageSchema,
    mraDevicesQuery,
    type MraSecurityStatus,
    type MraThreat,
    mraThreatPageLimit,
    mraThreatPageSchema,
    mraThreatsQuery,
} from "../../contract/lookout/mra";
import type { LookoutClient } from "../../providers/lookout/client";
import type { LookoutPlatform } from "./judge";

/** Pages of 1,000 read per list at most. */
export const maxPages = 20;

export interface Paged<T> {
    items: T[];
    /** False when `maxPages` pages were read and Lookout said more remain. */
    complete: boolean;
}

/**
 * Newest first, each page after the last `oid` of the one before, until a page is empty, shorter
 * than asked, or Lookout's `count` says none remain; a cursor that does not move down stops the read.
 */
async function pageAll<T extends { oid: string }>(
    read: (before: string | undefined) => Promise<{ count?: number; items: T[] }>,
    limit: number,
): Promise<Paged<T>> {
    const items: T[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < maxPages; pages++) {
        const page = await read(before);
        items.push(...page.items);
        const done = page.items.length < limit || (page.count !== undefined && page.count <= page.items.length);
        if (done) return { items, complete: true };
        const last = page.items[page.items.length - 1].oid;
        if (before !== undefined && !(last < before))
            throw new Error(`Lookout's list did not move past oid ${before}; stopped to avoid reading forever`);
        before = last;
    }
    return { items, complete: false };
}

/** The open threats of one classification (as the threats list names it) on one platform. */
export function readOpenThreats(
    lookout: LookoutClient,
    classification: string,
    platform: LookoutPlatform,
): Promise<Paged<MraThreat>> {
    return pageAll(async (beforeOid) => {
        const query = mraThreatsQuery({
            limit: mraThreatPageLimit,
            beforeOid,
            status: "OPEN",
            classification,
            platform,
        });
        const { body } = (await lookout.request("GET", query, { schema: mraThreatPageSchema() }))!;
        return { count: body.count, items: body.threats ?? [] };
    }, mraThreatPageLimit);
}

/** The devices Lookout lists at one verdict on one platform. */
export function readDevicesAt(
    lookout: LookoutClient,
    securityStatus: MraSecurityStatus,
    platform: LookoutPlatform,
): Promise<Paged<MraDevice>> {
    return pageAll(async (beforeOid) => {
        const query = mraDevicesQuery({ limit: mraDevicePageLimit, beforeOid, securityStatus, platform });
        const { body } = (await lookout.request("GET", query, { schema: mraDevicePageSchema() }))!;
        return { count: body.count, items: body.devices };
    }, mraDevicePageLimit);
}
