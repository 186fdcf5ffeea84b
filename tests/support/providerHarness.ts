/** Calls a dynamic provider's methods the way the engine does: configure first, then CRUD. */
import type * as pulumi from "@pulumi/pulumi";
import type { LookoutConnection } from "../../providers/lookout/connection";

export async function configured<I, O>(provider: pulumi.dynamic.ResourceProvider<I, O>, connection: LookoutConnection) {
    const config: pulumi.dynamic.Config = {
        get: (key: string) => ({ "lookout:baseUrl": connection.baseUrl, "lookout:applicationKey": connection.applicationKey })[key],
        require: (key: string) => {
            const value = config.get(key);
            if (value === undefined) throw new Error(`missing ${key}`);
            return value;
        },
    };
    const self = Object.create(provider) as pulumi.dynamic.ResourceProvider<I, O> & { connection?: LookoutConnection };
    await self.configure!({ config });
    // Tests use a fast retry policy; stacks use the client's defaults.
    self.connection = { ...self.connection!, retry: connection.retry };
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
