/**
 * A compliance policy's group assignments, owned precisely. The stack adds an assignment for each
 * managed group that lacks one and removes only assignments it added itself (its record,
 * `addedGroupIds`), one at a time (`POST .../assignments`, `DELETE .../assignments/{id}`), never
 * through `assign`: `assign` replaces every assignment, and Graph v1.0 does not even show what
 * beta adds to a target (an assignment filter), so a client that sent back what it read would erase
 * the filters. Other admins' include groups, exclusion groups, all-users targets and every
 * target's filter, the stack's own targets' included, are never written.
 *
 * A module of its own so the policy provider's serialized form, when installed from the package,
 * loads these functions by `require` instead of carrying them.
 */
import { graphPaths } from "../../contract/graph/routes";
import { type Assignment, assignmentSchema, assignmentTargetTypes } from "../../contract/graph/schemas";
import type { GraphClient } from "../graph/client";
import { tolerateLate } from "../graph/lateObjects";
import { outcomeUnknown, pause } from "../http/retry";

/** The group an assignment includes, or undefined for any other target (exclusions, all users, ...). */
const includedGroup = (a: Assignment): string | undefined =>
    a.target["@odata.type"] === assignmentTargetTypes.group ? (a.target.groupId ?? undefined) : undefined;

/** The groups a policy includes. */
export function groupIdsOf(assignments: Assignment[]): string[] {
    return assignments.flatMap((a) => includedGroup(a) ?? []).sort();
}

export async function assignmentsOf(graph: GraphClient, id: string): Promise<Assignment[]> {
    return graph.listAll(graphPaths.compliancePolicyAssignments(id), assignmentSchema());
}

/**
 * Adds one assignment. A create whose outcome is unknown is checked against the list before it is
 * repeated; a policy or group this run has just created may not be visible yet (`tolerateLate`).
 */
async function addGroup(graph: GraphClient, id: string, groupId: string): Promise<void> {
    const body = {
        "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
        target: { "@odata.type": assignmentTargetTypes.group, groupId },
    };
    const post = () => graph.request("POST", graphPaths.compliancePolicyAssignments(id), { body });
    for (let attempt = 1; ; attempt++) {
        try {
            await tolerateLate(graph, `the assignment of policy ${id} to group ${groupId}`, post);
            return;
        } catch (err) {
            // Someone (or a lost answer of ours) assigned it meanwhile: that is the wanted state.
            if ((err as { status?: number }).status === 409) return;
            if (!outcomeUnknown(err) || attempt >= graph.policy.maxAttempts) throw err;
        }
        await pause(graph.policy.pollIntervalMs);
        if ((await assignmentsOf(graph, id)).some((a) => includedGroup(a) === groupId)) return;
    }
}

/** Adds an assignment for each of `groupIds` the policy lacks; returns the groups it added. */
export async function addGroups(
    graph: GraphClient,
    id: string,
    groupIds: readonly string[],
    current: Assignment[],
): Promise<string[]> {
    const missing = groupIds.filter((g) => !current.some((a) => includedGroup(a) === g));
    for (const groupId of missing) await addGroup(graph, id, groupId);
    return missing;
}

/** Removes the include assignments of `groupIds`; every other assignment stays as it is. */
export async function removeGroups(
    graph: GraphClient,
    id: string,
    groupIds: readonly string[],
    current: Assignment[],
): Promise<void> {
    for (const a of current.filter((a) => groupIds.includes(includedGroup(a) ?? "") && a.id))
        await graph.request("DELETE", graphPaths.compliancePolicyAssignment(id, a.id!), { allow404: true });
}

/** Whether anything but the stack's own groups is assigned: a policy others use, which destroy leaves in place. */
export function othersAssigned(current: Assignment[], own: readonly string[]): boolean {
    return current.some((a) => !own.includes(includedGroup(a) ?? ""));
}
