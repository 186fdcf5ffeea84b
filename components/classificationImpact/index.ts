/**
 * What a re-rated Lookout threat classification does, before it is applied: Lookout re-rates the
 * threats already open when a classification's level changes (Lookout's policies documentation), so
 * raising one can make every device with an open threat of it non-compliant the moment it is saved.
 *
 * Read on Lookout's public Mobile Risk API v2 (reads.ts), judged by judge.ts, said as warnings on the
 * classifications resource:
 *
 * - which classifications change: the declared level against the one Lookout's console holds now
 *   (`api` mode, from the endpoint check's read); without it (`checklist` mode), every declared
 *   classification, each open threat's own `risk` saying where it stands;
 * - per changed classification and platform, pages of its open threats (devices of enrolled users:
 *   Lookout lists only the devices of its enrollment groups);
 * - per platform, pages of the devices at each verdict above the lowest re-rated risk: a device's
 *   other open threats hold its verdict there;
 * - the declared compliance policies' required levels: a device becomes non-compliant when its new
 *   verdict is above its platform's level (through Intune's mapping of Lookout's verdicts).
 *
 * Bounded: two lists per changed classification and at most three verdict lists per platform, each
 * at most `maxPages` pages, whatever the number of devices; nothing is read when nothing changes. A
 * read that fails or is refused is skipped with a line saying so (impact never fails a run).
 */
import type { StackConfig } from "../../config/stackConfig";
import { mraClassificationOf, mraRiskOfLevel, type MraSecurityStatus } from "../../contract/lookout/mra";
import type { LookoutClient } from "../../providers/lookout/client";
import { judge, type LookoutPlatform, platformName, rankOfRisk, type ReRatedDevice, type ReRating } from "./judge";
import { type Paged, readDevicesAt, readOpenThreats } from "./reads";
import { describe } from "./describe";

export interface ClassificationImpact {
    /** Warnings for the classifications resource. */
    warnings: string[];
    /** Why a part of it was not read. */
    notes: string[];
}

const platforms: readonly LookoutPlatform[] = ["IOS", "ANDROID"];

/** The declared classifications whose level changes; those the threats list cannot filter are noted. */
export function reRatings(
    declared: Readonly<Record<string, string>>,
    current: Readonly<Record<string, string>> | undefined,
    notes: string[],
): ReRating[] {
    return Object.entries(declared).flatMap(([name, to]) => {
        const from = current?.[name];
        if (current && from === to) return [];
        const mra = mraClassificationOf(name);
        if (!mra) {
            notes.push(
                `${name}: Lookout's threats list has no such classification, so its open threats are not counted.`,
            );
            return [];
        }
        return [{ name, mra, from, to }];
    });
}

/** A read that fails becomes a note (a refusal says so); the impact goes on without it. */
async function orNote<T>(notes: string[], what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
        return await read();
    } catch (err) {
        const status = (err as { status?: number }).status;
        notes.push(
            status === 401 || status === 403
                ? `${what}: skipped, Lookout refused the application key (${status}).`
                : `${what}: not read (${(err as Error).message}).`,
        );
        return undefined;
    }
}

export async function assessClassificationImpact(
    config: StackConfig,
    current: Readonly<Record<string, string>> | undefined,
    lookout: LookoutClient,
): Promise<ClassificationImpact> {
    const notes: string[] = [];
    const changes = reRatings(config.threatClassifications, current, notes);
    if (changes.length === 0) return { warnings: [], notes };
    let complete = true;
    let unread = false;
    const devices = new Map<string, ReRatedDevice>();
    const reads = changes.flatMap((change) =>
        platforms.map(async (platform) => {
            const what = `Lookout's open ${change.mra} threats on ${platformName[platform]}`;
            const read = await orNote(notes, what, () => readOpenThreats(lookout, change.mra, platform));
            complete &&= read?.complete ?? true;
            unread ||= read === undefined;
            for (const threat of read?.items ?? []) addThreat(devices, threat, change, platform);
        }),
    );
    await Promise.all(reads);
    complete = (await readVerdicts(lookout, [...devices.values()], notes)) && complete;
    const judged = judge([...devices.values()], config.intune?.compliancePolicies ?? []);
    // Nothing read is not nothing found: the notes say what was not read.
    if (devices.size === 0 && unread) return { warnings: [], notes };
    return { warnings: describe(changes, devices.size, judged, complete), notes };
}

/** Files an open threat under its device, unless its risk is already the declared level's. */
function addThreat(
    devices: Map<string, ReRatedDevice>,
    threat: { device_guid?: string | null; device?: { guid?: string | null } | null; risk?: string | null },
    change: ReRating,
    platform: LookoutPlatform,
): void {
    const guid = threat.device_guid ?? threat.device?.guid;
    const to = mraRiskOfLevel[change.to];
    const from = threat.risk ?? (change.from ? mraRiskOfLevel[change.from] : undefined);
    if (!guid || !from || from === to) return;
    const device = devices.get(guid) ?? { guid, platform, threats: [] };
    device.threats.push({ classification: change.mra, from, to });
    devices.set(guid, device);
}

const verdictsAbove = (rank: number): MraSecurityStatus[] =>
    (["THREATS_LOW", "THREATS_MEDIUM", "THREATS_HIGH"] as const).filter((_, i) => i + 1 > rank);

/** Each device's verdict now, from the device list at the verdicts above its re-rated threats' lowest. */
async function readVerdicts(lookout: LookoutClient, devices: ReRatedDevice[], notes: string[]): Promise<boolean> {
    let complete = true;
    const reads = platforms.map(async (platform) => {
        const mine = devices.filter((d) => d.platform === platform);
        if (mine.length === 0) return;
        const lowest = Math.min(...mine.map((d) => Math.max(...d.threats.map((t) => rankOfRisk(t.from)))));
        const byGuid = new Map(mine.map((d) => [d.guid, d]));
        await Promise.all(
            verdictsAbove(lowest).map(async (verdict) => {
                const what = `Lookout's ${platformName[platform]} devices at ${verdict}`;
                const read: Paged<{ guid: string }> | undefined = await orNote(notes, what, () =>
                    readDevicesAt(lookout, verdict, platform),
                );
                complete &&= read?.complete ?? true;
                for (const d of read?.items ?? []) {
                    const device = byGuid.get(d.guid);
                    if (device) device.verdict = verdict;
                }
            }),
        );
    });
    await Promise.all(reads);
    return complete;
}
