/**
 * The stack's one Conditional Access policy (`/identity/conditionalAccess/policies/{id}`), as a
 * dynamic resource: a compliant device required on iOS and Android for the enrolled rings' groups,
 * the emergency-access groups excluded.
 *
 * It owns exactly the policy it created, found again by the id Graph gave it: it never lists,
 * adopts, reads or writes another policy (another admin's policies are theirs, whatever their
 * name), and `delete` removes only that id. Every write sends the whole declared body (the policy
 * is the stack's own), the precise shape of `conditionalAccessPolicyBody`, with one exception: an
 * exclusion group someone else added to the policy is kept (removing an exclusion can lock an
 * emergency account out), and `refresh` does not count it as drift. An exclusion the stack
 * declared and no longer declares is removed. An update sends `conditions.users` back as read, so
 * the users and roles another admin included or excluded stay too.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    conditionalAccessPolicyBody,
    type ConditionalAccessPolicyRead,
    conditionalAccessPolicySchema,
    conditionalAccessStates,
    type DeclaredConditionalAccessPolicy,
} from "../../contract/graph/conditionalAccess";
import { graphPaths, requiredPermissionSets } from "../../contract/graph/routes";
import {
    type ArgsOf,
    dynamicProvider,
    dynamicResourceType,
    ModuleResource,
    type OutputsOf,
    providerThroughModule,
} from "../provider";
import type { GraphClient } from "../graph/client";
import { type GraphConnection, graphService } from "../graph/connection";

export type ConditionalAccessPolicyInputs = DeclaredConditionalAccessPolicy;
export type ConditionalAccessPolicyOutputs = ConditionalAccessPolicyInputs;

const groupIds = (what: string) =>
    z
        .array(z.string().min(1))
        .min(1, what)
        .transform((ids) => [...new Set(ids)].sort());

export function conditionalAccessPolicyInputsSchema() {
    return z
        .object({
            displayName: z.string().trim().min(1).max(256),
            state: z.enum(conditionalAccessStates),
            includeGroups: groupIds("include at least one enrolled group"),
            excludeGroups: groupIds("exclude at least one emergency-access group"),
            includeApplications: z.array(z.string().min(1)).min(1),
        })
        .strict()
        .superRefine((p, ctx) => {
            const both = p.includeGroups.filter((g) => p.excludeGroups.includes(g));
            if (both.length > 0)
                ctx.addIssue({
                    code: "custom",
                    path: ["excludeGroups"],
                    message: `${both.join(", ")} both included and excluded; an exclusion wins, so the group would be unprotected`,
                });
        });
}

/**
 * The policy as the stack declared it, read back from Graph (what `refresh` compares): of the
 * exclusions, those the stack declared (`managed`) that are still there; others' are not its own.
 */
function declaredOf(policy: ConditionalAccessPolicyRead, managed?: string[]): ConditionalAccessPolicyOutputs {
    const users = policy.conditions?.users;
    const excluded = users?.excludeGroups ?? [];
    return {
        displayName: policy.displayName ?? "",
        state: (policy.state ?? "disabled") as ConditionalAccessPolicyOutputs["state"],
        includeGroups: [...(users?.includeGroups ?? [])].sort(),
        excludeGroups: (managed ? excluded.filter((g) => managed.includes(g)) : [...excluded]).sort(),
        includeApplications: [...(policy.conditions?.applications?.includeApplications ?? [])],
    };
}

async function readPolicy(graph: GraphClient, id: string): Promise<ConditionalAccessPolicyRead | undefined> {
    const found = await graph.request("GET", graphPaths.conditionalAccessPolicy(id), {
        schema: conditionalAccessPolicySchema(),
        allow404: true,
    });
    return found?.body as ConditionalAccessPolicyRead | undefined;
}

/** Only the declared properties: inputs from the engine also carry `__provider`, which must never reach Graph. */
const declared = (p: ConditionalAccessPolicyInputs): DeclaredConditionalAccessPolicy => ({
    displayName: p.displayName,
    state: p.state,
    includeGroups: p.includeGroups,
    excludeGroups: p.excludeGroups,
    includeApplications: p.includeApplications,
});

async function assertMayWrite(graph: GraphClient, method: "POST" | "PATCH", path: string, what: string) {
    await graph.assertPermissions(requiredPermissionSets(method, path), what);
}

export const conditionalAccessPolicyProvider = dynamicProvider<
    ConditionalAccessPolicyInputs,
    ConditionalAccessPolicyOutputs,
    GraphConnection,
    GraphClient
>({
    service: () => graphService,
    describe: (p) => `Conditional Access policy '${p?.displayName ?? ""}'`,
    inputsSchema: conditionalAccessPolicyInputsSchema,
    properties: ["displayName", "state", "includeGroups", "excludeGroups", "includeApplications"],

    async create(graph, inputs) {
        const path = graphPaths.conditionalAccessPolicies;
        await assertMayWrite(graph, "POST", path, "Creating the Conditional Access policy");
        const answer = await graph.request("POST", path, {
            body: conditionalAccessPolicyBody(declared(inputs)),
            schema: conditionalAccessPolicySchema(),
        });
        const created = answer!.body as ConditionalAccessPolicyRead;
        return { id: created.id, outs: declared(inputs) };
    },

    async read(graph, id, state) {
        const found = await readPolicy(graph, id);
        if (!found) return {};
        const props = declaredOf(found, state?.excludeGroups);
        return { id, props, inputs: props };
    },

    async update(graph, id, olds, news) {
        const path = graphPaths.conditionalAccessPolicy(id);
        await assertMayWrite(graph, "PATCH", path, "Changing the Conditional Access policy");
        // One read: `conditions.users` as it is now, sent back whole (Graph may replace a complex
        // value a PATCH names), so the users, roles and exclusion groups someone else added stay.
        const users = (await readPolicy(graph, id))?.conditions?.users ?? undefined;
        const current = users?.excludeGroups ?? [];
        const others = current.filter((g) => !olds.excludeGroups.includes(g) && !news.excludeGroups.includes(g));
        const body = conditionalAccessPolicyBody(
            { ...declared(news), excludeGroups: [...news.excludeGroups, ...others].sort() },
            users,
        );
        await graph.request("PATCH", path, { body });
        return declared(news);
    },

    async delete(graph, id) {
        await graph.request("DELETE", graphPaths.conditionalAccessPolicy(id), { allow404: true });
    },
});

export const conditionalAccessPolicyType = dynamicResourceType("conditionalAccess", "Policy");

const engineProvider = providerThroughModule(__filename, { conditionalAccessPolicyProvider });

export type ConditionalAccessPolicyArgs = ArgsOf<ConditionalAccessPolicyInputs>;

// Declaration merging: one typed Output per field of the outputs (see lookout/intuneConnector.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ConditionalAccessPolicy extends OutputsOf<ConditionalAccessPolicyOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ConditionalAccessPolicy extends ModuleResource {
    constructor(name: string, args: ConditionalAccessPolicyArgs, opts?: pulumi.CustomResourceOptions) {
        super(conditionalAccessPolicyType, engineProvider, name, args, opts);
    }
}
