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
import type { StackConfig } from "../config/stackConfig";
import { graphPaths, requiredPermission } from "../contract/graph/routes";
import { directoryGroupSchema, directoryObjectSchema, lookoutMtdConnectorId, mtdConnectorSchema, pageSchema } from "../contract/graph/schemas";
import { managedDeviceSchema, managedDeviceSelect, type ManagedDeviceRead } from "../contract/graph/managedDevices";
import { type MraDevice, mraDevicePageLimit, mraDevicePageSchema, mraDevicesQuery } from "../contract/lookout/mra";
import type { GraphClient } from "../graph/client";
import type { LookoutClient } from "../lookout/client";
import { type Finding, type GroupStatus, type LookoutDeviceState, lookoutDeviceStates, type LookoutSecurityStatus, lookoutSecurityStatuses, type StatusReport } from "./report";

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
    if (activation === "ACTIVATED") return (d.protection_status ?? "").toUpperCase() === "DISCONNECTED" ? "disconnected" : "activated";
    return "pending";
}

export function securityOf(d: Pick<MraDevice, "security_status">): LookoutSecurityStatus {
    const status = (d.security_status ?? "").toUpperCase().replace(/^THREAT_/, "THREATS_");
    return ({ SECURE: "secure", THREATS_LOW: "threatLow", THREATS_MEDIUM: "threatMedium", THREATS_HIGH: "threatHigh" } as const)[status] ?? "unknown";
}

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);
const n = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;

export async function collectStatus(options: CollectOptions): Promise<StatusReport> {
    const { config, graph, lookout } = options;
    const progress = options.onProgress ?? (() => undefined);
    const calls = { graph: 0, lookout: 0 };
    const skipped: string[] = [];

    const graphGet = async <T>(path: string, schema?: import("zod").ZodType<T>, allow404 = false) => {
        calls.graph++;
        return graph.request<T>("GET", path, { schema, allow404 });
    };
    /** Every page of a Graph collection, following `@odata.nextLink`. */
    async function graphPages<T>(first: string, item: import("zod").ZodType<T>, what: string): Promise<T[]> {
        const items: T[] = [];
        for (let next: string | undefined = first; next;) {
            const page = (await graphGet(next, pageSchema(item)))!.body as { value: T[]; "@odata.nextLink"?: string };
            items.push(...page.value);
            const link = page["@odata.nextLink"];
            next = link ? link.slice(link.indexOf(new URL(graph.baseUrl).pathname) + new URL(graph.baseUrl).pathname.length) : undefined;
            if (next) progress(`${what}: ${items.length.toLocaleString("en-US")} read`);
        }
        return items;
    }
    /** A read that may be refused: its refusal is reported, not fatal. */
    async function optional<T>(what: string, path: string, read: () => Promise<T>): Promise<T | undefined> {
        try {
            return await read();
        } catch (err) {
            if ((err as { status?: number }).status !== 403) throw err;
            skipped.push(`${what}: refused (403); the identity needs ${requiredPermission("GET", path)}`);
            return undefined;
        }
    }

    // Intune's connector for Lookout.
    const connectorPath = graphPaths.mtdConnector(lookoutMtdConnectorId);
    const connectorRead = await optional("Intune's MTD connector", connectorPath, () => graphGet(connectorPath, mtdConnectorSchema(), true));
    const now = options.now?.() ?? Date.now();
    const connector = connectorRead
        ? (() => {
              const last = connectorRead.body.lastHeartbeatDateTime ?? null;
              const lastMs = last ? Date.parse(last) : NaN;
              const valid = Number.isFinite(lastMs) && lastMs > Date.parse("2000-01-01T00:00:00Z");
              return {
                  partnerState: connectorRead.body.partnerState ?? "unknown",
                  lastHeartbeatDateTime: valid ? last : null,
                  heartbeatAgeMinutes: valid ? Math.max(0, Math.round((now - lastMs) / 60_000)) : null,
              };
          })()
        : null;

    // The enrollment groups and their user members.
    const memberSchema = directoryObjectSchema();
    const groups = await Promise.all(
        config.enrollmentGroups.map(async (spec) => {
            let objectId = spec.objectId;
            let displayName = spec.displayName;
            if (!objectId) {
                const found = (await graphPages(graphPaths.groupsByNamePrefix(spec.displayName), directoryGroupSchema(), `groups named '${spec.displayName}'`)).find(
                    (g) => g.displayName?.toLowerCase() === spec.displayName.toLowerCase(),
                );
                objectId = found?.id;
                displayName = found?.displayName ?? spec.displayName;
            }
            if (!objectId) return { displayName, objectId: "", members: [] as Array<Record<string, unknown>>, missing: true };
            const path = graphPaths.groupUserMembers(objectId);
            const members = (await optional(`members of '${displayName}'`, path, () => graphPages(path, memberSchema, `members of '${displayName}'`))) ?? [];
            return { displayName, objectId, members: members as Array<Record<string, unknown>>, missing: false };
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

    // Intune's managed devices of the platforms Lookout protects.
    const devicesPath = graphPaths.managedDevices(managedDeviceSelect, "operatingSystem eq 'iOS' or operatingSystem eq 'Android'");
    const managed = (await optional("Intune's managed devices", devicesPath, () => graphPages<ManagedDeviceRead>(devicesPath, managedDeviceSchema(), "Intune devices"))) ?? [];

    // Lookout's devices, from its public API.
    const lookoutDevices: MraDevice[] = [];
    for (let before: string | undefined; ;) {
        calls.lookout++;
        const page = (await lookout.request("GET", mraDevicesQuery({ limit: mraDevicePageLimit, beforeOid: before }), { schema: mraDevicePageSchema() }))!.body;
        lookoutDevices.push(...page.devices);
        if (page.devices.length < mraDevicePageLimit) break;
        before = page.devices[page.devices.length - 1].oid;
        progress(`Lookout devices: ${lookoutDevices.length.toLocaleString("en-US")} read`);
    }

    const statuses: GroupStatus[] = groups.map((g) => ({
        displayName: g.displayName,
        objectId: g.objectId,
        users: g.members.length,
        lookout: { total: 0, byState: zeros(lookoutDeviceStates), bySecurity: zeros(lookoutSecurityStatuses) },
        intune: { total: 0, byThreatState: {}, byCompliance: {} },
    }));
    const outside = { lookout: 0, intune: 0 };
    for (const d of lookoutDevices) {
        const inGroups = groupsOfAddress.get((d.email ?? "").toLowerCase());
        if (!inGroups) outside.lookout++;
        for (const i of inGroups ?? []) {
            const s = statuses[i].lookout;
            s.total++;
            s.byState[deviceState(d)]++;
            s.bySecurity[securityOf(d)]++;
        }
    }
    for (const d of managed) {
        const inGroups = groupsOfUser.get((d.userId ?? "").toLowerCase());
        if (!inGroups) outside.intune++;
        for (const i of inGroups ?? []) {
            const s = statuses[i].intune;
            s.total++;
            bump(s.byThreatState, d.partnerReportedThreatState ?? "unknown");
            bump(s.byCompliance, d.complianceState ?? "unknown");
        }
    }

    const findings: Finding[] = [];
    const checklist = config.settingsMode === "checklist";
    if (connectorRead !== undefined && !connector) {
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
            findings.push({ severity: "warning", group: g.displayName, message: `No Entra group is named '${g.displayName}': nobody is enrolled through it.` });
            return;
        }
        if (s.users > 0 && s.lookout.total === 0 && s.intune.total > 0) {
            findings.push({
                severity: "warning",
                group: g.displayName,
                message: `'${g.displayName}' has ${n(s.users, "user")} and ${n(s.intune.total, "Intune device")} but Lookout lists none of their devices: likely a name mismatch in Lookout's console (System > Connectors > Intune > Enrollment groups must read '${g.displayName}' exactly, case-sensitive)${checklist ? ", or the checklist step was not applied yet" : ""}; Lookout checks for new devices every ${config.connector.newDeviceCheckIntervalMinutes} min.`,
            });
        }
        if (s.lookout.byState.pending > 0) {
            findings.push({
                severity: "info",
                group: g.displayName,
                message: `${n(s.lookout.byState.pending, "device")} pending in '${g.displayName}': their users have not opened Lookout for Work yet.`,
            });
        }
        if (s.lookout.byState.disconnected > 0) {
            findings.push({
                severity: "warning",
                group: g.displayName,
                message: `${n(s.lookout.byState.disconnected, "device")} disconnected in '${g.displayName}': Lookout for Work or the Company Portal was removed.`,
            });
        }
        const noncompliant = s.intune.byCompliance.noncompliant ?? 0;
        if (noncompliant > 0) findings.push({ severity: "info", group: g.displayName, message: `${n(noncompliant, "device")} non-compliant in '${g.displayName}'.` });
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
        outsideEnrollmentGroups: outside,
        findings,
        skipped,
        calls,
    };
}
