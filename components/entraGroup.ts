/**
 * One Entra group as the components need it: created by the stack, or an existing group found by
 * display name and validated (through azuread in manage mode, through Microsoft Graph in graph
 * mode), or (in reference mode) taken from config without calling Entra.
 * Whatever the source, the display name comes from the group itself, so case never drifts.
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { GroupConfig } from "../config/stackConfig";
import { programGraphClient, resolveGroupViaGraph } from "./graphDirectory";
import { assertDisplayName, assertSecurityGroup, assertUsersOnly, resolveExistingGroup } from "./groupValidation";

export type EntraMode = "manage" | "graph" | "reference";

export interface EntraGroupRef {
    objectId: pulumi.Output<string>;
    displayName: pulumi.Output<string>;
}

/**
 * @param name Pulumi name of the group resource, when one is created
 * @param where the config key of the group, named in every error
 */
export function declareEntraGroup(name: string, spec: GroupConfig, mode: EntraMode, where: string, parent: pulumi.Resource): EntraGroupRef {
    if (mode === "reference") {
        return { objectId: pulumi.output(spec.objectId!), displayName: pulumi.output(spec.displayName) };
    }
    if (mode === "graph") {
        const group = pulumi.output(resolveGroupViaGraph(programGraphClient(), spec, where));
        return { objectId: group.objectId, displayName: group.displayName };
    }
    const opts = { parent };
    if (spec.create) {
        const members = azuread.getUsersOutput({ userPrincipalNames: spec.members! }, opts);
        const group = new azuread.Group(
            name,
            {
                displayName: spec.displayName,
                description: spec.description,
                securityEnabled: true,
                mailEnabled: false,
                preventDuplicateNames: true,
                members: members.objectIds,
            },
            opts,
        );
        return { objectId: group.objectId, displayName: group.displayName };
    }

    const objectId = spec.objectId
        ? pulumi.output(spec.objectId)
        : azuread
              .getGroupsOutput({ displayNamePrefix: spec.displayName, ignoreMissing: true }, opts)
              .apply((found) =>
                  resolveExistingGroup(
                      spec.displayName,
                      found.objectIds.map((id, i) => ({ objectId: id, displayName: found.displayNames[i] })),
                      where,
                  ),
              ).objectId;
    const group = azuread.getGroupOutput({ objectId }, opts);
    const users = azuread.getUsersOutput({ objectIds: group.members, ignoreMissing: true }, opts);
    const checked = pulumi.all([group, users.objectIds]).apply(([g, userIds]) => {
        const candidate = { objectId: g.objectId, displayName: g.displayName };
        assertDisplayName(spec.displayName, candidate, where);
        assertSecurityGroup({ ...candidate, securityEnabled: g.securityEnabled, mailEnabled: g.mailEnabled }, where);
        assertUsersOnly(candidate, g.members, userIds, where);
        return candidate;
    });
    return { objectId: checked.objectId, displayName: checked.displayName };
}
