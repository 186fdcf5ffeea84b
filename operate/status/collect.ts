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

export interface CollectOptions {
    stack: string;
    config: StackConfig;
    graph: GraphClient;
    lookout: LookoutClient;
    /** A line per page on long reads. */
    onProgress?: (message: string) => void;
    now?: () => number;
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
    const { config, graph, lookout } = options;
    const progress = options.onProgress ?? (() => undefined);
    const calls = { graph: 0, lookout: 0 };
    const skipped: string[] = [];

    /** Every item of a Graph collection, a page (one request) at a time, with progress. */
    async function graphItems<T>(first: string, item: ZodType<T>, what: string): Promise<T[]> {
        const items: T[] = [];
        for await (const page of graph.pages(first, item)) {
            calls.graph++;
            items.push(...(page as T[]));
            if (items.length >= 1000) progress(`${what}: ${items.length.toLocaleString("en-US")} read`);
        }
        return items;
    }
    /** A read the identity may be refused: the refusal is reported with the permission it needs, not fatal. */
    async function optional<T>(what: string, read: () => Promise<T>): Promise<{ value: T } | undefined> {
        try {
            return { value: await read() };
        } catch (err) {
            const permission = refusedPermission(err);
            if (!permission) throw err;
            skipped.push(`${what}: refused (403); the Graph identity needs ${permission}`);
            return undefined;
        }
    }

    // Intune's connector for Lookout: null when Intune has none, undefined when the read was refused.
    const connectorRead = await optional("Intune's MTD connector", async () => {
        calls.graph++;
        return (
            (
                await graph.request("GET", graphPaths.mtdConnector(lookoutMtdConnectorId), {
                    schema: mtdConnectorSchema(),
                    allow404: true,
                })
            )?.body ?? null
        );
    });
    const now = options.now?.() ?? Date.now();
    const found = connectorRead?.value;
    const connector = found
        ? (() => {
              const last = found.lastHeartbeatDateTime ?? null;
              const lastMs = last ? Date.parse(last) : NaN;
              // Graph answers 0001-01-01 for a heartbeat that never happened.
              const valid = Number.isFinite(lastMs) && lastMs > Date.parse("2000-01-01T00:00:00Z");
              return {
                  partnerState: found.partnerState ?? "unknown",
                  lastHeartbeatDateTime: valid ? last : null,
                  heartbeatAgeMinutes: valid ? Math.max(0, Math.round((now - lastMs) / 60_000)) : null,
              };
          })()
        : null;

    // The enrollment groups and their user members. Lookout matches a group by its exact display name.
    const findings: Finding[] = [];
    const groups = await Promise.all(
        config.enrollmentGroups.map(async (spec) => {
            let objectId = spec.objectId;
            const displayName = spec.displayName;
            if (!objectId) {
                const named = await optional(`the group named '${displayName}'`, () =>
                    graphItems(
                        graphPaths.groupsByNamePrefix(displayName),
                        directoryGroupSchema(),
                        `groups named '${displayName}'`,
                    ),
                );
                const exact = (named?.value ?? []).filter((g) => g.displayName === displayName);
                if (exact.length > 1) {
                    findings.push({
                        severity: "warning",
                        group: displayName,
                        message: `${exact.length} Entra groups are named '${displayName}'; Lookout cannot tell them apart. Rename all but one.`,
                    });
                }
                objectId = exact[0]?.id;
                if (!named)
                    return {
                        displayName,
                        objectId: "",
                        members: [] as Array<Record<string, unknown>>,
                        missing: false,
                        unread: true,
                    };
            }
            if (!objectId)
                return {
                    displayName,
                    objectId: "",
                    members: [] as Array<Record<string, unknown>>,
                    missing: true,
                    unread: false,
                };
            const id = objectId;
            const members = await optional(`members of '${displayName}'`, () =>
                graphItems(graphPaths.groupUserMembers(id), directoryObjectSchema(), `members of '${displayName}'`),
            );
            return {
                displayName,
                objectId,
                members: (members?.value ?? []) as Array<Record<string, unknown>>,
                missing: false,
                unread: !members,
            };
        }),
    );
    const groupsOfUser = new Map<string, Set<number>>();
    const groupsOfAddress = new Map<string, Set<number>>();
    const add = (map: Map<string, Set<number>>, key: unknown, index: number) => {
        if (typeof key !== "string" || !key) return;
        const k = key.toLowerCase();
        if (!map.has(k)) map.set(k, new Set());
        map.get(k)!.add(index);
    };
    groups.forEach((g, i) => {
        for (const m of g.members) {
            add(groupsOfUser, m.id, i);
            add(groupsOfAddress, m.userPrincipalName, i);
            add(groupsOfAddress, m.mail, i);
        }
    });

    // Intune's managed devices of the platforms Lookout protects; filtered here too, as Intune may ignore a filter.
    const devicesPath = graphPaths.managedDevices(
        managedDeviceSelect,
        protectedPlatforms.map((os) => `operatingSystem eq '${os}'`).join(" or "),
    );
    const managedRead = await optional("Intune's managed devices", () =>
        graphItems<ManagedDeviceRead>(devicesPath, managedDeviceSchema(), "Intune devices"),
    );
    const managed = (managedRead?.value ?? []).filter((d) =>
        protectedPlatforms.some((os) => os.toLowerCase() === (d.operatingSystem ?? "").toLowerCase()),
    );

    // Lookout's devices from its public API, newest first, each page after the last oid of the one before,
    // until a page is empty or Lookout says none remain (Lookout's Swagger); the cursor must move down.
    const lookoutDevices: MraDevice[] = [];
    let lookoutRefused: string | undefined;
    try {
        for (let before: string | undefined, pages = 0; ; pages++) {
            if (pages >= maxLookoutPages)
                throw new Error(`Lookout listed more than ${maxLookoutPages} pages of devices; stopped`);
            calls.lookout++;
            const page = (await lookout.request(
                "GET",
                mraDevicesQuery({ limit: mraDevicePageLimit, beforeOid: before }),
                { schema: mraDevicePageSchema() },
            ))!.body;
            lookoutDevices.push(...page.devices);
            if (page.devices.length === 0 || (page.count !== undefined && page.count <= page.devices.length)) break;
            const last = page.devices[page.devices.length - 1].oid;
            if (before !== undefined && !(last < before))
                throw new Error(
                    `Lookout's device list did not move past oid ${before}; stopped to avoid reading forever`,
                );
            before = last;
            progress(`Lookout devices: ${lookoutDevices.length.toLocaleString("en-US")} read`);
        }
    } catch (err) {
        const status = (err as { status?: number }).status;
        if (status !== 401 && status !== 403) throw err;
        lookoutRefused = `Lookout's devices: refused (${status}); ${(err as Error).message}`;
        skipped.push(lookoutRefused);
    }

    const emptyCounts = () => ({
        users: 0,
        lookout: { total: 0, byState: zeros(lookoutDeviceStates), bySecurity: zeros(lookoutSecurityStatuses) },
        intune: { total: 0, byThreatState: {} as Record<string, number>, byCompliance: {} as Record<string, number> },
    });
    const statuses: GroupStatus[] = groups.map((g) => ({
        displayName: g.displayName,
        objectId: g.objectId,
        ...emptyCounts(),
        users: g.members.length,
    }));
    // Totals count each user and device once, however many enrollment groups hold them.
    const totals = { ...emptyCounts(), users: groupsOfUser.size };
    const outside = { lookout: 0, intune: 0 };
    const countLookout = (into: GroupStatus["lookout"], d: MraDevice) => {
        into.total++;
        into.byState[deviceState(d)]++;
        into.bySecurity[securityOf(d)]++;
    };
    const countIntune = (into: GroupStatus["intune"], d: ManagedDeviceRead) => {
        into.total++;
        bump(into.byThreatState, d.partnerReportedThreatState ?? "unknown");
        bump(into.byCompliance, d.complianceState ?? "unknown");
    };
    for (const d of lookoutDevices) {
        const inGroups = groupsOfAddress.get((d.email ?? "").toLowerCase());
        if (!inGroups) outside.lookout++;
        else countLookout(totals.lookout, d);
        for (const i of inGroups ?? []) countLookout(statuses[i].lookout, d);
    }
    for (const d of managed) {
        const inGroups = groupsOfUser.get((d.userId ?? "").toLowerCase());
        if (!inGroups) outside.intune++;
        else countIntune(totals.intune, d);
        for (const i of inGroups ?? []) countIntune(statuses[i].intune, d);
    }

    const checklist = config.settingsMode === "checklist";
    if (connectorRead && !connector) {
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
    const frequency = config.connector.heartbeatFrequencyMinutes;
    if (connector?.heartbeatAgeMinutes != null && connector.heartbeatAgeMinutes > 2 * frequency) {
        findings.push({
            severity: "warning",
            message: `Lookout's last heartbeat to Intune was ${n(connector.heartbeatAgeMinutes, "minute")} ago, more than twice the heartbeat frequency (${frequency} min).`,
        });
    }
    groups.forEach((g, i) => {
        const s = statuses[i];
        if (g.missing) {
            findings.push({
                severity: "warning",
                group: g.displayName,
                message: `No Entra group is named '${g.displayName}' exactly: nobody is enrolled through it.`,
            });
            return;
        }
        if (s.users > 0 && s.lookout.total === 0 && !lookoutRefused) {
            const intune = managedRead
                ? s.intune.total > 0
                    ? ` and ${n(s.intune.total, "Intune device")}`
                    : " (none of their devices is in Intune either)"
                : " (Intune's devices were not read)";
            findings.push({
                severity: "warning",
                group: g.displayName,
                message: `'${g.displayName}' has ${n(s.users, "user")}${intune} but Lookout lists none of their devices: likely a name mismatch in Lookout's console (System > Connectors > Intune > Enrollment groups must read '${g.displayName}' exactly, case-sensitive)${checklist ? ", or the checklist step is not applied yet" : ""}; Lookout checks for new devices every ${config.connector.newDeviceCheckIntervalMinutes} min.`,
            });
        }
        if (s.lookout.byState.pending > 0) {
            findings.push({
                severity: "info",
                group: g.displayName,
                message: `${n(s.lookout.byState.pending, "device")} pending: their users have not opened Lookout for Work yet.`,
            });
        }
        if (s.lookout.byState.disconnected > 0) {
            findings.push({
                severity: "warning",
                group: g.displayName,
                message: `${n(s.lookout.byState.disconnected, "device")} disconnected: Lookout for Work or the Company Portal was removed.`,
            });
        }
        const noncompliant = s.intune.byCompliance.noncompliant ?? 0;
        if (noncompliant > 0)
            findings.push({
                severity: "info",
                group: g.displayName,
                message: `${n(noncompliant, "device")} non-compliant in Intune.`,
            });
    });
    if (outside.lookout > 0) {
        findings.push({
            severity: "info",
            message: `${n(outside.lookout, "device")} in Lookout belong to users in no enrollment group (users who left one stop reporting threats).`,
        });
    }

    return {
        stack: options.stack,
        generatedAt: new Date(now).toISOString(),
        entraTenantId: config.entra.mode === "reference" ? config.entra.tenantId! : await graph.tenantId(),
        settingsMode: config.settingsMode ?? "api",
        connector,
        groups: statuses,
        totals,
        outsideEnrollmentGroups: outside,
        findings,
        skipped,
        calls,
    };
}
