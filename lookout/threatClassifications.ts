/**
 * Lookout threat classification risk levels (Protections > Policies) as a dynamic resource. Only
 * the classifications named in `riskLevels` are managed; every other one keeps Lookout's level.
 *
 * The classifications are one collection with one ETag, which console edits to classifications this
 * stack does not manage also change. So instead of `If-Match` on the stack's last ETag, a write first
 * reads the collection and refuses when a *managed* level differs from what the stack last saw.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type RiskLevel, riskLevels, threatClassificationListSchema } from "../../contract/lookout/schemas";
import { changedProperties, checkWith } from "../checks";
import { lookoutPaths } from "../../contract/lookout/routes";
import type { LookoutClient } from "./client";
import { connectionFromConfig, type LookoutConnection, lookoutClientOf } from "./connection";

export interface ThreatClassificationsArgs {
    /** Risk level per classification name, e.g. `{ SIDELOADED_APP: "high" }`. */
    riskLevels: pulumi.Input<Record<string, pulumi.Input<RiskLevel>>>;
}

export interface ThreatClassificationsInputs {
    riskLevels: Record<string, RiskLevel>;
}

export interface ThreatClassificationsOutputs extends ThreatClassificationsInputs {
    /** Levels of the managed classifications before this stack set them, restored on delete. */
    previous: Record<string, RiskLevel>;
}

export function threatClassificationsInputsSchema() {
    return z
        .object({
            riskLevels: z
                .record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "classification names are UPPER_SNAKE_CASE, e.g. SIDELOADED_APP"), z.enum(riskLevels))
                .refine((levels) => Object.keys(levels).length > 0, "name at least one classification"),
        })
        .strict();
}

type ProviderThis = { connection?: LookoutConnection; client?: LookoutClient };
const what = "Lookout threat classifications";

function sorted(levels: Record<string, RiskLevel>): Record<string, RiskLevel> {
    return Object.fromEntries(Object.entries(levels).sort(([a], [b]) => a.localeCompare(b)));
}

async function readLevels(provider: ProviderThis) {
    const client = lookoutClientOf(provider);
    const response = await client.request("GET", lookoutPaths.threatClassifications, { schema: threatClassificationListSchema() });
    const levels = Object.fromEntries(response!.body.classifications.map((c) => [c.name, c.riskLevel])) as Record<string, RiskLevel>;
    return { client, levels, etag: response!.etag };
}

/** Refuses to write over a managed level that someone changed since the stack last saw it. */
function assertUnchanged(expected: Record<string, RiskLevel>, remote: Record<string, RiskLevel>) {
    const changed = Object.keys(expected).filter((name) => remote[name] !== expected[name]);
    if (changed.length > 0) {
        throw new Error(
            `${what}: ${changed.map((n) => `${n} is '${remote[n]}' in Lookout, the stack last saw '${expected[n]}'`).join("; ")}. ` +
                "They were changed outside Pulumi; run `pulumi refresh` to see the change, then `pulumi up`.",
        );
    }
}

function unknownNames(names: string[], remote: Record<string, RiskLevel>) {
    const unknown = names.filter((n) => !(n in remote));
    if (unknown.length > 0) {
        throw new Error(`${what}: unknown classification(s) ${unknown.join(", ")}; Lookout knows ${Object.keys(remote).join(", ")}.`);
    }
}

export const threatClassificationsProvider: pulumi.dynamic.ResourceProvider<ThreatClassificationsInputs, ThreatClassificationsOutputs> = {
    async configure(this: ProviderThis, req: pulumi.dynamic.ConfigureRequest) {
        this.connection = connectionFromConfig(req.config);
        this.client = undefined;
    },

    async check(_olds: ThreatClassificationsInputs, news: ThreatClassificationsInputs) {
        const result = checkWith(threatClassificationsInputsSchema(), news as unknown as Record<string, unknown>);
        return result.failures ? result : { inputs: { riskLevels: sorted(result.inputs!.riskLevels) } };
    },

    async diff(_id: string, olds: ThreatClassificationsOutputs, news: ThreatClassificationsInputs) {
        const changes = changedProperties<ThreatClassificationsInputs>({ riskLevels: sorted(olds.riskLevels ?? {}) }, { riskLevels: sorted(news.riskLevels) }, ["riskLevels"]);
        return { changes: changes.length > 0 };
    },

    async create(this: ProviderThis, inputs: ThreatClassificationsInputs) {
        await lookoutClientOf(this).assertCanWrite(`${what}: setting risk levels`);
        const { client, levels, etag } = await readLevels(this);
        unknownNames(Object.keys(inputs.riskLevels), levels);
        const previous = sorted(Object.fromEntries(Object.keys(inputs.riskLevels).map((n) => [n, levels[n]])));
        await client.request("PATCH", lookoutPaths.threatClassifications, { body: { riskLevels: inputs.riskLevels }, ifMatch: etag });
        return { id: "threat-classifications", outs: { riskLevels: sorted(inputs.riskLevels), previous } };
    },

    async read(this: ProviderThis, id: string, props?: ThreatClassificationsOutputs) {
        const state = props as ThreatClassificationsOutputs;
        const { levels } = await readLevels(this);
        const riskLevels = sorted(
            Object.fromEntries(
                Object.keys(state.riskLevels)
                    .filter((n) => n in levels)
                    .map((n) => [n, levels[n]]),
            ),
        );
        return { id, props: { riskLevels, previous: state.previous }, inputs: { riskLevels } as ThreatClassificationsOutputs };
    },

    async update(this: ProviderThis, _id: string, olds: ThreatClassificationsOutputs, news: ThreatClassificationsInputs) {
        await lookoutClientOf(this).assertCanWrite(`${what}: changing risk levels`);
        const { client, levels, etag } = await readLevels(this);
        assertUnchanged(olds.riskLevels, levels);
        unknownNames(Object.keys(news.riskLevels), levels);
        const released = Object.keys(olds.riskLevels).filter((n) => !(n in news.riskLevels));
        const previous: Record<string, RiskLevel> = {};
        for (const name of Object.keys(news.riskLevels)) previous[name] = olds.previous[name] ?? levels[name];
        const body = { riskLevels: { ...Object.fromEntries(released.map((n) => [n, olds.previous[n] ?? levels[n]])), ...news.riskLevels } };
        await client.request("PATCH", lookoutPaths.threatClassifications, { body, ifMatch: etag });
        return { outs: { riskLevels: sorted(news.riskLevels), previous: sorted(previous) } };
    },

    async delete(this: ProviderThis, _id: string, props: ThreatClassificationsOutputs) {
        const { client, levels, etag } = await readLevels(this);
        assertUnchanged(props.riskLevels, levels);
        const restore = Object.fromEntries(
            Object.keys(props.riskLevels)
                .filter((n) => n in levels)
                .map((n) => [n, props.previous[n] ?? levels[n]]),
        );
        if (Object.keys(restore).length === 0) return;
        await client.request("PATCH", lookoutPaths.threatClassifications, { body: { riskLevels: restore }, ifMatch: etag });
    },
};

export class ThreatClassifications extends pulumi.dynamic.Resource {
    declare readonly riskLevels: pulumi.Output<Record<string, RiskLevel>>;
    declare readonly previous: pulumi.Output<Record<string, RiskLevel>>;

    constructor(name: string, args: ThreatClassificationsArgs, opts?: pulumi.CustomResourceOptions) {
        super(threatClassificationsProvider, name, { ...args, previous: undefined }, opts, "lookout", "ThreatClassifications");
    }
}
