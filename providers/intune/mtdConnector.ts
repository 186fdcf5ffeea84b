/**
 * Intune's Mobile Threat Defense connector for Lookout for Work, as a dynamic resource
 * (`/deviceManagement/mobileThreatDefenseConnectors/{id}`).
 *
 * Precise by design: the stack manages only the settings its config names, and every write sends
 * only those of them that differ from the connector. Whatever else is set on the connector (the
 * Windows toggles, Defender for Endpoint attach, a setting left out of config) is never sent, so
 * never reset. Creating it adopts a connector that already exists and remembers the values it
 * changed, which `delete` puts back; a connector the stack created is deleted.
 * `partnerState` and `lastHeartbeatDateTime` show whether Lookout is heartbeating.
 */
import * as pulumi from "@pulumi/pulumi";
import { acceptedPermissions, graphPaths } from "../../contract/graph/routes";
import {
    lookoutMtdConnectorId,
    type MtdConnectorRead,
    type MtdConnectorSettingKey,
    type MtdConnectorSettings,
    mtdConnectorSchema,
    mtdConnectorSettingKeys,
    mtdConnectorSettingsSchema,
} from "../../contract/graph/schemas";
import { differingEntries } from "../checks";
import {
    dynamicProvider,
    dynamicResourceType,
    ModuleResource,
    type OutputsOf,
    providerThroughModule,
} from "../provider";
import type { GraphClient } from "../graph/client";
import { tolerateLate } from "../graph/lateObjects";
import { type GraphConnection, graphService } from "../graph/connection";

/**
 * The connector's settings, named as Graph names them (see `mtdConnectorSettingKeys`): Android/iOS
 * enabled, app protection policy evaluation per platform (`...MobileApplicationManagementEnabled`),
 * iOS app metadata collection (corporate and personal), block on missing partner data per platform,
 * block unsupported OS versions, and the days until Lookout counts as unresponsive. A setting left
 * out is left as the tenant has it.
 */
export type MtdConnectorArgs = { [K in MtdConnectorSettingKey]?: pulumi.Input<NonNullable<MtdConnectorSettings[K]>> };

export type MtdConnectorInputs = MtdConnectorSettings;
export interface MtdConnectorOutputs extends MtdConnectorInputs {
    /** unavailable, available, enabled, unresponsive (or a state Graph adds later), as of the last read. */
    partnerState: string;
    /** When Lookout last heartbeated to Intune, as of the last read. */
    lastHeartbeatDateTime: string;
    /** The values this stack changed on an adopted connector, as they were; `null` when the stack created it. */
    previous: MtdConnectorSettings | null;
}

/** The settings the stack manages: those present in `settings`. */
function managedKeys(settings: MtdConnectorSettings): MtdConnectorSettingKey[] {
    return mtdConnectorSettingKeys.filter((k) => settings[k] !== undefined && settings[k] !== null);
}

function pick(connector: MtdConnectorSettings, keys: MtdConnectorSettingKey[]): MtdConnectorSettings {
    return Object.fromEntries(keys.map((k) => [k, connector[k]])) as MtdConnectorSettings;
}

/**
 * The managed settings whose wanted value differs from `current`: exactly what a write must send.
 * Inputs from the engine also carry `__provider`, which must never reach Graph.
 */
function changesTo(wanted: MtdConnectorSettings, current: MtdConnectorSettings): MtdConnectorSettings {
    return differingEntries(pick(wanted, managedKeys(wanted)), current);
}

function outputsOf(
    connector: MtdConnectorRead,
    managed: MtdConnectorSettingKey[],
    previous: MtdConnectorSettings | null,
): MtdConnectorOutputs {
    return {
        ...pick(connector, managed),
        partnerState: connector.partnerState ?? "unavailable",
        lastHeartbeatDateTime: connector.lastHeartbeatDateTime ?? "",
        previous,
    };
}

const path = graphPaths.mtdConnector(lookoutMtdConnectorId);

async function readConnector(graph: GraphClient): Promise<MtdConnectorRead | undefined> {
    return (await graph.request("GET", path, { schema: mtdConnectorSchema(), allow404: true }))?.body as
        MtdConnectorRead | undefined;
}

/** PATCHes only `changes` (nothing when empty); Graph answers with the connector, or nothing. */
async function patchConnector(
    graph: GraphClient,
    current: MtdConnectorRead,
    changes: MtdConnectorSettings,
): Promise<MtdConnectorRead> {
    if (managedKeys(changes).length === 0) return current;
    const answer = await graph.request("PATCH", path, { body: changes, schema: mtdConnectorSchema().optional() });
    return (answer?.body as MtdConnectorRead | undefined) ?? { ...current, ...changes };
}

/**
 * Lookout's connector is named by its partner ID, which the create sends; Learn's create example
 * sends none, so a service may name a new connector itself. Such a connector is not Lookout's for
 * Intune (and every run would create another): it is removed again, and the run stops with the
 * admin center's steps, after which the stack adopts the connector Intune made.
 */
async function undoForeignId(graph: GraphClient, id: string): Promise<never> {
    // A 404 may mean "not replicated yet": repeated for a while, then taken as gone.
    await tolerateLate(graph, `the new connector ${id}`, () =>
        graph.request("DELETE", graphPaths.mtdConnector(id)),
    ).catch((err: { status?: number }) => {
        if (err.status !== 404) throw err;
    });
    throw new Error(
        `Intune named the new connector ${id} instead of Lookout's partner ID ${lookoutMtdConnectorId}, so it was removed again. Set the connector up in the Intune admin center: Tenant administration > Connectors and tokens > Mobile Threat Defense > Add, select Lookout for Work, Create; then run \`pulumi up\` again, which adopts it.`,
    );
}

export const mtdConnectorProvider = dynamicProvider<
    MtdConnectorInputs,
    MtdConnectorOutputs,
    GraphConnection,
    GraphClient
>({
    service: () => graphService,
    describe: () => "Intune Mobile Threat Defense connector for Lookout",
    inputsSchema: mtdConnectorSettingsSchema,
    // The managed settings are whichever the inputs name, so the diff compares those of either side.
    properties: (olds, news) =>
        [...new Set([...managedKeys(olds), ...managedKeys(news)])].filter((k) => olds[k] !== news[k]),

    async create(graph, inputs) {
        await graph.assertPermissions([acceptedPermissions("PATCH", path)], "Enabling the connector");
        const managed = managedKeys(inputs);
        const existing = await readConnector(graph);
        if (existing) {
            const changes = changesTo(inputs, existing);
            const written = await patchConnector(graph, existing, changes);
            return {
                id: lookoutMtdConnectorId,
                outs: outputsOf(written, managed, pick(existing, managedKeys(changes))),
            };
        }
        // The POST names the connector's id, so repeating it is harmless: a repeat that finds it
        // created by an earlier attempt answers 409, and the settings are then patched.
        const created = await graph
            .request("POST", graphPaths.mtdConnectors, {
                body: { id: lookoutMtdConnectorId, ...pick(inputs, managed) },
                schema: mtdConnectorSchema(),
                idempotent: true,
            })
            .then((answer) => answer!.body as MtdConnectorRead)
            .catch(async (err: { status?: number }) => {
                if (err.status !== 409) throw err;
                const current = (await readConnector(graph))!;
                return patchConnector(graph, current, changesTo(inputs, current));
            });
        if (created.id !== lookoutMtdConnectorId) await undoForeignId(graph, created.id);
        return { id: lookoutMtdConnectorId, outs: outputsOf(created, managed, null) };
    },

    async read(graph, id, state) {
        const current = await readConnector(graph);
        if (!current) return {};
        const managed = state ? managedKeys(state) : [...mtdConnectorSettingKeys];
        return {
            id,
            props: outputsOf(current, managed, state?.previous ?? null),
            inputs: pick(current, managed) as MtdConnectorOutputs,
        };
    },

    async update(graph, _id, olds, news) {
        await graph.assertPermissions([acceptedPermissions("PATCH", path)], "Changing the connector");
        const managed = managedKeys(news);
        const newlyManaged = managed.filter((k) => !managedKeys(olds).includes(k));
        // A setting the stack starts managing on an adopted connector: its current value is what
        // destroy restores, so it is read before the write (one read, only then).
        const { previous: _previous, ...oldSettings } = olds;
        const known: MtdConnectorRead = { id: lookoutMtdConnectorId, ...oldSettings };
        const current =
            newlyManaged.length > 0 && olds.previous !== null ? ((await readConnector(graph)) ?? known) : known;
        const changes = changesTo(news, current);
        const written = await patchConnector(graph, current, changes);
        let previous = olds.previous;
        if (previous !== null) {
            // Released settings are no longer restored; newly changed ones remember their value.
            previous = pick(
                previous,
                managedKeys(previous).filter((k) => managed.includes(k)),
            );
            for (const k of managedKeys(changes)) if (!(k in previous)) Object.assign(previous, { [k]: current[k] });
        }
        return outputsOf({ ...current, ...written }, managed, previous);
    },

    async delete(graph, _id, state) {
        if (state.previous === null) await graph.request("DELETE", path, { allow404: true });
        else if (managedKeys(state.previous).length > 0) await graph.request("PATCH", path, { body: state.previous });
    },
});

export const mtdConnectorType = dynamicResourceType("intune", "MtdConnector");

/** What the class hands Pulumi: this provider, reached through the module by its path (see `providerThroughModule`). */
const engineProvider = providerThroughModule(__filename, { mtdConnectorProvider });

// Declaration merging: one typed Output per field of the outputs (see lookout/intuneConnector.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface MtdConnector extends OutputsOf<MtdConnectorOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class MtdConnector extends ModuleResource {
    constructor(name: string, args: MtdConnectorArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            mtdConnectorType,
            engineProvider,
            name,
            { ...args, partnerState: undefined, lastHeartbeatDateTime: undefined, previous: undefined },
            opts,
        );
    }
}
