/**
 * The CRUD shape shared by Lookout settings that are one JSON document at one URL (the Intune
 * connector, a user's notification preferences): GET answers 404 while nothing is stored, PUT
 * stores with an ETag, DELETE removes.
 *
 * - `create` adopts what already exists: it records the remote document as `previous` and
 *   overwrites it, so nothing fails because a console user set it up by hand.
 * - `update` and `delete` send `If-Match` with the ETag of the last read, so a console edit made
 *   since then is refused (412) instead of being overwritten silently.
 * - `delete` leaves the tenant as it was before the stack: it restores `previous`, or removes the
 *   document when there was none.
 *
 * Every function here is captured by value when Pulumi serializes a provider, so nothing in this
 * module may hold native objects at module scope.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { changedProperties, checkWith } from "../checks";
import type { LookoutClient } from "./client";
import { connectionFromConfig, type LookoutConnection, lookoutClientOf } from "./connection";

export interface DocumentOutputs<P> {
    /** ETag of the remote document after the last write or refresh. */
    etag: string;
    /** The document as it was before this stack adopted it; `null` when there was none. */
    previous: P | null;
}

export interface DocumentSpec<I extends object, P> {
    /** What a user calls it, for messages: "Lookout Intune connector". */
    describe(inputs: I): string;
    path(inputs: I): string;
    id(inputs: I): string;
    inputsSchema(): z.ZodType<I>;
    payloadSchema(): z.ZodType<P>;
    toPayload(inputs: I): P;
    fromPayload(payload: P, identity: I): I;
    /** Every input property, in the order diffs list them. */
    properties: ReadonlyArray<keyof I>;
    /** Input properties that name a different remote object, so a change replaces the resource. */
    replaceOn: ReadonlyArray<keyof I>;
}

type ProviderThis = { connection?: LookoutConnection; client?: LookoutClient };

export function documentProvider<I extends object, P>(spec: DocumentSpec<I, P>): pulumi.dynamic.ResourceProvider<I, I & DocumentOutputs<P>> {
    function explain(err: unknown, inputs: I): Error {
        const e = err as Error;
        return Object.assign(new Error(`${spec.describe(inputs)}: ${e.message}`), { cause: err });
    }

    return {
        async configure(this: ProviderThis, req: pulumi.dynamic.ConfigureRequest) {
            this.connection = connectionFromConfig(req.config);
            this.client = undefined;
        },

        async check(_olds: I, news: I) {
            return checkWith(spec.inputsSchema(), news as Record<string, unknown>);
        },

        async diff(_id: string, olds: I & DocumentOutputs<P>, news: I) {
            const changes = changedProperties<I>(olds, news, spec.properties);
            const replaces = changes.filter((p) => spec.replaceOn.includes(p as keyof I));
            return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
        },

        async create(this: ProviderThis, inputs: I) {
            try {
                const client = lookoutClientOf(this);
                await client.assertCanWrite("Configuring it");
                const existing = await client.request("GET", spec.path(inputs), { schema: spec.payloadSchema(), allow404: true });
                const written = await client.request("PUT", spec.path(inputs), {
                    body: spec.toPayload(inputs),
                    ifMatch: existing?.etag,
                    schema: spec.payloadSchema(),
                });
                const outs = { ...spec.fromPayload(written!.body, inputs), etag: written!.etag ?? "", previous: existing?.body ?? null };
                return { id: spec.id(inputs), outs };
            } catch (err) {
                throw explain(err, inputs);
            }
        },

        async read(this: ProviderThis, id: string, props?: I & DocumentOutputs<P>) {
            const state = props as I & DocumentOutputs<P>;
            try {
                const client = lookoutClientOf(this);
                const current = await client.request("GET", spec.path(state), { schema: spec.payloadSchema(), allow404: true });
                // Gone remotely: an empty result tells the engine the resource no longer exists.
                if (!current) return {};
                const inputs = spec.fromPayload(current.body, state);
                const props = { ...inputs, etag: current.etag ?? "", previous: state.previous ?? null };
                // The SDK types `inputs` as outputs; refresh stores what is remote as the new inputs.
                return { id, props, inputs: inputs as I & DocumentOutputs<P> };
            } catch (err) {
                throw explain(err, state);
            }
        },

        async update(this: ProviderThis, _id: string, olds: I & DocumentOutputs<P>, news: I) {
            try {
                const client = lookoutClientOf(this);
                await client.assertCanWrite("Changing it");
                const written = await client.request("PUT", spec.path(news), {
                    body: spec.toPayload(news),
                    ifMatch: olds.etag || undefined,
                    schema: spec.payloadSchema(),
                });
                return { outs: { ...spec.fromPayload(written!.body, news), etag: written!.etag ?? "", previous: olds.previous ?? null } };
            } catch (err) {
                throw explain(err, news);
            }
        },

        async delete(this: ProviderThis, _id: string, props: I & DocumentOutputs<P>) {
            try {
                const client = lookoutClientOf(this);
                const ifMatch = props.etag || undefined;
                if (props.previous) {
                    await client.request("PUT", spec.path(props), { body: props.previous, ifMatch });
                    return;
                }
                await client.request("DELETE", spec.path(props), { ifMatch, allow404: true });
            } catch (err) {
                throw explain(err, props);
            }
        },
    };
}
