/**
 * Rollout rings with health gates: the setup guide's "start with a small group, then expand",
 * enforced. Ring 1 is always enrolled; the next ring is enrolled (its groups in Lookout's
 * connector, or in the checklist steps, and in the Intune assignments) only once the rings before
 * it pass the gate of the last of them. A ring once enrolled stays enrolled: holding it again
 * would un-enroll its users.
 *
 * The gate is judged from counts, so its cost does not grow with users or devices: each group's
 * direct users (the group check's `$count`, read once), and Lookout's count of activated devices
 * and of devices with the verdicts the stack's threat-level policies refuse (the Mobile Risk API's
 * `count`, one request of one device each). Lookout lists only the devices of enrolled groups, so
 * its counts are those of the rings enrolled so far, judged together.
 *
 * When each ring was enrolled is the stack's own record: its `rollout` output, read back through a
 * reference to the stack itself. Time is the service's: the `Date` of Lookout's answers.
 */
import * as pulumi from "@pulumi/pulumi";
import { previousOutput } from "./ownRecord";
import type { StackConfig } from "../../config/stackConfig";
import { mraDevicesQuery, mraDevicePageSchema, type MraSecurityStatus } from "../../contract/lookout/mra";
import type { LookoutClient } from "../../providers/lookout/client";
import { enrollmentGroupKey } from "../entra/directory";
import type { GroupCandidate } from "../entra/groupValidation";

type Rollout = NonNullable<StackConfig["rollout"]>;

/** One ring as the stack records it (its `rollout` output). */
export interface RingRecord {
    name: string;
    groups: string[];
    released: boolean;
    /** When the ring was enrolled (ISO, the service's clock); null while it is held. */
    enrolledAt: string | null;
}

/** The `rollout` stack output: read back on the next run to know when each ring was enrolled. */
export interface RolloutRecord {
    rings: RingRecord[];
    /** The last explicit release, with its reason. */
    override?: { ring: string; reason: string };
}

/** What the gate reads: users per ring, Lookout's counts, the service's clock; or why they could not be read. */
export interface RolloutHealth {
    now: number;
    /** Direct users of each ring's groups, summed; undefined where a count is not known. */
    ringUsers: Array<number | undefined>;
    activated?: number;
    noncompliant?: number;
    /** Why Lookout's counts are missing (a refused read names what it needs). */
    unreadable?: string;
}

export interface RolloutDecision {
    record: RolloutRecord;
    /** Display names of the enrollment groups to enroll now. */
    enrolledGroups: string[];
    /** One line per held or overridden ring, for the preview. */
    lines: string[];
}

/** The verdicts a device must not have under the strictest threat-level policy (`requiredSecurityLevel`). */
export function refusedVerdicts(config: StackConfig): MraSecurityStatus[] {
    const order = ["secured", "low", "medium", "high"] as const;
    const levels = (config.intune?.compliancePolicies ?? []).map((p) => order.indexOf(p.requiredSecurityLevel));
    const strictest = levels.length > 0 ? Math.min(...levels) : order.indexOf("low");
    const verdicts: MraSecurityStatus[] = ["THREATS_LOW", "THREATS_MEDIUM", "THREATS_HIGH"];
    // secured allows no threat, low allows low threats, medium allows medium, high allows all.
    return verdicts.slice(strictest);
}

/** Lookout's count of the devices a query selects: one request of one device. */
async function countDevices(lookout: LookoutClient, query: Parameters<typeof mraDevicesQuery>[0]) {
    const response = (await lookout.request("GET", mraDevicesQuery(query), { schema: mraDevicePageSchema() }))!;
    return { count: response.body.count ?? response.body.devices.length, date: response.date };
}

/** Lookout's counts a gate judges, and the service's clock: a request per verdict, never per device. */
export type DeviceCounts = Omit<RolloutHealth, "ringUsers">;

/** Lookout's counts of activated devices and of those with a verdict the policies refuse (or why they are unreadable). */
export async function readDeviceCounts(config: StackConfig, lookout: LookoutClient): Promise<DeviceCounts> {
    try {
        const activated = await countDevices(lookout, { limit: 1, state: "ACTIVATED" });
        const refused = await Promise.all(
            refusedVerdicts(config).map((securityStatus) =>
                countDevices(lookout, { limit: 1, state: "ACTIVATED", securityStatus }),
            ),
        );
        const dates = [activated.date, ...refused.map((r) => r.date)].filter((d): d is number => d !== undefined);
        return {
            now: dates.length > 0 ? Math.max(...dates) : Date.now(),
            activated: activated.count,
            noncompliant: refused.reduce((sum, r) => sum + r.count, 0),
        };
    } catch (err) {
        const status = (err as { status?: number }).status;
        if (status !== 401 && status !== 403) throw err;
        return {
            // A refusal still tells the service's time.
            now: (err as { date?: number }).date ?? Date.now(),
            unreadable: `Lookout refused its device list (${status}): the application key needs the Mobile Risk API's device read`,
        };
    }
}

/**
 * The gate's reads: bounded by the number of rings and verdicts, never by users or devices. The
 * users are the group checks' counts; Lookout's counts are `counts` when already under way.
 */
export async function readRolloutHealth(
    config: StackConfig,
    groups: Record<string, GroupCandidate>,
    lookout: LookoutClient,
    counts: Promise<DeviceCounts> = readDeviceCounts(config, lookout),
): Promise<RolloutHealth> {
    const rollout = config.rollout!;
    const usersOf = new Map<string, number | undefined>();
    config.enrollmentGroups.forEach((spec, i) => {
        const counted = groups[enrollmentGroupKey(i, spec)]?.userCount;
        usersOf.set(spec.displayName, counted ?? (spec.create ? spec.members?.length : undefined));
    });
    const ringUsers = rollout.rings.map((ring) =>
        ring.groups.reduce<number | undefined>(
            (sum, g) => (sum === undefined || usersOf.get(g) === undefined ? undefined : sum + usersOf.get(g)!),
            0,
        ),
    );
    return { ...(await counts), ringUsers };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
const days = (ms: number) => Math.floor(ms / 86_400_000);

/** Why the gate of `ring` (index `last`, judged with the rings before it) does not pass; empty when it does. */
function gateProblems(rollout: Rollout, last: number, health: RolloutHealth, enrolledAt: number | null): string[] {
    const gate = rollout.rings[last].gate;
    const who = `ring ${last + 1} '${rollout.rings[last].name}'`;
    const problems: string[] = [];
    const needsCounts = gate.minActivatedShare !== undefined || gate.maxNoncompliantShare !== undefined;
    const users = health.ringUsers
        .slice(0, last + 1)
        .reduce<number | undefined>((sum, n) => (sum === undefined || n === undefined ? undefined : sum + n), 0);
    if (needsCounts && health.unreadable) problems.push(`${who} cannot be judged: ${health.unreadable}`);
    else if (gate.minActivatedShare !== undefined) {
        if (users === undefined) problems.push(`${who} cannot be judged: its groups' sizes are not read in this mode`);
        else {
            const activated = users === 0 ? 0 : Math.min(1, health.activated! / users);
            if (activated < gate.minActivatedShare)
                problems.push(`${who} at ${percent(activated)} activated (gate ${percent(gate.minActivatedShare)})`);
        }
    }
    if (!health.unreadable && gate.maxNoncompliantShare !== undefined) {
        const noncompliant = health.activated ? health.noncompliant! / health.activated : 0;
        if (noncompliant > gate.maxNoncompliantShare)
            problems.push(
                `${who} at ${percent(noncompliant)} non-compliant (gate at most ${percent(gate.maxNoncompliantShare)})`,
            );
    }
    if (gate.minSoakDays !== undefined) {
        const soaked = enrolledAt === null ? 0 : (health.now - enrolledAt) / 86_400_000;
        if (soaked < gate.minSoakDays) problems.push(`soaked ${days(soaked * 86_400_000)} of ${gate.minSoakDays} days`);
    }
    return problems;
}

/** `LOOKOUT_MTP_RELEASE_RING='<ring>: <reason>'`, or the config's `rollout.release`. */
export function releaseOverride(rollout: Rollout, env = process.env): { ring: string; reason: string } | undefined {
    const raw = env.LOOKOUT_MTP_RELEASE_RING?.trim();
    if (!raw) return rollout.release;
    const match = /^([^:]+):\s*(.+)$/.exec(raw);
    const ring = match?.[1].trim();
    if (!match || !rollout.rings.some((r) => r.name === ring)) {
        throw new pulumi.RunError(
            `LOOKOUT_MTP_RELEASE_RING='${raw}': expected '<ring>: <reason>' naming one of ${rollout.rings.map((r) => r.name).join(", ")}; nothing was changed.`,
        );
    }
    return { ring: ring!, reason: match[2].trim() };
}

/**
 * Which rings are enrolled now: those the record says were, ring 1, an overridden ring and the
 * rings before it, and the first held ring when the rings before it pass the gate of the last of them.
 */
export function judgeRollout(
    rollout: Rollout,
    health: RolloutHealth,
    previous: RolloutRecord | undefined,
    override = rollout.release,
): RolloutDecision {
    const before = new Map((previous?.rings ?? []).map((r) => [r.name, r]));
    const overridden = override ? rollout.rings.findIndex((r) => r.name === override.ring) : -1;
    const nowIso = new Date(health.now).toISOString();
    const lines: string[] = [];
    const rings: RingRecord[] = [];
    let open = true;
    rollout.rings.forEach((ring, i) => {
        const was = before.get(ring.name);
        const label = `ring ${i + 1} '${ring.name}' (${ring.groups.join(", ")}${health.ringUsers[i] === undefined ? "" : `, ${health.ringUsers[i]!.toLocaleString("en-US")} users`})`;
        let released = i === 0 || was?.released === true;
        if (!released && i <= overridden) {
            released = true;
            lines.push(`${label} released by override: ${override!.reason}`);
        }
        if (!released && open) {
            const prior = rings[i - 1];
            const problems = gateProblems(
                rollout,
                i - 1,
                health,
                prior.enrolledAt === null ? null : Date.parse(prior.enrolledAt),
            );
            released = problems.length === 0;
            if (!released) lines.push(`${label} held: ${problems.join(", ")}`);
        } else if (!released) {
            lines.push(`${label} held: ring ${i} '${rollout.rings[i - 1].name}' is held`);
        }
        if (!released) open = false;
        rings.push({
            name: ring.name,
            groups: ring.groups,
            released,
            enrolledAt: released ? (was?.enrolledAt ?? nowIso) : null,
        });
    });
    return {
        record: { rings, ...(override && overridden >= 0 ? { override } : {}) },
        enrolledGroups: rings.filter((r) => r.released).flatMap((r) => r.groups),
        lines,
    };
}

/** The stack's own `rollout` output from its last update, through a reference to itself; undefined on its first. */
export function previousRollout(): Promise<RolloutRecord | undefined> {
    return previousOutput<RolloutRecord>("rollout");
}
