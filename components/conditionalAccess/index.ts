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

/**
 * The stack function's one call: plans the policy from the passed checks, reads what the last
 * update recorded and whom the change would block, then declares the policy after `after` (the
 * onboarding). Returns the record the stack outputs, or undefined when the config has no policy.
 */
export async function declareConditionalAccess(
    config: StackConfig,
    preflight: Preflight,
    after: pulumi.Resource,
    graph: GraphClient = programGraphClient(),
): Promise<ConditionalAccessRecord | undefined> {
    if (!config.conditionalAccess) return undefined;
    const plan = planConditionalAccess(config, preflight.groups, preflight.rollout?.enrolledGroups);
    const previous = await previousOutput<ConditionalAccessRecord>("conditionalAccess");
    const impact = await conditionalAccessImpact(graph, plan, previous);
    new ConditionalAccess("lookout-conditional-access", { plan, impact }, { dependsOn: [after] });
    return plan.record;
}
