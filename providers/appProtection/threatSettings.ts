/**
 * The two Mobile Threat Defense settings of one app protection policy an admin already has, as a
 * dynamic resource: `maximumAllowedDeviceThreatLevel` and `mobileThreatDefenseRemediationAction`,
 * read and written on Graph beta, the only version that has them (contract/graph/appProtection.ts).
 *
 * Precise by design: every write is a PATCH of only those of the two settings that differ, so no
 * other property of the policy (its apps, assignments, PIN and data rules) is ever sent. The values
 * the stack changed are kept as they were (`previous`), and `delete` puts back those still at the
 * stack's value (one another admin changed since is left as they set it); the policy itself is
 * never created or deleted.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    type AppProtectionPlatform,
    appProtectionPlatforms,
    deviceThreatLevels,
    mtdRemediationActions,
    type ThreatSettingKey,
    threatSettingKeys,
    type ThreatSettings,
    type ThreatSettingsRead,
    threatSettingsReadSchema,
} from "../../contract/graph/appProtection";
import { acceptedPermissions, graphPaths } from "../../contract/graph/routes";
import { differingEntries } from "../checks";
import type { GraphClient } from "../graph/client";
import { type GraphConnection, graphService } from "../graph/connection";
import {
    dynamicProvider,
    dynamicResourceType,
    ModuleResource,
    type OutputsOf,
    providerThroughModule,
} from "../provider";

export interface AppProtectionThreatSettingsInputs extends ThreatSettings {
    platform: AppProtectionPlatform;
    /** The policy's ID (the stack config may name it by display name: the preflight finds it). */
    policyId: string;
    /** The policy's display name, for messages and previews. */
    displayName: string;
}
export interface AppProtectionThreatSettingsOutputs extends AppProtectionThreatSettingsInputs {
    /** The values the stack changed, as they were before: what `delete` puts back. */
    previous: Partial<ThreatSettingsRead>;
}
export type AppProtectionThreatSettingsArgs = {
    [K in keyof AppProtectionThreatSettingsInputs]: pulumi.Input<AppProtectionThreatSettingsInputs[K]>;
};

function inputsSchema() {
    return z.object({
        platform: z.enum(appProtectionPlatforms),
        policyId: z.string().min(1),
        displayName: z.string(),
        maximumAllowedDeviceThreatLevel: z.enum(deviceThreatLevels),
        mobileThreatDefenseRemediationAction: z.enum(mtdRemediationActions),
    });
}

const pick = <T extends object>(from: T, keys: readonly ThreatSettingKey[]) =>
    Object.fromEntries(keys.map((k) => [k, (from as Record<string, unknown>)[k]])) as Partial<ThreatSettingsRead>;

async function readPolicy(graph: GraphClient, inputs: { platform: AppProtectionPlatform; policyId: string }) {
    const path = graphPaths.appProtectionBeta(inputs.platform, inputs.policyId);
    const answer = await graph.request("GET", path, {
        schema: threatSettingsReadSchema(),
        allow404: true,
        version: "beta",
    });
    return answer?.body as (ThreatSettingsRead & { id: string; displayName?: string | null }) | undefined;
}

/** PATCHes the settings of `wanted` that differ from `current` (nothing when none); returns the keys written. */
async function writeDiffering(
    graph: GraphClient,
    inputs: AppProtectionThreatSettingsInputs,
    current: ThreatSettingsRead,
): Promise<ThreatSettingKey[]> {
    const changes = differingEntries(pick(inputs, threatSettingKeys), current);
    const keys = Object.keys(changes) as ThreatSettingKey[];
    if (keys.length === 0) return [];
    const path = graphPaths.appProtectionBeta(inputs.platform, inputs.policyId);
    await graph.request("PATCH", path, { body: changes, version: "beta" });
    return keys;
}

async function requirePolicy(graph: GraphClient, inputs: AppProtectionThreatSettingsInputs) {
    const current = await readPolicy(graph, inputs);
    if (!current)
        throw new Error(
            `the ${inputs.platform} app protection policy '${inputs.displayName}' (${inputs.policyId}) is gone; nothing was changed`,
        );
    return current;
}

async function assertMayWrite(graph: GraphClient, inputs: AppProtectionThreatSettingsInputs, what: string) {
    const path = graphPaths.appProtectionBeta(inputs.platform, inputs.policyId);
    await graph.assertPermissions([acceptedPermissions("PATCH", path, "beta")], what);
}

export const appProtectionThreatSettingsProvider = dynamicProvider<
    AppProtectionThreatSettingsInputs,
    AppProtectionThreatSettingsOutputs,
    GraphConnection,
    GraphClient
>({
    service: () => graphService,
    describe: (p) =>
        `App protection policy '${p?.displayName ?? p?.policyId ?? "?"}' (${p?.platform ?? "?"}) threat settings`,
    inputsSchema,
    properties: ["maximumAllowedDeviceThreatLevel", "mobileThreatDefenseRemediationAction"],
    replaceOn: ["platform", "policyId"],

    async create(graph, inputs) {
        await assertMayWrite(graph, inputs, "Setting the policy's threat level");
        const current = await requirePolicy(graph, inputs);
        const written = await writeDiffering(graph, inputs, current);
        return { id: `${inputs.platform}/${inputs.policyId}`, outs: { ...inputs, previous: pick(current, written) } };
    },

    async read(graph, id, state) {
        const [platform, policyId] = id.split("/") as [AppProtectionPlatform, string];
        const current = await readPolicy(graph, { platform, policyId });
        if (!current) return {};
        const settings = pick(current, threatSettingKeys) as ThreatSettings;
        const base = { platform, policyId, displayName: current.displayName ?? state?.displayName ?? policyId };
        return {
            id,
            props: { ...base, ...settings, previous: state?.previous ?? {} },
            inputs: { ...base, ...settings } as AppProtectionThreatSettingsOutputs,
        };
    },

    async update(graph, _id, olds, news) {
        await assertMayWrite(graph, news, "Changing the policy's threat level");
        const current = await requirePolicy(graph, news);
        const written = await writeDiffering(graph, news, current);
        // A setting changed for the first time: its value now is the one destroy puts back.
        const previous = {
            ...pick(
                current,
                written.filter((k) => !(k in olds.previous)),
            ),
            ...olds.previous,
        };
        return { ...news, previous };
    },

    async delete(graph, _id, state) {
        if (Object.keys(state.previous).length === 0) return;
        // A policy an admin deleted since has nothing to restore.
        const current = await readPolicy(graph, state);
        if (!current) return;
        // A setting another admin changed after the stack is theirs now: only the ones still at the
        // stack's value are put back.
        const keys = (Object.keys(state.previous) as ThreatSettingKey[]).filter((k) => current[k] === state[k]);
        if (keys.length === 0) return;
        const path = graphPaths.appProtectionBeta(state.platform, state.policyId);
        await graph.request("PATCH", path, { body: pick(state.previous, keys), version: "beta", allow404: true });
    },
});

export const appProtectionThreatSettingsType = dynamicResourceType("appProtection", "ThreatSettings");

const engineProvider = providerThroughModule(__filename, { appProtectionThreatSettingsProvider });

// Declaration merging: one typed Output per field of the outputs (see intune/mtdConnector.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AppProtectionThreatSettings extends OutputsOf<AppProtectionThreatSettingsOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AppProtectionThreatSettings extends ModuleResource {
    constructor(name: string, args: AppProtectionThreatSettingsArgs, opts?: pulumi.CustomResourceOptions) {
        super(appProtectionThreatSettingsType, engineProvider, name, { ...args, previous: undefined }, opts);
    }
}
