/**
 * What a change does to the people and devices it touches, read before anything is written so the
 * preview can say it on the resource concerned:
 *
 * - **Enrollment** (Lookout's Intune connector): the enrollment groups the config names against
 *   those Lookout holds now (`api` mode: read from the connector; `checklist` mode: the groups the
 *   stack's compliance policies are assigned to, the closest readable trace). A group added or
 *   removed is counted (`/members/microsoft.graph.user/$count`: Lookout enrolls direct user members).
 * - **Compliance** (each threat-level compliance policy): the level Intune holds now against the
 *   configured one. When devices reporting a threat state would turn non-compliant, they are
 *   counted from Intune's managed devices of that platform (`$filter` on `operatingSystem`, which
 *   v1.0's metadata marks filterable; `partnerReportedThreatState` is not, so it is counted here).
 *   A device with a partner-reported threat level is one Lookout enrolled, so the count is of
 *   enrolled devices without reading every group's members.
 *
 * Reference mode reads no directory object, so it names changed groups without their sizes.
 *
 * Bounded: one count per removed group (an added one was counted by the group check), one policy list, and at most `maxDevicePages` pages of
 * devices per platform ("at least" beyond). A read the identity may not make is skipped with a note.
 */
import type { StackConfig } from "../../config/stackConfig";
import { advancedQueryHeaders, graphPaths } from "../../contract/graph/routes";
import {
    anyCompliancePolicySchema,
    assignmentSchema,
    compliancePolicyTypes,
    type CompliancePlatform,
    directoryGroupSchema,
} from "../../contract/graph/schemas";
import {
    managedDeviceSchema,
    managedDeviceSelect,
    newlyNoncompliantStates,
    operatingSystemsOf,
} from "../../contract/graph/managedDevices";
import { enrollmentGroupKey } from "../entra/directory";
import type { GroupCandidate } from "../entra/groupValidation";
import { type GraphClient, refusedPermission } from "../../providers/graph/client";
import { compliancePolicyDisplayName } from "../intune/threatDefense";
import type { LookoutEndpoint } from "../../providers/lookout/endpointCheck";

export interface Impact {
    /** Warnings for Lookout's Intune connector: who is enrolled. */
    enrollment: string[];
    /** Warnings per compliance policy, by platform. */
    compliance: Partial<Record<CompliancePlatform, string[]>>;
    /** Why a part of the impact was not read. */
    notes: string[];
}

/** Pages of 1,000 managed devices read per platform, at most. */
export const maxDevicePages = 20;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** A read the identity may not make becomes a note; anything else is a note too (impact never fails a run). */
async function orNote<T>(notes: string[], what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
        return await read();
    } catch (err) {
        const permission = refusedPermission(err);
        notes.push(
            permission
                ? `${what}: skipped, the Graph identity may not read it (it needs ${permission}).`
                : `${what}: not read (${(err as Error).message}).`,
        );
        return undefined;
    }
}

async function userCount(graph: GraphClient, groupId: string): Promise<number> {
    const { body } = (await graph.request<string | number>(
        "GET",
        graphPaths.groupMembersOfTypeCount(groupId, "microsoft.graph.user"),
        { headers: advancedQueryHeaders },
    ))!;
    return Number(body);
}

/** The object ID of the group Lookout names by `displayName` (exact, as Lookout matches), if Entra has one. */
async function groupIdByName(graph: GraphClient, displayName: string): Promise<string | undefined> {
    const groups = await graph.listAll(graphPaths.groupsByNamePrefix(displayName), directoryGroupSchema());
    return groups.find((g) => g.displayName === displayName)?.id;
}

/** The stack's compliance policies as Intune holds them now: the level each requires, or "unavailable". */
export type Policies = Array<{ platform: CompliancePlatform; displayName: string; id: string; level: string }>;

/** The impact's reads that need nothing from the checks, so they run at the same time as the checks. */
export interface ImpactReads {
    policies: Promise<Policies>;
}

/** Starts the impact's reads that need nothing from the checks; `assessImpact` awaits them (a failed check drops them). */
export function startImpactReads(config: StackConfig, graph: GraphClient): ImpactReads {
    const policies = config.intune?.compliancePolicies.length
        ? Promise.resolve().then(() => stackPolicies(config, graph))
        : Promise.resolve([]);
    // Awaited by assessImpact, which turns a failure into a note; until then, not an unhandled rejection.
    policies.catch(() => undefined);
    return { policies };
}

async function stackPolicies(config: StackConfig, graph: GraphClient): Promise<Policies> {
    const all = await graph.listAll(graphPaths.compliancePolicies, anyCompliancePolicySchema());
    return (config.intune?.compliancePolicies ?? []).flatMap((p) => {
        const found = all.find(
            (q) =>
                q["@odata.type"] === compliancePolicyTypes[p.platform] &&
                q.displayName === compliancePolicyDisplayName(p),
        );
        if (!found) return [];
        const level = found.deviceThreatProtectionEnabled
            ? String(found.deviceThreatProtectionRequiredSecurityLevel ?? "unavailable")
            : "unavailable";
        return [{ platform: p.platform, displayName: found.displayName as string, id: found.id, level }];
    });
}

/** The groups Lookout enrolls now, by display name, or undefined when nothing readable says. */
async function currentEnrollment(
    config: StackConfig,
    lookout: LookoutEndpoint | undefined,
    policies: Policies | undefined,
    graph: GraphClient,
): Promise<string[] | undefined> {
    if ((config.settingsMode ?? "api") === "api") return lookout?.connector?.enrollmentGroups ?? [];
    if (!policies || policies.length === 0) return undefined;
    const ids = new Set<string>();
    for (const policy of policies) {
        // Every page: a policy assigned to more groups than one page holds lists them on the next.
        const assignments = await graph.listAll(graphPaths.compliancePolicyAssignments(policy.id), assignmentSchema());
        for (const a of assignments)
            if (a.target["@odata.type"] === "#microsoft.graph.groupAssignmentTarget" && a.target.groupId)
                ids.add(a.target.groupId);
    }
    const names = await Promise.all(
        [...ids].map(
            async (id) =>
                (await graph.request<{ displayName?: string }>("GET", graphPaths.group(id), { allow404: true }))?.body
                    .displayName,
        ),
    );
    return names.filter((n): n is string => !!n);
}

async function enrollmentImpact(
    config: StackConfig,
    { groups, enrolledGroups }: { groups: Record<string, GroupCandidate>; enrolledGroups?: string[] },
    current: string[],
    graph: GraphClient,
    notes: string[],
): Promise<string[]> {
    const enrolled = config.enrollmentGroups
        .map((spec, i) => ({ spec, i }))
        .filter(({ spec }) => !enrolledGroups || enrolledGroups.includes(spec.displayName));
    const wanted = enrolled.map(({ spec, i }) => {
        const found = groups[enrollmentGroupKey(i, spec)];
        return {
            displayName: found?.displayName ?? spec.displayName,
            objectId: found?.objectId ?? spec.objectId,
            userCount: found?.userCount,
        };
    });
    const added = wanted.filter((g) => !current.includes(g.displayName));
    const removed = current.filter((name) => !wanted.some((g) => g.displayName === name));
    const lines = await Promise.all([
        ...added.map(async (g) => {
            if (config.entra.mode === "reference")
                return `group '${g.displayName}' added: its users will be enrolled (reference mode reads no group sizes)`;
            // Counted by the group check already, unless the stack creates the group.
            const count =
                g.userCount ??
                (g.objectId
                    ? await orNote(notes, `users of '${g.displayName}'`, () => userCount(graph, g.objectId!))
                    : undefined);
            return count === undefined
                ? `users of group '${g.displayName}' enrolled: group added`
                : `+${plural(count, "user")} enrolled: group '${g.displayName}' added`;
        }),
        ...removed.map(async (name) => {
            if (config.entra.mode === "reference")
                return `group '${name}' removed: its users will no longer be enrolled (reference mode reads no group sizes)`;
            const count = await orNote(notes, `users of '${name}'`, async () => {
                const id = await groupIdByName(graph, name);
                return id ? userCount(graph, id) : 0;
            });
            const who = count === undefined ? "its users" : plural(count, "user");
            return `-${who} no longer enrolled: group '${name}' removed (their devices stop reporting threats to Intune)`;
        }),
    ]);
    return lines;
}

/** Threat states of one platform's managed devices, counted from at most `maxDevicePages` pages. */
async function threatStates(
    graph: GraphClient,
    operatingSystems: readonly string[],
): Promise<{ counts: Map<string, number>; complete: boolean }> {
    const counts = new Map<string, number>();
    const filter = operatingSystems.map((os) => `operatingSystem eq '${os}'`).join(" or ");
    const wanted = new Set(operatingSystems.map((os) => os.toLowerCase()));
    let pages = 0;
    for await (const page of graph.pages(
        graphPaths.managedDevices(managedDeviceSelect, filter),
        managedDeviceSchema(),
    )) {
        for (const d of page) {
            // Filtered here too: a service that ignores the filter must not be trusted to have applied it.
            if (!wanted.has((d.operatingSystem ?? "").toLowerCase())) continue;
            const state = d.partnerReportedThreatState ?? "unknown";
            counts.set(state, (counts.get(state) ?? 0) + 1);
        }
        if (++pages >= maxDevicePages) return { counts, complete: false };
    }
    return { counts, complete: true };
}

async function complianceImpact(
    config: StackConfig,
    policies: Policies,
    graph: GraphClient,
    notes: string[],
): Promise<Impact["compliance"]> {
    const result: Impact["compliance"] = {};
    const byOs = new Map<string, Promise<Awaited<ReturnType<typeof threatStates>> | undefined>>();
    for (const p of config.intune?.compliancePolicies ?? []) {
        const from = policies.find((q) => q.platform === p.platform)?.level ?? "unavailable";
        const failing = newlyNoncompliantStates(from, p.requiredSecurityLevel);
        if (failing.length === 0) continue;
        const systems = operatingSystemsOf[p.platform];
        const os = systems.join("/");
        if (!byOs.has(os))
            byOs.set(
                os,
                orNote(notes, `${os} devices' threat states`, () => threatStates(graph, systems)),
            );
        const read = await byOs.get(os)!;
        if (!read) continue;
        const parts = failing.map((state) => [state, read.counts.get(state) ?? 0] as const).filter(([, n]) => n > 0);
        if (parts.length === 0) continue;
        const total = parts.reduce((sum, [, n]) => sum + n, 0);
        const states = parts
            .map(([state, n]) => (parts.length === 1 ? state : `${n.toLocaleString("en-US")} ${state}`))
            .join(", ");
        const atLeast = read.complete ? "" : "at least ";
        result[p.platform] = [
            `${atLeast}${plural(total, `${os} device`)} report ${states} today and would become non-compliant at '${p.requiredSecurityLevel}'${from === "unavailable" ? " (a new threat rule)" : ` (now '${from}')`}`,
        ];
    }
    return result;
}

export async function assessImpact(
    config: StackConfig,
    checked: {
        groups: Record<string, GroupCandidate>;
        lookout?: LookoutEndpoint;
        /** With rollout rings: the enrollment groups of the rings enrolled now (the others are held). */
        enrolledGroups?: string[];
    },
    graph: GraphClient,
    reads: ImpactReads = startImpactReads(config, graph),
): Promise<Impact> {
    const notes: string[] = [];
    const policies = config.intune?.compliancePolicies.length
        ? await orNote(notes, "the compliance policies' current levels", () => reads.policies)
        : [];
    const current = await orNote(notes, "the groups Lookout enrolls now", () =>
        currentEnrollment(config, checked.lookout, policies, graph),
    );
    if (current === undefined && !notes.length) {
        notes.push(
            "Enrollment changes: not shown in checklist mode without compliance policies (Lookout's public API cannot read its connector).",
        );
    }
    const [enrollment, compliance] = await Promise.all([
        current ? enrollmentImpact(config, checked, current, graph, notes) : [],
        policies ? complianceImpact(config, policies, graph, notes) : {},
    ]);
    return { enrollment, compliance, notes };
}
