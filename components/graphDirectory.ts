/**
 * Existing Entra groups checked through Microsoft Graph (entra.mode `graph`), with the same client
 * the Intune resources use and none of the azuread provider: exact display name, unique, security
 * group, users only. It runs while the program is evaluated, so a bad group stops `preview` and
 * `up` before any change.
 */
import * as pulumi from "@pulumi/pulumi";
import { directoryGroupPageSchema, directoryGroupSchema, memberPageSchema } from "../contract/graph/schemas";
import type { GroupConfig } from "../config/stackConfig";
import { type GraphClient, graphPaths } from "../providers/graph/client";
import { graphClientFor, graphConnectionFromConfig } from "../providers/graph/connection";
import { assertDisplayName, assertSecurityGroup, assertUsersOnly, type GroupCandidate, resolveExistingGroup } from "./groupValidation";

let programClient: GraphClient | undefined;

/** One Graph client for the program, configured from `graph:*` stack config and the environment's identity. */
export function programGraphClient(): GraphClient {
    programClient ??= graphClientFor(graphConnectionFromConfig({ get: (key) => pulumi.runtime.getConfig(key), require: (key) => pulumi.runtime.getConfig(key) ?? "" }));
    return programClient;
}

/** Follows `@odata.nextLink` from `path` and returns every item. */
async function allPages<T>(graph: GraphClient, path: string, page: (body: unknown) => { value: T[]; "@odata.nextLink"?: string }): Promise<T[]> {
    const items: T[] = [];
    for (let next: string | undefined = path; next; ) {
        const body = page((await graph.request("GET", next))!.body);
        items.push(...body.value);
        const link = body["@odata.nextLink"];
        next = link ? link.slice(link.indexOf("/groups")) : undefined;
    }
    return items;
}

export async function resolveGroupViaGraph(graph: GraphClient, spec: GroupConfig, where: string): Promise<GroupCandidate> {
    let group: { id: string; displayName: string; securityEnabled: boolean | null; mailEnabled: boolean | null };
    if (spec.objectId) {
        const found = await graph.request("GET", graphPaths.group(spec.objectId), { schema: directoryGroupSchema(), allow404: true });
        if (!found) throw new Error(`${where}: no Entra group has the object ID ${spec.objectId}.`);
        group = found.body;
        assertDisplayName(spec.displayName, { objectId: group.id, displayName: group.displayName }, where);
    } else {
        const candidates = await allPages(graph, graphPaths.groupsByNamePrefix(spec.displayName), (b) => directoryGroupPageSchema().parse(b));
        const chosen = resolveExistingGroup(spec.displayName, candidates.map((c) => ({ objectId: c.id, displayName: c.displayName })), where);
        group = candidates.find((c) => c.id === chosen.objectId)!;
    }
    const candidate = { objectId: group.id, displayName: group.displayName };
    assertSecurityGroup({ ...candidate, securityEnabled: group.securityEnabled === true, mailEnabled: group.mailEnabled === true }, where);
    const members = await allPages(graph, graphPaths.groupMembers(group.id), (b) => memberPageSchema().parse(b));
    assertUsersOnly(
        candidate,
        members.map((m) => m.id),
        members.filter((m) => m["@odata.type"] === "#microsoft.graph.user").map((m) => m.id),
        where,
    );
    return candidate;
}
