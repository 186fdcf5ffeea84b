/**
 * The Pulumi program's own Graph client (group checks, the tenant ID in graph mode), configured from
 * the `graph:*` stack config and the environment's identity like the Intune providers' clients. One
 * per configuration, so every check of a run shares one token.
 *
 * Program-side only: it keeps a client at module scope, which a dynamic provider must never capture.
 */
import * as pulumi from "@pulumi/pulumi";
import type { GraphClient } from "./client";
import { graphClientFor, graphConnectionFromConfig } from "./connection";

let programClient: { key: string; client: GraphClient } | undefined;

export function programGraphClient(): GraphClient {
    const connection = graphConnectionFromConfig({
        get: (key) => pulumi.runtime.getConfig(key),
        require: (key) => pulumi.runtime.getConfig(key) ?? "",
    });
    const key = JSON.stringify(connection);
    if (programClient?.key !== key) programClient = { key, client: graphClientFor(connection) };
    return programClient.client;
}
