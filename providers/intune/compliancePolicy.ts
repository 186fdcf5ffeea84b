/**
 * An Intune device compliance policy that marks a device non-compliant when Lookout reports a
 * threat at or above a level, assigned to groups, as a dynamic resource. One per platform:
 * Android device administrator, Android work profile, Android fully managed, iOS/iPadOS.
 *
 * Graph requires exactly one scheduled action rule with one `block` action at creation and does
 * not let it be patched; the assignment is replaced as a whole by `POST .../assign`.
 *
 * Creating first looks for a policy of the same type and display name and adopts it: a policy made
 * by hand is taken over (and given back on delete), and a run whose create answer was lost does
 * not make a second policy on the next `up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    assignmentListSchema,
    type CompliancePlatform,
    type CompliancePolicy,
    compliancePolicyPageSchema,
    compliancePolicySchema,
    compliancePolicyTypes,
} from "../../contract/graph/schemas";
import { changedProperties, checkWith } from "../checks";
import { graphPaths, requiredPermission } from "../graph/client";
import type { GraphClient } from "../graph/client";
import { graphClientOf, type GraphConnection, graphConnectionFromConfig } from "../graph/connection";

export const requiredSecurityLevels = ["secured", "low", "medium", "high"] as const;

/**
 * The description of policies this stack creates. Finding it on a policy at create time means an
 * earlier run created the policy and was interrupted before recording it: that policy is taken
 * back as the stack's own (deleted on destroy), not adopted as hand-made (restored on destroy).
 */
export const managedPolicyDescription = "Created by lookout-mtp (Pulumi): non-compliant when Lookout reports a threat above the required level.";

export interface ThreatCompliancePolicyArgs {
    /** androidDeviceAdministrator, androidWorkProfile, androidFullyManaged or ios. Changing it replaces the policy. */
    platform: pulumi.Input<CompliancePlatform>;
    displayName: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** Highest threat level a device may have and stay compliant: secured (none), low, medium or high. */
    requiredSecurityLevel: pulumi.Input<(typeof requiredSecurityLevels)[number]>;
    /** Object IDs of the Entra groups the policy applies to (the enrollment groups). */
    groupIds: pulumi.Input<pulumi.Input<string>[]>;
}

export interface CompliancePolicyInputs {
    platform: CompliancePlatform;
    displayName: string;
    description: string;
    requiredSecurityLevel: (typeof requiredSecurityLevels)[number];
    groupIds: string[];
}
export interface CompliancePolicyOutputs extends CompliancePolicyInputs {
    /** The adopted policy's level, description and groups before this stack; `null` when the stack created it. */
    previous: { description: string; requiredSecurityLevel: string; groupIds: string[] } | null;
}

export function compliancePolicyInputsSchema() {
    return z
        .object({
            platform: z.enum(Object.keys(compliancePolicyTypes) as [CompliancePlatform, ...CompliancePlatform[]]),
            displayName: z.string().trim().min(1).max(256),
            description: z.string().max(1024).default(managedPolicyDescription),
            requiredSecurityLevel: z.enum(requiredSecurityLevels),
            groupIds: z.array(z.string().min(1)).min(1, "assign the policy to at least one group").transform((ids) => [...new Set(ids)].sort()),
        })
        .strict();
}

const properties: ReadonlyArray<keyof CompliancePolicyInputs> = ["platform", "displayName", "description", "requiredSecurityLevel", "groupIds"];

function assignBody(groupIds: string[]) {
    return { assignments: groupIds.map((groupId) => ({ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId } })) };
}

function settingsBody(inputs: CompliancePolicyInputs) {
    return {
        "@odata.type": compliancePolicyTypes[inputs.platform],
        displayName: inputs.displayName,
        description: inputs.description,
        deviceThreatProtectionEnabled: true,
        deviceThreatProtectionRequiredSecurityLevel: inputs.requiredSecurityLevel,
    };
}

type ProviderThis = { connection?: GraphConnection; client?: GraphClient };

function groupIdsOf(list: z.infer<ReturnType<typeof assignmentListSchema>>): string[] {
    return list.value.flatMap((a) => (a.target.groupId ? [a.target.groupId] : [])).sort();
}

function matching(policies: CompliancePolicy[], inputs: CompliancePolicyInputs) {
    return policies.filter((p) => p["@odata.type"] === compliancePolicyTypes[inputs.platform] && p.displayName === inputs.displayName);
}

/**
 * POSTs the policy. A create is never blindly repeated: when its outcome is unknown (the connection
 * dropped, the answer timed out, or a 500/502 that may hide a success), it looks for a late write
 * for one more attempt timeout and takes it; only when none appears does it create again, within
 * the retry policy's attempts.
 */
async function createPolicy(graph: GraphClient, inputs: CompliancePolicyInputs): Promise<CompliancePolicy> {
    const body = {
        ...settingsBody(inputs),
        scheduledActionsForRule: [
            {
                ruleName: "PasswordRequired",
                scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0, notificationTemplateId: "", notificationMessageCCList: [] }],
            },
        ],
    };
    for (let attempt = 1; ; attempt++) {
        try {
            return (await graph.request("POST", graphPaths.compliancePolicies, { body, schema: compliancePolicySchema() }))!.body;
        } catch (err) {
            const status = (err as { status?: number }).status ?? 0;
            const uncertain = status === 0 || status === 500 || status === 502;
            if (!uncertain || attempt >= graph.policy.maxAttempts) throw err;
        }
        const deadline = Date.now() + graph.policy.attemptTimeoutMs;
        do {
            const [late] = matching(await listPolicies(graph), inputs);
            if (late) return late;
            await new Promise((resolve) => setTimeout(resolve, 250));
        } while (Date.now() < deadline);
    }
}

/** Every compliance policy of the tenant, following Graph's paging. */
async function listPolicies(graph: GraphClient) {
    const policies: CompliancePolicy[] = [];
    let path: string | undefined = graphPaths.compliancePolicies;
    while (path) {
        const page: { body: z.infer<ReturnType<typeof compliancePolicyPageSchema>> } | undefined = await graph.request("GET", path, { schema: compliancePolicyPageSchema() });
        policies.push(...page!.body.value);
        const next: string | undefined = page!.body["@odata.nextLink"];
        path = next ? next.slice(next.indexOf(graphPaths.compliancePolicies)) : undefined;
    }
    return policies;
}

function explain(err: unknown, inputs: { displayName: string }): Error {
    return Object.assign(new Error(`Intune compliance policy '${inputs.displayName}': ${(err as Error).message}`), { cause: err });
}

export const compliancePolicyProvider: pulumi.dynamic.ResourceProvider<CompliancePolicyInputs, CompliancePolicyOutputs> = {
    async configure(this: ProviderThis, req: pulumi.dynamic.ConfigureRequest) {
        this.connection = graphConnectionFromConfig(req.config);
        this.client = undefined;
    },

    async check(_olds: CompliancePolicyInputs, news: CompliancePolicyInputs) {
        return checkWith(compliancePolicyInputsSchema(), news as unknown as Record<string, unknown>);
    },

    async diff(_id: string, olds: CompliancePolicyOutputs, news: CompliancePolicyInputs) {
        const changes = changedProperties<CompliancePolicyInputs>(olds, news, properties);
        return { changes: changes.length > 0, replaces: changes.filter((p) => p === "platform") };
    },

    async create(this: ProviderThis, inputs: CompliancePolicyInputs) {
        const graph = graphClientOf(this);
        let created: string | undefined;
        try {
            await graph.assertPermissions([requiredPermission("POST", graphPaths.compliancePolicies)], "Creating the policy");
            const existing = matching(await listPolicies(graph), inputs);
            if (existing.length > 1) {
                throw new Error(`${existing.length} policies of this type are named '${inputs.displayName}' (${existing.map((p) => p.id).join(", ")}); remove the duplicates or choose another displayName.`);
            }
            if (existing.length === 1) {
                const id = existing[0].id;
                const assignments = await graph.request("GET", graphPaths.compliancePolicyAssignments(id), { schema: assignmentListSchema() });
                const previous =
                    existing[0].description === managedPolicyDescription
                        ? null
                        : {
                              description: existing[0].description ?? "",
                              requiredSecurityLevel: existing[0].deviceThreatProtectionRequiredSecurityLevel,
                              groupIds: groupIdsOf(assignments!.body),
                          };
                await graph.request("PATCH", graphPaths.compliancePolicy(id), { body: settingsBody(inputs) });
                await graph.request("POST", graphPaths.compliancePolicyAssign(id), { body: assignBody(inputs.groupIds) });
                return { id, outs: { ...inputs, previous } };
            }
            created = (await createPolicy(graph, inputs)).id;
            await graph.request("POST", graphPaths.compliancePolicyAssign(created), { body: assignBody(inputs.groupIds) });
            return { id: created, outs: { ...inputs, previous: null } };
        } catch (err) {
            // A create either completes or leaves nothing behind: an unassigned policy would sit in Intune unseen.
            if (created) await graph.request("DELETE", graphPaths.compliancePolicy(created), { allow404: true }).catch(() => undefined);
            throw explain(err, inputs);
        }
    },

    async read(this: ProviderThis, id: string, props?: CompliancePolicyOutputs) {
        const state = props as CompliancePolicyOutputs;
        try {
            const graph = graphClientOf(this);
            const policy = await graph.request("GET", graphPaths.compliancePolicy(id), { schema: compliancePolicySchema(), allow404: true });
            if (!policy) return {};
            const assignments = await graph.request("GET", graphPaths.compliancePolicyAssignments(id), { schema: assignmentListSchema() });
            const platform = (Object.keys(compliancePolicyTypes) as CompliancePlatform[]).find((p) => compliancePolicyTypes[p] === policy.body["@odata.type"]) ?? state.platform;
            const level = policy.body.deviceThreatProtectionRequiredSecurityLevel;
            const inputs: CompliancePolicyInputs = {
                platform,
                displayName: policy.body.displayName,
                description: policy.body.description ?? "",
                // A policy whose threat check was switched off in the portal reads as drift from the declared level.
                requiredSecurityLevel: (policy.body.deviceThreatProtectionEnabled ? level : "off (deviceThreatProtectionEnabled is false)") as CompliancePolicyInputs["requiredSecurityLevel"],
                groupIds: groupIdsOf(assignments!.body),
            };
            return { id, props: { ...inputs, previous: state.previous ?? null }, inputs: inputs as CompliancePolicyOutputs };
        } catch (err) {
            throw explain(err, state);
        }
    },

    async update(this: ProviderThis, id: string, olds: CompliancePolicyOutputs, news: CompliancePolicyInputs) {
        try {
            const graph = graphClientOf(this);
            await graph.assertPermissions([requiredPermission("PATCH", graphPaths.compliancePolicies)], "Changing the policy");
            const changed = changedProperties<CompliancePolicyInputs>(olds, news, properties);
            if (changed.some((p) => p !== "groupIds")) await graph.request("PATCH", graphPaths.compliancePolicy(id), { body: settingsBody(news) });
            if (changed.includes("groupIds")) await graph.request("POST", graphPaths.compliancePolicyAssign(id), { body: assignBody(news.groupIds) });
            return { outs: { ...news, previous: olds.previous ?? null } };
        } catch (err) {
            throw explain(err, news);
        }
    },

    async delete(this: ProviderThis, id: string, props: CompliancePolicyOutputs) {
        try {
            const graph = graphClientOf(this);
            if (props.previous) {
                const { description, requiredSecurityLevel, groupIds } = props.previous;
                await graph.request("PATCH", graphPaths.compliancePolicy(id), {
                    body: { "@odata.type": compliancePolicyTypes[props.platform], description, deviceThreatProtectionRequiredSecurityLevel: requiredSecurityLevel },
                });
                await graph.request("POST", graphPaths.compliancePolicyAssign(id), { body: assignBody(groupIds) });
                return;
            }
            await graph.request("DELETE", graphPaths.compliancePolicy(id), { allow404: true });
        } catch (err) {
            throw explain(err, props);
        }
    },
};

export class ThreatCompliancePolicy extends pulumi.dynamic.Resource {
    declare readonly platform: pulumi.Output<CompliancePlatform>;
    declare readonly displayName: pulumi.Output<string>;
    declare readonly requiredSecurityLevel: pulumi.Output<string>;
    declare readonly groupIds: pulumi.Output<string[]>;
    declare readonly previous: pulumi.Output<CompliancePolicyOutputs["previous"]>;

    constructor(name: string, args: ThreatCompliancePolicyArgs, opts?: pulumi.CustomResourceOptions) {
        super(compliancePolicyProvider, name, { ...args, previous: undefined }, opts, "intune", "ThreatCompliancePolicy");
    }
}
