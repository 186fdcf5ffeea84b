/**
 * An Intune app's group assignments, written one at a time (create a missing one, PATCH the intent
 * of one that differs, with its settings made valid for that intent, delete one the stack no longer
 * wants), never through `assign`, which
 * replaces the whole list: targets the stack does not manage and the settings of every existing
 * assignment stay as they are.
 *
 * A module of its own so the store app provider's serialized form, when installed from the package,
 * loads these functions by `require` instead of carrying them.
 */
import { graphPaths } from "../../contract/graph/routes";
import { assignmentTargetTypes } from "../../contract/graph/schemas";
import {
    type DeployedIntent,
    newAssignmentSettings,
    settingsForIntent,
    type MobileAppAssignmentRead,
    mobileAppAssignmentSchema,
    type MobileAppAssignmentWrite,
    type MobileAppRead,
} from "../../contract/graph/mobileApps";
import type { GraphClient } from "../graph/client";
import { tolerateLate } from "../graph/lateObjects";
import { outcomeUnknown, pause } from "../http/retry";

/** What the stack declares of an app's assignments. */
export interface DeclaredAssignments {
    intent: DeployedIntent;
    groupIds: string[];
}

const groupTarget = (groupId: string) => ({ "@odata.type": assignmentTargetTypes.group, groupId });
export const isGroupOf = (groupIds: readonly string[]) => (a: MobileAppAssignmentRead) =>
    a.target["@odata.type"] === assignmentTargetTypes.group && groupIds.includes(a.target.groupId ?? "");

export async function assignmentsOf(graph: GraphClient, appId: string): Promise<MobileAppAssignmentRead[]> {
    return graph.listAll(graphPaths.mobileAppAssignments(appId), mobileAppAssignmentSchema());
}

/** A new assignment of the app (of `appType`) to a group, with the settings the stack chooses for that type. */
function newAssignment(
    inputs: DeclaredAssignments,
    appType: string | undefined,
    groupId: string,
): MobileAppAssignmentWrite {
    return {
        "@odata.type": "#microsoft.graph.mobileAppAssignment",
        intent: inputs.intent,
        target: groupTarget(groupId),
        settings: newAssignmentSettings(appType, inputs.intent),
    };
}

/**
 * Adds one assignment. When the outcome is unknown (dropped connection, 500/502) the list is read
 * again before anything is repeated, so a late write is taken, not doubled. An app or group this
 * run has just created may not be visible yet: that answer is waited out (`tolerateLate`).
 */
async function addAssignment(
    graph: GraphClient,
    app: MobileAppRead,
    inputs: DeclaredAssignments,
    groupId: string,
): Promise<void> {
    const appId = app.id;
    const post = () =>
        graph.request("POST", graphPaths.mobileAppAssignments(appId), {
            body: newAssignment(inputs, app["@odata.type"], groupId),
        });
    for (let attempt = 1; ; attempt++) {
        try {
            await tolerateLate(graph, `the assignment of app ${appId} to group ${groupId}`, post);
            return;
        } catch (err) {
            if (!outcomeUnknown(err) || attempt >= graph.policy.maxAttempts) throw err;
        }
        await pause(graph.policy.pollIntervalMs);
        if ((await assignmentsOf(graph, appId)).some(isGroupOf([groupId]))) return;
    }
}

/**
 * Changes one assignment's intent, with settings valid for it: Intune refuses settings that only
 * `required` allows on any other intent, so the settings go with the intent (`settings`, as read or
 * as they were before the stack changed them, null included).
 */
async function setIntent(
    graph: GraphClient,
    appId: string,
    assignment: MobileAppAssignmentRead,
    intent: string,
    settings: MobileAppAssignmentRead["settings"],
): Promise<void> {
    const body: Pick<MobileAppAssignmentWrite, "@odata.type" | "intent" | "settings"> = {
        "@odata.type": "#microsoft.graph.mobileAppAssignment",
        intent,
        settings: settingsForIntent(settings, intent),
    };
    await graph.request("PATCH", graphPaths.mobileAppAssignment(appId, assignment.id!), { body });
}

/**
 * Brings the managed groups to the declared intent, one assignment at a time: a group without an
 * assignment gets one, a group with another intent gets its intent changed and its settings sent back
 * without those the new intent does not allow (the rest of its settings and
 * whatever else it carries stay), a group already as declared is not written. No other assignment
 * of the app is touched.
 */
export async function converge(
    graph: GraphClient,
    app: MobileAppRead,
    inputs: DeclaredAssignments,
    current: MobileAppAssignmentRead[],
): Promise<void> {
    for (const groupId of inputs.groupIds) {
        const existing = current.find(isGroupOf([groupId]));
        if (!existing) await addAssignment(graph, app, inputs, groupId);
        else if (existing.intent !== inputs.intent)
            await setIntent(
                graph,
                app.id,
                existing,
                inputs.intent,
                existing.settings ??
                    (newAssignmentSettings(app["@odata.type"], inputs.intent) as MobileAppAssignmentRead["settings"]),
            );
    }
}

/**
 * Puts `groupIds`' assignments back as `previous` holds them: the ones the stack added removed, the
 * intents it changed restored. With an empty `previous` (an app the stack added) every assignment of those groups goes.
 */
export async function restore(
    graph: GraphClient,
    appId: string,
    groupIds: readonly string[],
    previous: MobileAppAssignmentRead[],
    current: MobileAppAssignmentRead[],
): Promise<void> {
    for (const assignment of current.filter(isGroupOf(groupIds))) {
        const before = previous.find((p) => p.id === assignment.id);
        if (!before)
            await graph.request("DELETE", graphPaths.mobileAppAssignment(appId, assignment.id!), { allow404: true });
        else if (before.intent !== assignment.intent)
            await setIntent(graph, appId, assignment, before.intent, before.settings ?? null);
    }
}
