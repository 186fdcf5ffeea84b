/**
 * What re-rated classifications do to the devices with open threats of them, from what Lookout's
 * lists say: pure, so the unit tests hold the reasoning without a service.
 *
 * A device's verdict is its highest open threat's risk (contract/lookout/mra.ts, an assumption).
 * Its re-rated threats are read; its other open threats are not, only its verdict now (read for the
 * verdicts above the lowest risk any re-rated threat has): so a device whose verdict is above its
 * re-rated threats keeps at least that verdict, a raised threat sets the verdict exactly, and a
 * lowered one whose verdict it held may or may not lower the verdict ("may drop").
 */
import type { CompliancePlatform } from "../../contract/graph/schemas";
import { requiredSecurityLevelRank, threatStateRank } from "../../contract/graph/managedDevices";
import {
    lookoutToIntuneThreatState,
    mraSecurityOfRisk,
    mraSecurityRank,
    type MraSecurityStatus,
} from "../../contract/lookout/mra";

export type LookoutPlatform = "IOS" | "ANDROID";
export const platformName: Readonly<Record<LookoutPlatform, string>> = { IOS: "iOS", ANDROID: "Android" };

/** A classification whose declared level differs from Lookout's (or, unread, may). */
export interface ReRating {
    name: string;
    /** The threats list's name for it. */
    mra: string;
    /** Lookout's level now, when read. */
    from?: string;
    to: string;
}

/** A device with open threats of re-rated classifications. */
export interface ReRatedDevice {
    guid: string;
    platform: LookoutPlatform;
    /** Each re-rated open threat: its risk now and under the declared level. */
    threats: Array<{ classification: string; from: string; to: string }>;
    /** Its verdict now, when the device list was read at that verdict (otherwise its re-rated threats' highest). */
    verdict?: MraSecurityStatus;
}

/** A declared compliance policy, by platform and required level. */
export interface DeclaredPolicy {
    platform: CompliancePlatform;
    requiredSecurityLevel: string;
}

export interface Judged {
    /** Devices whose verdict changes, by new verdict and platform. */
    changed: Array<{ guid: string; platform: LookoutPlatform; from: MraSecurityStatus; to: MraSecurityStatus }>;
    /** Compliant now, non-compliant after, with the level their platform's policy requires. */
    noncompliant: Array<{ guid: string; platform: LookoutPlatform; required: string }>;
    /** Devices whose verdict a lowered threat held: they may drop (their other threats were not read). */
    mayDrop: number;
}

/** A threat's risk as the verdict rank it makes (NONE and ADVISORY: 0). */
export const rankOfRisk = (risk: string) => mraSecurityRank[mraSecurityOfRisk[risk] ?? "SECURE"];
const verdictOfRank = (rank: number) =>
    (Object.keys(mraSecurityRank) as MraSecurityStatus[]).find((s) => mraSecurityRank[s] === rank)!;

/**
 * The policy a device of a Lookout platform answers to: iOS's; for Android (Lookout does not say
 * which Android enrollment a device has), the strictest Android policy declared (the harsher reading).
 */
export function requiredLevelFor(platform: LookoutPlatform, policies: readonly DeclaredPolicy[]): string | undefined {
    const mine = policies.filter((p) => (platform === "IOS" ? p.platform === "ios" : p.platform !== "ios"));
    const rank = (p: DeclaredPolicy) => requiredSecurityLevelRank[p.requiredSecurityLevel] ?? Infinity;
    return mine.sort((a, b) => rank(a) - rank(b))[0]?.requiredSecurityLevel;
}

/** Whether a verdict is compliant at a required level, through Intune's threat state (lookoutToIntuneThreatState). */
export function compliantAt(verdict: MraSecurityStatus, required: string | undefined): boolean {
    if (required === undefined) return true;
    const state = threatStateRank[lookoutToIntuneThreatState[verdict]] ?? 0;
    return state <= (requiredSecurityLevelRank[required] ?? Infinity);
}

/** The new verdict of one device, or `undefined` when it may drop but cannot be said. */
export function newVerdict(device: ReRatedDevice): { from: MraSecurityStatus; to?: MraSecurityStatus } {
    const before = Math.max(...device.threats.map((t) => rankOfRisk(t.from)));
    const after = Math.max(...device.threats.map((t) => rankOfRisk(t.to)));
    const now = device.verdict ? Math.max(mraSecurityRank[device.verdict], before) : before;
    const from = verdictOfRank(now);
    // Another open threat holds the verdict above the re-rated ones: it stays at least there.
    if (now > before) return { from, to: verdictOfRank(Math.max(now, after)) };
    // The re-rated threats held the verdict: raised, they set it; lowered, the others (unread) may hold it.
    return after >= before ? { from, to: verdictOfRank(after) } : { from };
}

export function judge(devices: readonly ReRatedDevice[], policies: readonly DeclaredPolicy[]): Judged {
    const judged: Judged = { changed: [], noncompliant: [], mayDrop: 0 };
    for (const device of devices) {
        const { from, to } = newVerdict(device);
        if (to === undefined) {
            judged.mayDrop++;
            continue;
        }
        if (to === from) continue;
        judged.changed.push({ guid: device.guid, platform: device.platform, from, to });
        const required = requiredLevelFor(device.platform, policies);
        if (compliantAt(from, required) && !compliantAt(to, required))
            judged.noncompliant.push({ guid: device.guid, platform: device.platform, required: required! });
    }
    return judged;
}
