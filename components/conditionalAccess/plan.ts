/**
 * What the stack's Conditional Access policy covers, decided once the checks passed (every group
 * found and checked, the rings judged): the enrolled rings' groups included, the emergency-access
 * groups excluded, report-only unless the config says `enforced`. A held ring's groups are in
 * neither the policy nor its impact.
 */
import * as pulumi from "@pulumi/pulumi";
import { conditionalAccessModes, type ConditionalAccessMode } from "../../config/conditionalAccess";
import type { StackConfig } from "../../config/stackConfig";
import type { DeclaredConditionalAccessPolicy } from "../../contract/graph/conditionalAccess";
import { enrollmentGroupKey, type GroupKey } from "../entra/directory";
import type { GroupCandidate } from "../entra/groupValidation";

/** What the stack records of its policy in its outputs: read back by the next run's impact and by `npm run status`. */
export interface ConditionalAccessRecord {
    mode: ConditionalAccessMode;
    /** The rings whose groups the policy covers (with rollout rings), or "all enrollment groups". */
    rings: string[];
    /** Object IDs of the groups the policy includes. */
    includeGroups: string[];
}

export interface ConditionalAccessPlan {
    policy: DeclaredConditionalAccessPolicy;
    record: ConditionalAccessRecord;
    /** Display names of the included groups, by object ID (for the impact's lines). */
    groupNames: Record<string, string>;
}

/** The ID of an existing group: as the group check found it, or as config pins it (reference mode). */
function groupId(key: GroupKey, spec: { objectId?: string }, groups: Record<GroupKey, GroupCandidate>): string {
    const id = groups[key]?.objectId ?? spec.objectId;
    if (!id) throw new pulumi.RunError(`${key}: the group's object ID is unknown; pin it with objectId`);
    return id;
}

/**
 * @param enrolledGroups with rollout rings, the display names of the enrollment groups enrolled now
 *   (`Preflight.rollout.enrolledGroups`); without rings, every enrollment group is
 */
export function planConditionalAccess(
    config: StackConfig,
    groups: Record<GroupKey, GroupCandidate>,
    enrolledGroups: string[] | undefined,
): ConditionalAccessPlan {
    const ca = config.conditionalAccess!;
    const enrolled = enrolledGroups ? new Set(enrolledGroups) : undefined;
    const included = config.enrollmentGroups
        .map((spec, i) => ({ spec, key: enrollmentGroupKey(i, spec) }))
        .filter(({ spec }) => !enrolled || enrolled.has(spec.displayName))
        .map(({ spec, key }) => ({ id: groupId(key, spec, groups), name: spec.displayName }));
    const excluded = (ca.exclusionGroups ?? []).map((spec, i) =>
        groupId(`lookout-mtp:conditionalAccess.exclusionGroups[${i}] ('${spec.displayName}')`, spec, groups),
    );
    const rings = config.rollout
        ? config.rollout.rings.filter((r) => r.groups.every((g) => enrolled?.has(g))).map((r) => r.name)
        : ["all enrollment groups"];
    const includeGroups = included.map((g) => g.id).sort();
    return {
        policy: {
            displayName: ca.displayName,
            state: conditionalAccessModes[ca.state],
            includeGroups,
            excludeGroups: [...new Set(excluded)].sort(),
            includeApplications: ca.cloudApps,
        },
        record: { mode: ca.state, rings, includeGroups },
        groupNames: Object.fromEntries(included.map((g) => [g.id, g.name])),
    };
}
