/**
 * The Entra groups whose members' devices Lookout enrolls. Each is created by the stack or an
 * existing group validated before any change (exact display name, unique, users only). The
 * connector receives `displayNames`, read from the groups themselves.
 */
import * as pulumi from "@pulumi/pulumi";
import type { GroupConfig } from "../../config/stackConfig";
import { type CheckedGroups, declareEntraGroup, type EntraMode } from "./group";
import { enrollmentGroupKey } from "./directory";

export interface EnrollmentGroupsArgs {
    /** The groups, in the order the connector lists them. */
    readonly groups: GroupConfig[];
    /** `manage` talks to Entra; `reference` takes object IDs from config without calling Entra. */
    readonly entraMode: EntraMode;
    /** Existing groups already checked (`checkExistingGroups`); otherwise each is checked on its own. */
    readonly checkedGroups?: CheckedGroups;
}

export class EnrollmentGroups extends pulumi.ComponentResource {
    /** Display names as Entra spells them, for the Lookout connector. */
    declare readonly displayNames: pulumi.Output<string[]>;
    /** Object IDs, for Intune assignments. */
    declare readonly objectIds: pulumi.Output<string[]>;

    constructor(name: string, args: EnrollmentGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:EnrollmentGroups", name, {}, opts);
        // Children are named after the group, not its position, so reordering the list changes nothing.
        const groups = args.groups.map((spec, i) =>
            declareEntraGroup({
                name: `${name}-${slug(spec.displayName)}`,
                spec,
                mode: args.entraMode,
                where: enrollmentGroupKey(i, spec),
                parent: this,
                checked: args.checkedGroups,
            }),
        );
        this.displayNames = pulumi.all(groups.map((g) => g.displayName));
        this.objectIds = pulumi.all(groups.map((g) => g.objectId));
        this.registerOutputs({ displayNames: this.displayNames, objectIds: this.objectIds });
    }
}

function slug(displayName: string): string {
    return (
        displayName
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-|-$/g, "") || "group"
    );
}
