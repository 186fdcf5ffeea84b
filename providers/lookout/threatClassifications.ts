/**
 * Lookout threat classification risk levels (Protections > Policies) as a dynamic resource. Only
 * the classifications named in `riskLevels` are managed; every other one keeps Lookout's level.
 *
 * The classifications are one collection with one ETag, which console edits to classifications this
 * stack does not manage also change. So instead of `If-Match` on the stack's last ETag, a write first
 * reads the collection and refuses when a *managed* level differs from what the stack last saw.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    type RiskLevel,
    threatClassificationListSchema,
    threatClassificationPatchSchema,
} from "../../contract/lookout/schemas";
import { lookoutPaths } from "../../contract/lookout/routes";
import {
    type ArgsOf,
    dynamicProvider,
    dynamicResourceType,
    ModuleResource,
    type OutputsOf,
    providerThroughModule,
} from "../provider";
import type { LookoutClient } from "./client";
import { lookoutService } from "./connection";

/** `riskLevels`: risk level per classification name, e.g. `{ SIDELOADED_APP: "high" }`. */
export type ThreatClassificationsArgs = ArgsOf<ThreatClassificationsInputs>;

export interface ThreatClassificationsInputs {
    riskLevels: Record<string, RiskLevel>;
}

export interface ThreatClassificationsOutputs extends ThreatClassificationsInputs {
    /** Levels of the managed classifications before this stack set them, restored on delete. */
    previous: Record<string, RiskLevel>;
}

/** The contract's PATCH body, sorted by name so that order never shows as a change. */
export function threatClassificationsInputsSchema() {
    return threatClassificationPatchSchema().transform(({ riskLevels }) => ({ riskLevels: sorted(riskLevels) }));
}

function sorted(levels: Record<string, RiskLevel>): Record<string, RiskLevel> {
    return Object.fromEntries(Object.entries(levels).sort(([a], [b]) => a.localeCompare(b)));
}

async function readLevels(client: LookoutClient) {
    const response = await client.request("GET", lookoutPaths.threatClassifications, {
        schema: threatClassificationListSchema(),
    });
    const levels = Object.fromEntries(response!.body.classifications.map((c) => [c.name, c.riskLevel])) as Record<
        string,
        RiskLevel
    >;
    return { levels, etag: response!.etag };
}

/** Refuses to write over a managed level that someone changed since the stack last saw it. */
function assertUnchanged(expected: Record<string, RiskLevel>, remote: Record<string, RiskLevel>) {
    const changed = Object.keys(expected).filter((name) => remote[name] !== expected[name]);
    if (changed.length > 0) {
        throw new Error(
            `${changed.map((n) => `${n} is '${remote[n]}' in Lookout, the stack last saw '${expected[n]}'`).join("; ")}. ` +
                "They were changed outside Pulumi; run `pulumi refresh` to see the change, then `pulumi up`.",
        );
    }
}

function assertKnown(names: string[], remote: Record<string, RiskLevel>) {
    const unknown = names.filter((n) => !(n in remote));
    if (unknown.length > 0) {
        throw new Error(
            `unknown classification(s) ${unknown.join(", ")}; Lookout knows ${Object.keys(remote).join(", ")}.`,
        );
    }
}

function patch(client: LookoutClient, riskLevels: Record<string, RiskLevel>, etag: string | undefined) {
    return client.request("PATCH", lookoutPaths.threatClassifications, { body: { riskLevels }, ifMatch: etag });
}

export const threatClassificationsProvider = dynamicProvider<
    ThreatClassificationsInputs,
    ThreatClassificationsOutputs,
    unknown,
    LookoutClient
>({
    service: () => lookoutService,
    describe: () => "Lookout threat classifications",
    inputsSchema: threatClassificationsInputsSchema,
    properties: (olds, news) =>
        JSON.stringify(sorted(olds.riskLevels ?? {})) === JSON.stringify(sorted(news.riskLevels)) ? [] : ["riskLevels"],

    async create(client, inputs) {
        await client.assertCanWrite("setting risk levels");
        const { levels, etag } = await readLevels(client);
        assertKnown(Object.keys(inputs.riskLevels), levels);
        const previous = sorted(Object.fromEntries(Object.keys(inputs.riskLevels).map((n) => [n, levels[n]])));
        await patch(client, inputs.riskLevels, etag);
        return { id: "threat-classifications", outs: { riskLevels: sorted(inputs.riskLevels), previous } };
    },

    async read(client, id, state) {
        // Checklist mode: Lookout is not read through the settings contract; the stack keeps what it holds.
        if (client.settingsMode === "checklist" && state) return { id, props: state };
        const { levels } = await readLevels(client);
        const managed = Object.keys(state?.riskLevels ?? {}).filter((n) => n in levels);
        const riskLevels = sorted(Object.fromEntries(managed.map((n) => [n, levels[n]])));
        return {
            id,
            props: { riskLevels, previous: state?.previous ?? {} },
            inputs: { riskLevels } as ThreatClassificationsOutputs,
        };
    },

    async update(client, _id, olds, news) {
        await client.assertCanWrite("changing risk levels");
        const { levels, etag } = await readLevels(client);
        assertUnchanged(olds.riskLevels, levels);
        assertKnown(Object.keys(news.riskLevels), levels);
        // Classifications the stack stops managing get their level from before the stack back.
        const released = Object.keys(olds.riskLevels).filter((n) => !(n in news.riskLevels));
        const previous: Record<string, RiskLevel> = {};
        for (const name of Object.keys(news.riskLevels)) previous[name] = olds.previous[name] ?? levels[name];
        await patch(
            client,
            { ...Object.fromEntries(released.map((n) => [n, olds.previous[n] ?? levels[n]])), ...news.riskLevels },
            etag,
        );
        return { riskLevels: sorted(news.riskLevels), previous: sorted(previous) };
    },

    async delete(client, _id, state) {
        // Checklist mode (the stack switched to it): released, the console keeps what it has.
        if (client.settingsMode === "checklist") return;
        const { levels, etag } = await readLevels(client);
        assertUnchanged(state.riskLevels, levels);
        const managed = Object.keys(state.riskLevels).filter((n) => n in levels);
        if (managed.length > 0)
            await patch(client, Object.fromEntries(managed.map((n) => [n, state.previous[n] ?? levels[n]])), etag);
    },
});

export const threatClassificationsType = dynamicResourceType("lookout", "ThreatClassifications");

/** What the class hands Pulumi: this provider, reached through the module by its path (see `providerThroughModule`). */
const engineProvider = providerThroughModule(__filename, { threatClassificationsProvider });

// Declaration merging: one typed Output per field of the outputs (see intuneConnector.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ThreatClassifications extends OutputsOf<ThreatClassificationsOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ThreatClassifications extends ModuleResource {
    constructor(name: string, args: ThreatClassificationsArgs, opts?: pulumi.CustomResourceOptions) {
        super(threatClassificationsType, engineProvider, name, { ...args, previous: undefined }, opts);
    }
}
