/**
 * An Intune device compliance policy that marks a device non-compliant when Lookout reports a
 * threat at or above a level, assigned to groups, as a dynamic resource. One per platform:
 * Android device administrator, Android work profile, iOS/iPadOS (`compliancePolicyTypes`; Graph
 * v1.0 has no compliance policy type for Android Enterprise fully managed devices).
 *
 * Graph requires exactly one scheduled action rule with one `block` action at creation and does
 * not let it be patched.
 *
 * Creating first looks for a policy of the same type and display name and adopts it: a policy made
 * by hand is taken over (and what the stack changed on it is given back on delete), and a run whose
 * create answer was lost does not make a second policy on the next `up`.
 *
 * Precise writes: a PATCH carries only the threat settings, name and description that differ from
 * the policy (plus the `@odata.type` Graph requires), so password rules and every other setting an
 * admin made stay as they are. Assignments are owned precisely (policyAssignments.ts): the stack
 * adds the managed groups' assignments one at a time and removes only those it added; other
 * admins' targets and every target's filter are never written, and destroy leaves a policy that
 * others have assigned since, removing only the stack's assignments.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { graphPaths, requiredPermission } from "../../contract/graph/routes";
import {
    anyCompliancePolicySchema,
    blockRule,
    type CompliancePlatform,
    compliancePlatformSchema,
    compliancePolicyTypes,
    platformOfType,
    type RequiredSecurityLevel,
    requiredSecurityLevelSchema,
    type ThreatPolicyRead,
    threatPolicySchema,
    type ThreatPolicySettings,
    type ThreatPolicyWrite,
} from "../../contract/graph/schemas";
import { changedProperties, differingEntries } from "../checks";
import {
    type ArgsOf,
    dynamicProvider,
    dynamicResourceType,
    ModuleResource,
    type OutputsOf,
    providerThroughModule,
} from "../provider";
import type { GraphClient } from "../graph/client";
import { outcomeUnknown, pause } from "../http/retry";
import { addGroups, assignmentsOf, groupIdsOf, othersAssigned, removeGroups } from "./policyAssignments";
import { type GraphConnection, graphService } from "../graph/connection";

/**
 * The description of policies this stack creates. Finding it on a policy at create time means an
 * earlier run created the policy and was interrupted before recording it: that policy is taken
 * back as the stack's own (deleted on destroy), not adopted as hand-made (restored on destroy).
 */
export const managedPolicyDescription =
    "Created by lookout-mtp (Pulumi): non-compliant when Lookout reports a threat above the required level.";

/**
 * `platform` (changing it replaces the policy), `displayName`, `description`, `requiredSecurityLevel`
 * (the highest threat level a device may have and stay compliant) and `groupIds` (the Entra groups
 * it applies to: the enrollment groups), as `compliancePolicyInputsSchema` defines them.
 */
export type ThreatCompliancePolicyArgs = ArgsOf<z.input<ReturnType<typeof compliancePolicyInputsSchema>>>;
export type CompliancePolicyInputs = z.output<ReturnType<typeof compliancePolicyInputsSchema>>;

/** What the stack changed on an adopted policy, as it was before (only the values it changed, and the groups). */
export interface PreviousPolicy {
    description?: string;
    requiredSecurityLevel?: string;
    deviceThreatProtectionEnabled?: boolean;
    groupIds: string[];
}
export interface CompliancePolicyOutputs extends CompliancePolicyInputs {
    /** `null` when the stack created the policy. */
    previous: PreviousPolicy | null;
    /** The groups whose assignment the stack added: the only assignments it removes (absent in states before this record). */
    addedGroupIds?: string[];
}

/** The groups whose assignment the stack added; a state from before the record: the managed groups the policy did not have. */
function addedBy(state: CompliancePolicyOutputs): string[] {
    return state.addedGroupIds ?? state.groupIds.filter((g) => !(state.previous?.groupIds ?? []).includes(g));
}

export function compliancePolicyInputsSchema() {
    return z
        .object({
            platform: compliancePlatformSchema(),
            displayName: z.string().trim().min(1).max(256),
            description: z.string().max(1024).default(managedPolicyDescription),
            requiredSecurityLevel: requiredSecurityLevelSchema(),
            groupIds: z
                .array(z.string().min(1))
                .min(1, "assign the policy to at least one group")
                .transform((ids) => [...new Set(ids)].sort()),
        })
        .strict();
}

/** The threat settings as the stack wants them on the policy. */
function wantedSettings(inputs: CompliancePolicyInputs): ThreatPolicySettings {
    return {
        displayName: inputs.displayName,
        description: inputs.description,
        deviceThreatProtectionEnabled: true,
        deviceThreatProtectionRequiredSecurityLevel: inputs.requiredSecurityLevel,
    };
}

async function patchPolicy(
    graph: GraphClient,
    id: string,
    platform: CompliancePlatform,
    changes: ThreatPolicySettings,
): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    const body: ThreatPolicyWrite = { "@odata.type": compliancePolicyTypes[platform], ...changes };
    await graph.request("PATCH", graphPaths.compliancePolicy(id), { body });
}

/** The tenant's policies of the input's type and name; policies of every other type are skipped unread. */
async function matching(graph: GraphClient, inputs: CompliancePolicyInputs): Promise<ThreatPolicyRead[]> {
    const all = await graph.listAll(graphPaths.compliancePolicies, anyCompliancePolicySchema());
    return all
        .filter(
            (p) => p["@odata.type"] === compliancePolicyTypes[inputs.platform] && p.displayName === inputs.displayName,
        )
        .map((p) => threatPolicySchema().parse(p));
}

/**
 * POSTs the policy. A create is never blindly repeated: when its outcome is unknown (the connection
 * dropped, the answer timed out, or a 500/502 that may hide a success), it looks for a late write
 * every `pollIntervalMs` for one more attempt timeout and takes it; only when none appears does it
 * create again, within the retry policy's attempts. Retries that ran out on 429 or 503 created
 * nothing, and end the run without a look-up.
 */
async function createPolicy(graph: GraphClient, inputs: CompliancePolicyInputs): Promise<ThreatPolicyRead> {
    const body: ThreatPolicyWrite = {
        "@odata.type": compliancePolicyTypes[inputs.platform],
        ...wantedSettings(inputs),
        scheduledActionsForRule: blockRule(),
    };
    const { maxAttempts, attemptTimeoutMs, pollIntervalMs } = graph.policy;
    for (let attempt = 1; ; attempt++) {
        try {
            return (await graph.request("POST", graphPaths.compliancePolicies, { body, schema: threatPolicySchema() }))!
                .body;
        } catch (err) {
            if (!outcomeUnknown(err) || attempt >= maxAttempts) throw err;
        }
        const deadline = Date.now() + attemptTimeoutMs;
        do {
            await pause(pollIntervalMs);
            const [late] = await matching(graph, inputs);
            if (late) return late;
        } while (Date.now() < deadline);
    }
}

/** Takes over a policy found by type and name; returns what the stack changed on it, as it was, and the groups it added. */
async function adopt(
    graph: GraphClient,
    policy: ThreatPolicyRead,
    inputs: CompliancePolicyInputs,
): Promise<Pick<CompliancePolicyOutputs, "previous" | "addedGroupIds">> {
    const assignments = await assignmentsOf(graph, policy.id);
    const current: ThreatPolicySettings = {
        displayName: policy.displayName,
        description: policy.description ?? "",
        deviceThreatProtectionEnabled: policy.deviceThreatProtectionEnabled ?? undefined,
        deviceThreatProtectionRequiredSecurityLevel: (policy.deviceThreatProtectionRequiredSecurityLevel ??
            undefined) as ThreatPolicySettings["deviceThreatProtectionRequiredSecurityLevel"],
    };
    const changes = differingEntries(wantedSettings(inputs), current);
    await patchPolicy(graph, policy.id, inputs.platform, changes);
    const added = await addGroups(graph, policy.id, inputs.groupIds, assignments);
    // The stack's own policy, from a run interrupted before it was recorded: its groups are the stack's.
    if (policy.description === managedPolicyDescription) return { previous: null, addedGroupIds: inputs.groupIds };
    const previous = {
        ...("description" in changes ? { description: current.description ?? "" } : {}),
        ...("deviceThreatProtectionRequiredSecurityLevel" in changes
            ? { requiredSecurityLevel: current.deviceThreatProtectionRequiredSecurityLevel }
            : {}),
        ...("deviceThreatProtectionEnabled" in changes
            ? { deviceThreatProtectionEnabled: current.deviceThreatProtectionEnabled }
            : {}),
        groupIds: groupIdsOf(assignments),
    };
    return { previous, addedGroupIds: added };
}

export const compliancePolicyProvider = dynamicProvider<
    CompliancePolicyInputs,
    CompliancePolicyOutputs,
    GraphConnection,
    GraphClient
>({
    service: () => graphService,
    describe: (props) => `Intune compliance policy '${props?.displayName}'`,
    inputsSchema: compliancePolicyInputsSchema,
    properties: ["platform", "displayName", "description", "requiredSecurityLevel", "groupIds"],
    replaceOn: ["platform"],

    async create(graph, inputs) {
        await graph.assertPermissions(
            [requiredPermission("POST", graphPaths.compliancePolicies)],
            "Creating the policy",
        );
        const existing = await matching(graph, inputs);
        if (existing.length > 1) {
            throw new Error(
                `${existing.length} policies of this type are named '${inputs.displayName}' (${existing.map((p) => p.id).join(", ")}); remove the duplicates or choose another displayName.`,
            );
        }
        if (existing.length === 1)
            return { id: existing[0].id, outs: { ...inputs, ...(await adopt(graph, existing[0], inputs)) } };
        const id = (await createPolicy(graph, inputs)).id;
        try {
            await addGroups(graph, id, inputs.groupIds, []);
        } catch (err) {
            // Not deleted: a throttled tenant would refuse the delete too, and the policy carries the stack's
            // description, so the next run's create takes it back as its own instead of creating another.
            (err as Error).message +=
                ` The policy ${id} was created and waits unassigned; the next \`pulumi up\` takes it back and assigns it.`;
            throw err;
        }
        return { id, outs: { ...inputs, previous: null, addedGroupIds: inputs.groupIds } };
    },

    async read(graph, id, state) {
        const policy = (
            await graph.request("GET", graphPaths.compliancePolicy(id), {
                schema: threatPolicySchema(),
                allow404: true,
            })
        )?.body;
        if (!policy) return {};
        const assigned = groupIdsOf(await assignmentsOf(graph, id));
        const level = policy.deviceThreatProtectionRequiredSecurityLevel ?? "notSet";
        const inputs: CompliancePolicyInputs = {
            platform: platformOfType(policy["@odata.type"]) ?? state!.platform,
            displayName: policy.displayName,
            description: policy.description ?? "",
            // A policy whose threat check was switched off in the portal reads as drift from the declared level.
            requiredSecurityLevel: (policy.deviceThreatProtectionEnabled
                ? level
                : "off (deviceThreatProtectionEnabled is false)") as RequiredSecurityLevel,
            // The managed groups still assigned: another admin's group is theirs, not drift.
            groupIds: state ? state.groupIds.filter((g) => assigned.includes(g)) : assigned,
        };
        const record = state ? { addedGroupIds: addedBy(state) } : {};
        return {
            id,
            props: { ...inputs, previous: state?.previous ?? null, ...record },
            inputs: inputs as CompliancePolicyOutputs,
        };
    },

    async update(graph, id, olds, news) {
        await graph.assertPermissions(
            [requiredPermission("PATCH", graphPaths.compliancePolicy(id))],
            "Changing the policy",
        );
        const before: ThreatPolicySettings = {
            displayName: olds.displayName,
            description: olds.description,
            deviceThreatProtectionEnabled: true,
            deviceThreatProtectionRequiredSecurityLevel: olds.requiredSecurityLevel,
        };
        await patchPolicy(graph, id, news.platform, differingEntries(wantedSettings(news), before));
        const own = addedBy(olds);
        if (changedProperties<CompliancePolicyInputs>(olds, news, ["groupIds"]).length === 0)
            return { ...news, previous: olds.previous ?? null, addedGroupIds: own };
        // A released group loses its assignment only when the stack added it; one that was there before stays.
        const current = await assignmentsOf(graph, id);
        const released = olds.groupIds.filter((g) => !news.groupIds.includes(g));
        await removeGroups(
            graph,
            id,
            released.filter((g) => own.includes(g)),
            current,
        );
        const added = await addGroups(graph, id, news.groupIds, current);
        const addedGroupIds = [...own.filter((g) => !released.includes(g)), ...added].sort();
        return { ...news, previous: olds.previous ?? null, addedGroupIds };
    },

    async delete(graph, id, state) {
        if (!(await graph.request("GET", graphPaths.compliancePolicy(id), { allow404: true }))) return;
        const current = await assignmentsOf(graph, id);
        const own = addedBy(state);
        if (!state.previous) {
            // A policy the stack created goes, unless others assigned it since: then only the stack's groups go.
            if (!othersAssigned(current, own)) {
                await graph.request("DELETE", graphPaths.compliancePolicy(id), { allow404: true });
                return;
            }
            process.stderr.write(
                `lookout-mtp: the compliance policy '${state.displayName}' (${id}) stays: others assigned it since; only the stack's assignments were removed\n`,
            );
            return removeGroups(graph, id, own, current);
        }
        // Only what the stack changed goes back; a policy adopted before this layout recorded all three.
        const { description, requiredSecurityLevel, deviceThreatProtectionEnabled } = state.previous;
        const restore = Object.fromEntries(
            Object.entries({
                description,
                deviceThreatProtectionRequiredSecurityLevel: requiredSecurityLevel,
                deviceThreatProtectionEnabled,
            }).filter(([, v]) => v !== undefined),
        ) as ThreatPolicySettings;
        await patchPolicy(graph, id, state.platform, restore);
        await removeGroups(graph, id, own, current);
        // A state from before the record: that layout's adoption replaced the groups, so the ones it took away come back.
        if (state.addedGroupIds === undefined) await addGroups(graph, id, state.previous.groupIds, current);
    },
});

export const threatCompliancePolicyType = dynamicResourceType("intune", "ThreatCompliancePolicy");

/** What the class hands Pulumi: this provider, reached through the module by its path (see `providerThroughModule`). */
const engineProvider = providerThroughModule(__filename, { compliancePolicyProvider });

// Declaration merging: one typed Output per field of the outputs (see lookout/intuneConnector.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ThreatCompliancePolicy extends OutputsOf<CompliancePolicyOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ThreatCompliancePolicy extends ModuleResource {
    constructor(name: string, args: ThreatCompliancePolicyArgs, opts?: pulumi.CustomResourceOptions) {
        super(threatCompliancePolicyType, engineProvider, name, { ...args, previous: undefined }, opts);
    }
}
