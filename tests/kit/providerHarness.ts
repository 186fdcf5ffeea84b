/** Calls a dynamic provider's methods the way the engine does: configure first, then CRUD. */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphConnection } from "../../providers/graph/connection";
import type { LookoutConnection } from "../../providers/lookout/connection";
import { lazyHandle } from "./lazyHandle";
import { type EmulatedTenant, useEmulatedTenant } from "./lookoutEmulator";

/**
 * Configures `provider` from stack config pointing at the emulator, then hands it the test's
 * connection (which adds a fast retry policy and, for Graph, the emulator app's credentials).
 */
export async function configured<I, O>(
    provider: pulumi.dynamic.ResourceProvider<I, O>,
    connection: LookoutConnection | GraphConnection,
) {
    const values: Record<string, string | undefined> =
        "applicationKey" in connection
            ? { "lookout:baseUrl": connection.baseUrl, "lookout:applicationKey": connection.applicationKey }
            : {
                  "graph:baseUrl": connection.baseUrl,
                  "graph:authorityHost": (connection as GraphConnection).authorityHost,
              };
    const config: pulumi.dynamic.Config = {
        get: (key: string) => values[key],
        require: (key: string) => {
            const value = values[key];
            if (value === undefined) throw new Error(`missing ${key}`);
            return value;
        },
    };
    const self = Object.create(provider) as pulumi.dynamic.ResourceProvider<I, O> & {
        connection?: LookoutConnection | GraphConnection;
    };
    await self.configure!({ config });
    if (self.connection?.baseUrl !== connection.baseUrl)
        throw new Error("configure did not read the base URL from stack config");
    self.connection = connection;
    const p = self as Required<pulumi.dynamic.ResourceProvider<I, O>>;
    return {
        check: p.check.bind(p),
        diff: p.diff.bind(p),
        read: p.read.bind(p),
        delete: p.delete.bind(p),
        /** Fails the test unless create returns outputs, as the engine requires. */
        async create(inputs: I): Promise<{ id: string; outs: O }> {
            const result = await p.create(inputs);
            if (result.outs === undefined) throw new Error("create returned no outputs");
            return { id: result.id, outs: result.outs };
        },
        async update(id: string, olds: O, news: I): Promise<{ outs: O }> {
            const result = await p.update(id, olds, news);
            if (result.outs === undefined) throw new Error("update returned no outputs");
            return { outs: result.outs };
        },
    };
}

export type ConfiguredProvider<I, O> = Awaited<ReturnType<typeof configured<I, O>>>;

/**
 * For every test of the suite where it is called: a fresh emulated tenant, and `provider`
 * configured against its Lookout API or its Graph.
 */
export function useProvider<I, O>(
    provider: pulumi.dynamic.ResourceProvider<I, O>,
    service: "lookout" | "graph",
): { tenant: EmulatedTenant; provider: ConfiguredProvider<I, O> } {
    const tenant = useEmulatedTenant({ eachTest: true });
    const configuredProvider = lazyHandle<ConfiguredProvider<I, O>>("the configured provider");
    beforeEach(async () => {
        configuredProvider.set(await configured(provider, service === "lookout" ? tenant.connection : tenant.graph));
    });
    afterEach(() => configuredProvider.set(undefined));
    return { tenant, provider: configuredProvider.handle };
}
