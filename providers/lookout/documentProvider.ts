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
 * Built on the shared skeleton (`dynamic/provider.ts`), which Pulumi serializes by value: nothing
 * in this module may hold native objects at module scope.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { dynamicProvider, type ResourceSpec } from "../provider";
import type { LookoutClient } from "./client";
import { type LookoutConnection, lookoutService } from "./connection";

export interface DocumentOutputs<P> {
    /** ETag of the remote document after the last write or refresh. */
    etag: string;
    /** The document as it was before this stack adopted it; `null` when there was none. */
    previous: P | null;
}

/** What a single-document setting states for itself; the rest is the skeleton's (`ResourceSpec`). */
export interface DocumentSpec<I extends object, P> extends Pick<
    ResourceSpec<I, I & DocumentOutputs<P>, LookoutConnection, LookoutClient>,
    "describe" | "inputsSchema" | "properties" | "replaceOn"
> {
    path(inputs: I): string;
    id(inputs: I): string;
    payloadSchema(): z.ZodType<P>;
    toPayload(inputs: I): P;
    fromPayload(payload: P, identity: I): I;
}

export function documentProvider<I extends object, P>(
    spec: DocumentSpec<I, P>,
): pulumi.dynamic.ResourceProvider<I, I & DocumentOutputs<P>> {
    type O = I & DocumentOutputs<P>;
    const get = (client: LookoutClient, inputs: I) =>
        client.request("GET", spec.path(inputs), { schema: spec.payloadSchema(), allow404: true });
    const put = (client: LookoutClient, inputs: I, ifMatch: string | undefined) =>
        client
            .request("PUT", spec.path(inputs), { body: spec.toPayload(inputs), ifMatch, schema: spec.payloadSchema() })
            .then((written) => written!);

    return dynamicProvider<I, O, LookoutConnection, LookoutClient>({
        service: () => lookoutService,
        describe: spec.describe,
        inputsSchema: spec.inputsSchema,
        properties: spec.properties,
        replaceOn: spec.replaceOn,

        async create(client, inputs) {
            await client.assertCanWrite("Configuring it");
            const existing = await get(client, inputs);
            const written = await put(client, inputs, existing?.etag);
            return {
                id: spec.id(inputs),
                outs: {
                    ...spec.fromPayload(written.body, inputs),
                    etag: written.etag ?? "",
                    previous: existing?.body ?? null,
                },
            };
        },

        async read(client, id, state) {
            // Checklist mode: Lookout is not read through the settings contract; the stack keeps what it holds.
            if (client.settingsMode === "checklist" && state) return { id, props: state };
            const current = await get(client, state!);
            // Gone remotely: an empty result tells the engine the resource no longer exists.
            if (!current) return {};
            const inputs = spec.fromPayload(current.body, state!);
            // The SDK types `inputs` as outputs; refresh stores what is remote as the new inputs.
            return {
                id,
                props: { ...inputs, etag: current.etag ?? "", previous: state!.previous ?? null },
                inputs: inputs as O,
            };
        },

        async update(client, _id, olds, news) {
            await client.assertCanWrite("Changing it");
            const written = await put(client, news, olds.etag || undefined);
            return {
                ...spec.fromPayload(written.body, news),
                etag: written.etag ?? "",
                previous: olds.previous ?? null,
            };
        },

        async delete(client, _id, state) {
            // Checklist mode (the stack switched to it): released, never reset; the console keeps what it has.
            if (client.settingsMode === "checklist") return;
            const ifMatch = state.etag || undefined;
            if (state.previous) await client.request("PUT", spec.path(state), { body: state.previous, ifMatch });
            else await client.request("DELETE", spec.path(state), { ifMatch, allow404: true });
        },
    });
}
