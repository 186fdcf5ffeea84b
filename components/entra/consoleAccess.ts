/**
 * The Entra security groups that grant access to the Lookout MTP console: full access (required)
 * and restricted access (optional; no enrollment or configuration modules, read-only Security
 * Policy). Lookout support needs their object IDs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { GroupConfig } from "../../config/stackConfig";
import { type CheckedGroups, declareEntraGroup, type EntraMode } from "./group";

export interface ConsoleAccessGroupsArgs {
    /** The full-access group: created by the stack (`create: true`, user members) or an existing group. */
    readonly full: GroupConfig;
    /** The restricted-access group, if the tenant uses one. */
    readonly restricted?: GroupConfig;
    /** `manage` talks to Entra; `reference` takes object IDs from config without calling Entra. */
    readonly entraMode: EntraMode;
    /** Existing groups already checked (`checkExistingGroups`); otherwise each is checked on its own. */
    readonly checkedGroups?: CheckedGroups;
}

export class ConsoleAccessGroups extends pulumi.ComponentResource {
    declare readonly fullAccessGroupObjectId: pulumi.Output<string>;
    declare readonly fullAccessGroupName: pulumi.Output<string>;
    /** `undefined` when no restricted-access group is configured. */
    declare readonly restrictedAccessGroupObjectId: pulumi.Output<string | undefined>;
    declare readonly restrictedAccessGroupName: pulumi.Output<string | undefined>;

    constructor(name: string, args: ConsoleAccessGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:ConsoleAccessGroups", name, {}, opts);
        const group = (suffix: "full" | "restricted", spec: GroupConfig) =>
            declareEntraGroup({
                name: `${name}-${suffix}`,
                spec,
                mode: args.entraMode,
                where: `lookout-mtp:consoleAccess.${suffix}`,
                parent: this,
                checked: args.checkedGroups,
            });
        const full = group("full", args.full);
        const restricted = args.restricted ? group("restricted", args.restricted) : undefined;
        this.fullAccessGroupObjectId = full.objectId;
        this.fullAccessGroupName = full.displayName;
        this.restrictedAccessGroupObjectId = restricted ? restricted.objectId : pulumi.output(undefined);
        this.restrictedAccessGroupName = restricted ? restricted.displayName : pulumi.output(undefined);
        this.registerOutputs({
            fullAccessGroupObjectId: this.fullAccessGroupObjectId,
            restrictedAccessGroupObjectId: this.restrictedAccessGroupObjectId,
        });
    }
}
