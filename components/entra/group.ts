/**
 * One Entra group as the components need it: created by the stack (manage mode, through azuread),
 * or an existing group found by display name and validated through Microsoft Graph (manage and
 * graph mode; see `directory.ts`), or (in reference mode) taken from config without calling
 * Entra. Whatever the source, the display name comes from the group itself, so case never drifts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { GroupConfig } from "../../config/stackConfig";
import { programGraphClient } from "../../providers/graph/programClient";
import { type GroupKey, resolveGroupViaGraph } from "./directory";
import type { GroupCandidate } from "./groupValidation";
import { azuread } from "./azuread";

export type EntraMode = "manage" | "graph" | "reference";

export interface EntraGroupRef {
    objectId: pulumi.Output<string>;
    displayName: pulumi.Output<string>;
}

/** Existing groups already checked through Graph, by config key (see `checkExistingGroups`). */
export type CheckedGroups = pulumi.Input<Record<GroupKey, GroupCandidate>>;

export interface EntraGroupSpec {
    /** Pulumi name of the group resource, when one is created. */
    name: string;
    spec: GroupConfig;
    mode: EntraMode;
    /** The config key of the group, named in every error. */
    where: GroupKey;
    parent: pulumi.Resource;
    /** The existing groups checked up front; without it, this group is checked on its own. */
    checked?: CheckedGroups;
}

export function declareEntraGroup({ name, spec, mode, where, parent, checked }: EntraGroupSpec): EntraGroupRef {
    if (mode === "reference") {
        return { objectId: pulumi.output(spec.objectId!), displayName: pulumi.output(spec.displayName) };
    }
    if (!spec.create) {
        const group = checked
            ? pulumi.output(checked).apply((groups) => groups[where])
            : pulumi.output(resolveGroupViaGraph(programGraphClient(), spec, where));
        return { objectId: group.objectId, displayName: group.displayName };
    }
    const opts = { parent };
    const members = azuread().getUsersOutput({ userPrincipalNames: spec.members! }, opts);
    const group = new (azuread().Group)(
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
