/**
 * Existing Entra groups found and checked through Microsoft Graph, in every Entra mode that calls
 * Entra (`graph`, and `manage` for the groups it does not create), with the same client the Intune
 * resources use: exact display name, unique, security group, users only.
 *
 * The cost does not grow with the size of a group: the users-only check compares two counts Graph
 * computes itself (`/members/$count` and the OData cast `/members/microsoft.graph.user/$count`,
 * both advanced queries with `ConsistencyLevel: eventual`), so a group of 100,000 users costs the
 * same three requests as a group of two. Every group is checked before anything is declared, and
 * all problems are reported together, one line each.
 */
import * as pulumi from "@pulumi/pulumi";
import type { GroupConfig, StackConfig } from "../../config/stackConfig";
import { advancedQueryHeaders, graphPaths } from "../../contract/graph/routes";
import {
    countSchema,
    type DirectoryGroup,
    directoryGroupSchema,
    directoryObjectSchema,
    pageSchema,
} from "../../contract/graph/schemas";
import type { GraphClient } from "../../providers/graph/client";
import { programGraphClient } from "../../providers/graph/programClient";
import { assertDisplayName, assertSecurityGroup, type GroupCandidate, resolveExistingGroup } from "./groupValidation";

/** How many members of a group are users and how many not, and the first few nested groups by name (only asked when there are any). */
async function memberCounts(
    graph: GraphClient,
    groupId: string,
): Promise<{ users: number; others: number; examples: string[] }> {
    const count = (path: string) =>
        graph.request("GET", path, { schema: countSchema(), headers: advancedQueryHeaders }).then((r) => r!.body);
    const [all, users] = await Promise.all([
        count(graphPaths.groupMembersCount(groupId)),
        count(graphPaths.groupMembersOfTypeCount(groupId, "microsoft.graph.user")),
    ]);
    if (all === users) return { users, others: 0, examples: [] };
    const nested = await graph.request("GET", graphPaths.groupMembersOfType(groupId, "microsoft.graph.group", 5), {
        schema: pageSchema(directoryObjectSchema()),
    });
    return {
        users,
        others: all - users,
        examples: nested!.body.value.map((g) => `'${g.displayName ?? g.id}' (${g.id})`),
    };
}

/** Finds and checks one existing group; throws an error naming `where` on the first problem. */
export async function resolveGroupViaGraph(
    graph: GraphClient,
    spec: GroupConfig,
    where: string,
): Promise<GroupCandidate> {
    let group: DirectoryGroup;
    if (spec.objectId) {
        const found = await graph.request("GET", graphPaths.group(spec.objectId), {
            schema: directoryGroupSchema(),
            allow404: true,
        });
        if (!found) throw new Error(`${where}: no Entra group has the object ID ${spec.objectId}.`);
        group = found.body as DirectoryGroup;
        assertDisplayName(spec.displayName, { objectId: group.id, displayName: group.displayName }, where);
    } else {
        const candidates = (await graph.listAll(
            graphPaths.groupsByNamePrefix(spec.displayName),
            directoryGroupSchema(),
        )) as DirectoryGroup[];
        const chosen = resolveExistingGroup(
            spec.displayName,
            candidates.map((c) => ({ objectId: c.id, displayName: c.displayName })),
            where,
        );
        group = candidates.find((c) => c.id === chosen.objectId)!;
    }
    const candidate = { objectId: group.id, displayName: group.displayName };
    assertSecurityGroup(
        { ...candidate, securityEnabled: group.securityEnabled === true, mailEnabled: group.mailEnabled === true },
        where,
    );
    const members = await memberCounts(graph, group.id);
    if (members.others > 0) {
        const named = members.examples.length > 0 ? `, among them the group(s) ${members.examples.join(", ")}` : "";
        throw new Error(
            `${where}: group '${group.displayName}' has ${members.others} member(s) that are not users${named}. Lookout does not support nested groups; add the users directly.`,
        );
    }
    // The user count is kept: the impact warnings say it without asking Graph again.
    return { ...candidate, userCount: members.users };
}

/** The config key of a group, as every message names it. */
export type GroupKey = string;

/** The existing groups of a config (those the stack does not create), each with the config key that names it. */
export function existingGroupSpecs(config: StackConfig): Array<{ key: GroupKey; spec: GroupConfig }> {
    const all = [
        { key: "lookout-mtp:consoleAccess.full", spec: config.consoleAccess.full },
        ...(config.consoleAccess.restricted
            ? [{ key: "lookout-mtp:consoleAccess.restricted", spec: config.consoleAccess.restricted }]
            : []),
        ...config.enrollmentGroups.map((spec, i) => ({ key: enrollmentGroupKey(i, spec), spec })),
        ...(config.conditionalAccess?.exclusionGroups ?? []).map((spec, i) => ({
            key: `lookout-mtp:conditionalAccess.exclusionGroups[${i}] ('${spec.displayName}')`,
            spec,
        })),
    ];
    return all.filter((g) => !g.spec.create);
}

export function enrollmentGroupKey(index: number, spec: GroupConfig): GroupKey {
    return `lookout-mtp:enrollmentGroups[${index}] ('${spec.displayName}')`;
}

/**
 * Checks every existing group of `config` through Graph at once. Resolves to each group by its
 * config key; rejects with one `RunError` listing every problem, one line each, so nothing is
 * declared (and nothing written) while any group is wrong.
 */
export async function checkExistingGroups(
    config: StackConfig,
    graph: GraphClient = programGraphClient(),
): Promise<Record<GroupKey, GroupCandidate>> {
    if (config.entra.mode === "reference") return {};
    const specs = existingGroupSpecs(config);
    const results = await Promise.allSettled(specs.map(({ key, spec }) => resolveGroupViaGraph(graph, spec, key)));
    const problems = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
    if (problems.length > 0) {
        throw new pulumi.RunError(
            `The Entra groups have ${problems.length} problem(s); nothing was changed:\n  - ${problems.join("\n  - ")}`,
        );
    }
    return Object.fromEntries(
        specs.map(({ key }, i) => [key, (results[i] as PromiseFulfilledResult<GroupCandidate>).value]),
    );
}
