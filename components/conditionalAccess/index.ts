/**
 * The last link of Microsoft's Mobile Threat Defense chain (apps, connector, compliance, then
 * Conditional Access): one policy requiring a compliant device on iOS and Android for the enrolled
 * rings' groups, emergency-access groups excluded, report-only until the config says `enforced`.
 * Declared after the Intune side, so the policy never requires a compliance that is not there yet.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/stackConfig";
import type { GraphClient } from "../../providers/graph/client";
import { programGraphClient } from "../../providers/graph/programClient";
import { ConditionalAccessPolicy } from "../../providers/conditionalAccess/policy";
import { conditionalAccessWriterRoles } from "../../contract/graph/conditionalAccess";
import type { Preflight } from "../onboarding/preflight";
import { previousOutput } from "../onboarding/ownRecord";
import { conditionalAccessImpact } from "./impact";
import { type ConditionalAccessPlan, type ConditionalAccessRecord, planConditionalAccess } from "./plan";

export type { ConditionalAccessRecord } from "./plan";

export interface ConditionalAccessArgs {
    /** What the policy covers (planConditionalAccess). */
    readonly plan: ConditionalAccessPlan;
    /** Whom the change would block, said as warnings on the policy. */
    readonly impact: string[];
}

export class ConditionalAccess extends pulumi.ComponentResource {
    declare readonly policyId: pulumi.Output<string>;

    constructor(name: string, args: ConditionalAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:ConditionalAccess", name, {}, opts);
        const policy = new ConditionalAccessPolicy(`${name}-policy`, args.plan.policy, { parent: this });
        for (const warning of args.impact) void pulumi.log.warn(warning, policy);
        this.policyId = policy.id;
        this.registerOutputs({ policyId: this.policyId });
    }
}

/** A person's sign-in must hold a role that may write Conditional Access policies (an app's permissions are checked with the others). */
async function roleProblem(graph: GraphClient): Promise<string | undefined> {
    const identity = await graph.identity();
    if (identity?.kind !== "user" || identity.directoryRoles.some((id) => conditionalAccessWriterRoles[id]))
        return undefined;
    return `graph:signIn: ${identity.name ?? "the signed-in user"} holds no role that may write Conditional Access policies; assign Conditional Access Administrator or Security Administrator (Entra admin center > Roles and administrators), or sign in as an admin who holds one`;
}

/** What the stack function declares of Conditional Access, once planned. */
export interface PreparedConditionalAccess {
    /** What the stack outputs as `conditionalAccess`. */
    record: ConditionalAccessRecord;
    /** Declares the policy after `after` (the onboarding). */
    declare(after: pulumi.Resource): ConditionalAccess;
}

/**
 * The stack function's call, before any resource is declared: plans the policy from the passed
 * checks, checks a person's role, reads what the last update recorded and whom the change would
 * block. Undefined when the config has no policy; rejects with a RunError (nothing written) when
 * the sign-in may not write policies.
 */
export async function prepareConditionalAccess(
    config: StackConfig,
    preflight: Preflight,
    graph: GraphClient = programGraphClient(),
): Promise<PreparedConditionalAccess | undefined> {
    if (!config.conditionalAccess) return undefined;
    const plan = planConditionalAccess(config, preflight.groups, preflight.rollout?.enrolledGroups);
    const problem = await roleProblem(graph);
    if (problem) throw new pulumi.RunError(`The onboarding cannot start; nothing was changed:\n  - ${problem}`);
    const previous = await previousOutput<ConditionalAccessRecord>("conditionalAccess");
    const impact = await conditionalAccessImpact(graph, plan, previous);
    return {
        record: plan.record,
        declare: (after) =>
            new ConditionalAccess("lookout-conditional-access", { plan, impact }, { dependsOn: [after] }),
    };
}
