/**
 * Collects a stack's enrollment status, read-only, in a bounded number of calls that grows only by
 * pages (never a request per device or per user):
 *
 * - Intune's MTD connector for Lookout: partner state and last heartbeat (1 Graph read);
 * - per enrollment group: its ID (config, or 1 lookup by name) and its user members, a page of 999
 *   at a time (Lookout enrolls direct user members);
 * - Intune's managed iOS and Android devices, a page of 1,000 at a time (`$select`ed);
 * - Lookout's devices from its **public** Mobile Risk API v2, a page of 1,000 at a time.
 *
 * Devices are matched to groups by user: Intune's by user ID, Lookout's by e-mail against the
 * members' user principal names and mail addresses. A read the identity may not make is skipped,
 * named in the report with the permission it lacks.
 */
import type { StackConfig } from "../../config/stackConfig";
import type { ZodType } from "zod";
import { graphPaths } from "../../contract/graph/routes";
import {
    directoryGroupSchema,
    directoryObjectSchema,
    lookoutMtdConnectorId,
    mtdConnectorSchema,
} from "../../contract/graph/schemas";
import { managedDeviceSchema, managedDeviceSelect, type ManagedDeviceRead } from "../../contract/graph/managedDevices";
import { type MraDevice, mraDevicePageLimit, mraDevicePageSchema, mraDevicesQuery } from "../../contract/lookout/mra";
import { type GraphClient, refusedPermission } from "../../providers/graph/client";
import type { LookoutClient } from "../../providers/lookout/client";
import {
    type Finding,
    type GroupStatus,
    type LookoutDeviceState,
    lookoutDeviceStates,
    type LookoutSecurityStatus,
    lookoutSecurityStatuses,
    type StatusReport,
} from "./report";
import {
    judgeRollout,
    refusedVerdicts,
    type RolloutHealth,
    type RolloutRecord,
} from "../../components/onboarding/rollout";
import type { ConditionalAccessRecord } from "../../components/conditionalAccess/plan";

export interface CollectOptions {
    stack: string;
    config: StackConfig;
    graph: GraphClient;
    lookout: LookoutClient;
    /** A line per page on long reads. */
    onProgress?: (message: string) => void;
    now?: () => number;
    /** The stack's `rollout` output: which rings its last update enrolled, and when. */
    rollout?: RolloutRecord;
    /** The stack's `conditionalAccess` output: the policy's mode and the rings it covers. */
    conditionalAccess?: ConditionalAccessRecord;
}

/** Lookout's device as the report groups it. */
export function deviceState(d: Pick<MraDevice, "activation_status" | "protection_status">): LookoutDeviceState {
    const activation = (d.activation_status ?? "").toUpperCase();
    if (activation === "DEACTIVATED" || activation === "DELETED") return "deactivated";
    if (activation === "ACTIVATED")
        return (d.protection_status ?? "").toUpperCase() === "DISCONNECTED" ? "disconnected" : "activated";
    return "pending";
}

export function securityOf(d: Pick<MraDevice, "security_status">): LookoutSecurityStatus {
    const status = (d.security_status ?? "").toUpperCase().replace(/^THREAT_/, "THREATS_");
    return (
        (
            {
                SECURE: "secure",
                THREATS_LOW: "threatLow",
                THREATS_MEDIUM: "threatMedium",
                THREATS_HIGH: "threatHigh",
            } as const
        )[status] ?? "unknown"
    );
}

const zeros = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);
const n = (count: number, one: string, many = `${one}s`) =>
    `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;

/** Intune's `operatingSystem` values of the platforms Lookout protects (iPads report `iPadOS`). */
const protectedPlatforms = ["iOS", "iPadOS", "Android"];

/** Pages of Lookout devices read at most: 10,000,000 devices. */
const maxLookoutPages = 10_000;

export async function collectStatus(options: CollectOptions): Promise<StatusReport> {
    return (await collectStatusReads(options)).report;
}

/** The report, with what a watch needs to keep it up to date from Lookout's event stream (operate/status/watch.ts). */
export interface StatusReads {
    report: StatusReport;
    /** Lookout's devices as read. */
    lookoutDevices: MraDevice[];
    /** The enrollment groups (indexes into `report.groups`) of each member's address (UPN, mail), lower-cased. */
    groupsOfAddress: ReadonlyMap<string, ReadonlySet<number>>;
    /** The service's clock when Lookout's device list was read (its first page's `Date`). */
    lookoutReadAt?: number;
}

export async function collectStatusReads(options: CollectOptions): Promise<StatusReads> {
    const { config, graph } = options;
    const reader = createReader(options);
    const connectorRead = await readConnector(reader);
    const now = options.now?.() ?? Date.now();
    const connector = connectorRead?.value ? connectorStatus(connectorRead.value, now) : null;
    const findings: Finding[] = [];
    const groups = await Promise.all(
        config.enrollmentGroups.map((spec) => readGroup(reader, spec, (f) => findings.push(f))),
    );
    const managedRead = await readManagedDevices(reader);
    const lookoutRead = await readLookoutDevices(reader);
    const { statuses, totals, outside } = countDevices({
        groups,
        managed: managedRead?.value ?? [],
        lookout: lookoutRead.devices,
    });
    const rollout = options.config.rollout
        ? rolloutStatus(options, { now, statuses, totals, lookoutRefused: lookoutRead.refused })
        : undefined;
    // A held ring's groups are not in Lookout's connector yet: no device is expected of them.
    const held = new Set(rollout?.rings.filter((r) => !r.enrolled).flatMap((r) => r.groups) ?? []);
    const context: GroupFindingContext = {
        lookoutRead: !lookoutRead.refused,
        intuneRead: managedRead !== undefined,
        checklist: config.settingsMode === "checklist",
        newDeviceCheckIntervalMinutes: config.connector.newDeviceCheckIntervalMinutes,
    };
    findings.push(
        ...connectorFindings({
            read: connectorRead !== undefined,
            connector,
            heartbeatFrequencyMinutes: config.connector.heartbeatFrequencyMinutes,
        }),
        ...groups.flatMap((g, i) => (held.has(g.displayName) ? [] : groupFindings(g, statuses[i], context))),
        ...outsideFindings(outside),
    );

    const report: StatusReport = {
        stack: options.stack,
        generatedAt: new Date(now).toISOString(),
        entraTenantId: config.entra.mode === "reference" ? config.entra.tenantId! : await graph.tenantId(),
        settingsMode: config.settingsMode ?? "api",
        connector,
        groups: statuses,
        totals,
        outsideEnrollmentGroups: outside,
        findings,
        skipped: reader.skipped,
        calls: reader.calls,
        ...(rollout ? { rollout } : {}),
        ...(options.conditionalAccess
            ? { conditionalAccess: { mode: options.conditionalAccess.mode, rings: options.conditionalAccess.rings } }
            : {}),
    };
    return {
        report,
        lookoutDevices: lookoutRead.devices,
        groupsOfAddress: membership(groups).ofAddress,
        lookoutReadAt: lookoutRead.date,
    };
}

/** Lookout's verdicts as the report counts them. */
const securityKeys: Record<string, keyof Counts["lookout"]["bySecurity"]> = {
    THREATS_LOW: "threatLow",
    THREATS_MEDIUM: "threatMedium",
    THREATS_HIGH: "threatHigh",
};

/**
 * The rings as the stack's last update left them, and what its next `up` does with the held ones,
 * judged as the preview judges them (components/onboarding/rollout.ts) from this report's counts.
 */
function rolloutStatus(
    options: CollectOptions,
    counts: { now: number; statuses: GroupStatus[]; totals: Counts; lookoutRefused: boolean },
): NonNullable<StatusReport["rollout"]> {
    const rollout = options.config.rollout!;
    const usersOf = new Map(counts.statuses.map((g) => [g.displayName, g.users]));
    const health: RolloutHealth = {
        now: counts.now,
        ringUsers: rollout.rings.map((r) => r.groups.reduce((sum, g) => sum + (usersOf.get(g) ?? 0), 0)),
        activated: counts.totals.lookout.byState.activated,
        noncompliant: refusedVerdicts(options.config).reduce(
            (sum, v) => sum + counts.totals.lookout.bySecurity[securityKeys[v]],
            0,
        ),
        ...(counts.lookoutRefused ? { unreadable: "Lookout refused its device list" } : {}),
    };
    const recorded = new Map((options.rollout?.rings ?? []).map((r) => [r.name, r]));
    const rings = rollout.rings.map((r, i) => ({
        name: r.name,
        groups: r.groups,
        enrolled: recorded.get(r.name)?.released ?? i === 0,
        enrolledAt: recorded.get(r.name)?.enrolledAt ?? null,
    }));
    const next = judgeRollout(rollout, health, options.rollout);
    return {
        rings,
        lines: next.lines,
        releasable: next.record.rings.filter((r, i) => r.released && !rings[i].enrolled).map((r) => r.name),
    };
}

/** The clients of one report, with what its reads cost and the reads that were refused. */
interface Reader {
    graph: GraphClient;
    lookout: LookoutClient;
    progress: (message: string) => void;
    calls: StatusReport["calls"];
    skipped: string[];
    /** Every item of a Graph collection, a page (one request) at a time, with progress. */
    graphItems<T>(first: string, item: ZodType<T>, what: string): Promise<T[]>;
    /** A read the identity may be refused: the refusal is reported with the permission it needs, not fatal. */
    optional<T>(what: string, read: () => Promise<T>): Promise<{ value: T } | undefined>;
}

function createReader(options: CollectOptions): Reader {
    const calls = { graph: 0, lookout: 0 };
    const skipped: string[] = [];
    const progress = options.onProgress ?? (() => undefined);
    return {
        graph: options.graph,
        lookout: options.lookout,
        progress,
        calls,
        skipped,
        async graphItems<T>(first: string, item: ZodType<T>, what: string): Promise<T[]> {
            const items: T[] = [];
            for await (const page of options.graph.pages(first, item)) {
                calls.graph++;
                items.push(...(page as T[]));
                if (items.length >= 1000) progress(`${what}: ${items.length.toLocaleString("en-US")} read`);
            }
            return items;
        },
        async optional<T>(what: string, read: () => Promise<T>): Promise<{ value: T } | undefined> {
            try {
                return { value: await read() };
            } catch (err) {
                const permission = refusedPermission(err);
                if (!permission) throw err;
                skipped.push(`${what}: refused (403); the Graph identity needs ${permission}`);
                return undefined;
            }
        },
    };
}

/** Intune's connector for Lookout: null when Intune has none, undefined when the read was refused. */
function readConnector(reader: Reader) {
    return reader.optional("Intune's MTD connector", async () => {
        reader.calls.graph++;
        return (
            (
                await reader.graph.request("GET", graphPaths.mtdConnector(lookoutMtdConnectorId), {
                    schema: mtdConnectorSchema(),
                    allow404: true,
                })
            )?.body ?? null
        );
    });
}

function connectorStatus(
    found: { partnerState?: string | null; lastHeartbeatDateTime?: string | null },
    now: number,
): NonNullable<StatusReport["connector"]> {
    const last = found.lastHeartbeatDateTime ?? null;
    const lastMs = last ? Date.parse(last) : NaN;
    // Graph answers 0001-01-01 for a heartbeat that never happened.
    const valid = Number.isFinite(lastMs) && lastMs > Date.parse("2000-01-01T00:00:00Z");
    return {
        partnerState: found.partnerState ?? "unknown",
        lastHeartbeatDateTime: valid ? last : null,
        heartbeatAgeMinutes: valid ? Math.max(0, Math.round((now - lastMs) / 60_000)) : null,
    };
}

/** An enrollment group as read; `missing` when no Entra group has its name. */
interface GroupRead {
    displayName: string;
    objectId: string;
    members: Array<Record<string, unknown>>;
    missing: boolean;
}

/** An enrollment group and its user members. Lookout matches a group by its exact display name. */
async function readGroup(
    reader: Reader,
    spec: StackConfig["enrollmentGroups"][number],
    onFinding: (finding: Finding) => void,
): Promise<GroupRead> {
    const { displayName } = spec;
    let objectId = spec.objectId;
    if (!objectId) {
        const named = await reader.optional(`the group named '${displayName}'`, () =>
            reader.graphItems(
                graphPaths.groupsByNamePrefix(displayName),
                directoryGroupSchema(),
                `groups named '${displayName}'`,
            ),
        );
        if (!named) return { displayName, objectId: "", members: [], missing: false };
        objectId = onlyGroupNamed(displayName, named.value, onFinding);
    }
    if (!objectId) return { displayName, objectId: "", members: [], missing: true };
    const id = objectId;
    const members = await reader.optional(`members of '${displayName}'`, () =>
        reader.graphItems(graphPaths.groupUserMembers(id), directoryObjectSchema(), `members of '${displayName}'`),
    );
    return {
        displayName,
        objectId,
        members: (members?.value ?? []) as Array<Record<string, unknown>>,
        missing: false,
    };
}

/** The ID of the group named exactly `displayName`; several such groups are a finding, as Lookout cannot tell them apart. */
function onlyGroupNamed(
    displayName: string,
    named: ReadonlyArray<{ id: string; displayName?: string | null }>,
    onFinding: (finding: Finding) => void,
): string | undefined {
    const exact = named.filter((g) => g.displayName === displayName);
    if (exact.length > 1) {
        onFinding({
            severity: "warning",
            group: displayName,
            message: `${exact.length} Entra groups are named '${displayName}'; Lookout cannot tell them apart. Rename all but one.`,
        });
    }
    return exact[0]?.id;
}

/** Intune's managed devices of the platforms Lookout protects; filtered here too, as Intune may ignore a filter. */
async function readManagedDevices(reader: Reader): Promise<{ value: ManagedDeviceRead[] } | undefined> {
    const devicesPath = graphPaths.managedDevices(
        managedDeviceSelect,
        protectedPlatforms.map((os) => `operatingSystem eq '${os}'`).join(" or "),
    );
    const read = await reader.optional("Intune's managed devices", () =>
        reader.graphItems<ManagedDeviceRead>(devicesPath, managedDeviceSchema(), "Intune devices"),
    );
    if (!read) return undefined;
    return {
        value: read.value.filter((d) =>
            protectedPlatforms.some((os) => os.toLowerCase() === (d.operatingSystem ?? "").toLowerCase()),
        ),
    };
}

/**
 * Lookout's devices from its public API. A refusal (401, 403) is reported, not fatal; the pages read
 * before it still count.
 */
async function readLookoutDevices(reader: Reader): Promise<{ devices: MraDevice[]; refused: boolean; date?: number }> {
    const devices: MraDevice[] = [];
    const read: { date?: number } = {};
    try {
        await pageLookoutDevices(reader, devices, read);
        return { devices, refused: false, date: read.date };
    } catch (err) {
        const status = (err as { status?: number }).status;
        if (status !== 401 && status !== 403) throw err;
        reader.skipped.push(`Lookout's devices: refused (${status}); ${(err as Error).message}`);
        return { devices, refused: true, date: read.date };
    }
}

/**
 * Newest first, each page after the last oid of the one before, until a page is empty or Lookout says
 * none remain (Lookout's Swagger); the cursor must move down.
 */
async function pageLookoutDevices(reader: Reader, into: MraDevice[], read: { date?: number }): Promise<void> {
    for (let before: string | undefined, pages = 0; ; pages++) {
        if (pages >= maxLookoutPages)
            throw new Error(`Lookout listed more than ${maxLookoutPages} pages of devices; stopped`);
        reader.calls.lookout++;
        const answer = (await reader.lookout.request(
            "GET",
            mraDevicesQuery({ limit: mraDevicePageLimit, beforeOid: before }),
            { schema: mraDevicePageSchema() },
        ))!;
        read.date ??= answer.date;
        const page = answer.body;
        into.push(...page.devices);
        if (page.devices.length === 0 || (page.count !== undefined && page.count <= page.devices.length)) return;
        const last = page.devices[page.devices.length - 1].oid;
        if (before !== undefined && !(last < before))
            throw new Error(`Lookout's device list did not move past oid ${before}; stopped to avoid reading forever`);
        before = last;
        reader.progress(`Lookout devices: ${into.length.toLocaleString("en-US")} read`);
    }
}

type Counts = Omit<GroupStatus, "displayName" | "objectId">;

const emptyCounts = (): Counts => ({
    users: 0,
    lookout: { total: 0, byState: zeros(lookoutDeviceStates), bySecurity: zeros(lookoutSecurityStatuses) },
    intune: { total: 0, byThreatState: {} as Record<string, number>, byCompliance: {} as Record<string, number> },
});

/** The enrollment groups (their indexes) of each member, by user ID and by address (UPN and mail), lower-cased. */
function membership(groups: readonly GroupRead[]) {
    const ofUser = new Map<string, Set<number>>();
    const ofAddress = new Map<string, Set<number>>();
    const add = (map: Map<string, Set<number>>, key: unknown, index: number) => {
        if (typeof key !== "string" || !key) return;
        const k = key.toLowerCase();
        if (!map.has(k)) map.set(k, new Set());
        map.get(k)!.add(index);
    };
    groups.forEach((g, i) => {
        for (const m of g.members) {
            add(ofUser, m.id, i);
            add(ofAddress, m.userPrincipalName, i);
            add(ofAddress, m.mail, i);
        }
    });
    return { ofUser, ofAddress };
}

const countLookout = (into: Counts["lookout"], d: MraDevice) => {
    into.total++;
    into.byState[deviceState(d)]++;
    into.bySecurity[securityOf(d)]++;
};
const countIntune = (into: Counts["intune"], d: ManagedDeviceRead) => {
    into.total++;
    bump(into.byThreatState, d.partnerReportedThreatState ?? "unknown");
    bump(into.byCompliance, d.complianceState ?? "unknown");
};

/** Devices counted per group by their user: Intune's by user ID, Lookout's by e-mail. */
function countDevices(input: { groups: readonly GroupRead[]; managed: ManagedDeviceRead[]; lookout: MraDevice[] }) {
    const { ofUser, ofAddress } = membership(input.groups);
    const statuses: GroupStatus[] = input.groups.map((g) => ({
        displayName: g.displayName,
        objectId: g.objectId,
        ...emptyCounts(),
        users: g.members.length,
    }));
    // Totals count each user and device once, however many enrollment groups hold them.
    const totals = { ...emptyCounts(), users: ofUser.size };
    const outside = { lookout: 0, intune: 0 };
    for (const d of input.lookout) {
        const inGroups = ofAddress.get((d.email ?? "").toLowerCase());
        if (!inGroups) outside.lookout++;
        else countLookout(totals.lookout, d);
        for (const i of inGroups ?? []) countLookout(statuses[i].lookout, d);
    }
    for (const d of input.managed) {
        const inGroups = ofUser.get((d.userId ?? "").toLowerCase());
        if (!inGroups) outside.intune++;
        else countIntune(totals.intune, d);
        for (const i of inGroups ?? []) countIntune(statuses[i].intune, d);
    }
    return { statuses, totals, outside };
}

function connectorFindings(input: {
    /** Whether the connector could be read (a refusal is a skipped read, not a finding). */
    read: boolean;
    connector: StatusReport["connector"];
    heartbeatFrequencyMinutes: number;
}): Finding[] {
    const { connector, heartbeatFrequencyMinutes: frequency } = input;
    const findings: Finding[] = [];
    if (input.read && !connector) {
        findings.push({
            severity: "warning",
            message:
                "Intune has no Mobile Threat Defense connector for Lookout: Intune ignores Lookout's threat levels until it exists (intune config, or Tenant administration > Connectors and tokens).",
        });
    } else if (connector && connector.partnerState !== "enabled") {
        findings.push({
            severity: "warning",
            message: `Intune reports Lookout's partner state '${connector.partnerState}': compliance ignores Lookout's threat levels until it is 'enabled'.`,
        });
    }
    if (connector?.heartbeatAgeMinutes != null && connector.heartbeatAgeMinutes > 2 * frequency) {
        findings.push({
            severity: "warning",
            message: `Lookout's last heartbeat to Intune was ${n(connector.heartbeatAgeMinutes, "minute")} ago, more than twice the heartbeat frequency (${frequency} min).`,
        });
    }
    return findings;
}

interface GroupFindingContext {
    /** Whether Lookout's devices were read (when refused, no device found says nothing). */
    lookoutRead: boolean;
    intuneRead: boolean;
    checklist: boolean;
    newDeviceCheckIntervalMinutes: number;
}

function groupFindings(g: GroupRead, s: GroupStatus, context: GroupFindingContext): Finding[] {
    const group = g.displayName;
    if (g.missing)
        return [
            {
                severity: "warning",
                group,
                message: `No Entra group is named '${group}' exactly: nobody is enrolled through it.`,
            },
        ];
    const findings: Finding[] = [];
    if (s.users > 0 && s.lookout.total === 0 && context.lookoutRead)
        findings.push({ severity: "warning", group, message: nameMismatchMessage(s, context) });
    if (s.lookout.byState.pending > 0) {
        findings.push({
            severity: "info",
            group,
            message: `${n(s.lookout.byState.pending, "device")} pending: their users have not opened Lookout for Work yet.`,
        });
    }
    if (s.lookout.byState.disconnected > 0) {
        findings.push({
            severity: "warning",
            group,
            message: `${n(s.lookout.byState.disconnected, "device")} disconnected: Lookout for Work or the Company Portal was removed.`,
        });
    }
    const noncompliant = s.intune.byCompliance.noncompliant ?? 0;
    if (noncompliant > 0)
        findings.push({ severity: "info", group, message: `${n(noncompliant, "device")} non-compliant in Intune.` });
    return findings;
}

/** A group with users of whom Lookout lists no device: most likely Lookout's console names it otherwise. */
function nameMismatchMessage(s: GroupStatus, context: GroupFindingContext): string {
    const intune = context.intuneRead
        ? s.intune.total > 0
            ? ` and ${n(s.intune.total, "Intune device")}`
            : " (none of their devices is in Intune either)"
        : " (Intune's devices were not read)";
    return `'${s.displayName}' has ${n(s.users, "user")}${intune} but Lookout lists none of their devices: likely a name mismatch in Lookout's console (System > Connectors > Intune > Enrollment groups must read '${s.displayName}' exactly, case-sensitive)${context.checklist ? ", or the checklist step is not applied yet" : ""}; Lookout checks for new devices every ${context.newDeviceCheckIntervalMinutes} min.`;
}

function outsideFindings(outside: StatusReport["outsideEnrollmentGroups"]): Finding[] {
    if (outside.lookout === 0) return [];
    return [
        {
            severity: "info",
            message: `${n(outside.lookout, "device")} in Lookout belong to users in no enrollment group (users who left one stop reporting threats).`,
        },
    ];
}
