/**
 * The one skeleton every dynamic resource of this project is built on: `configure` reads the
 * service connection from the engine's provider config (never from inputs, so credentials stay out
 * of state), `check` validates inputs with the resource's zod schema (each problem names its
 * property), `diff` compares the declared properties, and every create, read, update and delete
 * gets the configured client and an error that starts with what the resource is. A resource module
 * states only what is its own: its schema, its properties and its four operations.
 *
 * Pulumi serializes a provider by value, capturing the functions it uses: nothing here may hold a
 * native object at module scope, and the client is built per configured provider, on first use.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { changedProperties, checkWith } from "./checks";

/** How the providers of one service reach it: where the connection comes from, and the client built from it. */
export interface ServiceBinding<Connection, Client> {
    /** The service's name, which keys the clients shared in a provider process. */
    name: string;
    connectionFromConfig(config: pulumi.dynamic.Config | undefined): Connection;
    clientFor(connection: Connection | undefined): Client;
}

/**
 * A dynamic resource's registration: the module and name its class passes to Pulumi, and the type
 * token they make (`pulumi-nodejs:dynamic/<module>:<name>`), which state, previews and the policy
 * pack see. Changing either orphans every existing stack's resources, so each is written once.
 */
export function dynamicResourceType<M extends string, N extends string>(module: M, name: N) {
    return { module, name, token: `pulumi-nodejs:dynamic/${module}:${name}` as const };
}

/** A value any part of which may be an Output: a group's `displayName` output in a list, a flag from config. */
type InputDeep<T> = pulumi.Input<
    T extends ReadonlyArray<infer U> ? Array<InputDeep<U>> : T extends object ? { [K in keyof T]: InputDeep<T[K]> } : T
>;

/** A resource class's Args, derived from its inputs schema: each field, and each part of it, may also be an Output. */
export type ArgsOf<T> = { [K in keyof T]: InputDeep<T[K]> };

/** A resource class's outputs, derived from what its provider returns: one Output per field. */
export type OutputsOf<T> = { readonly [K in keyof T]: pulumi.Output<T[K]> };

export interface ResourceSpec<I extends object, O extends object, Connection, Client> {
    /**
     * The service, behind a function: the function's body names the binding through its module, so
     * an installed package's serialized provider `require`s that module instead of carrying a copy.
     */
    service(): ServiceBinding<Connection, Client>;
    /** What a user calls the resource, for the start of every error: "Lookout Intune connector". */
    describe(props: Partial<I> | undefined): string;
    /** Validates and normalizes the inputs (defaults, sorting); the engine stores what it returns. */
    inputsSchema(): z.ZodType<I>;
    /**
     * The input properties a diff compares, in the order it lists them, or a function naming the
     * changed ones (for resources whose managed properties are whichever the inputs name).
     */
    properties: ReadonlyArray<keyof I> | ((olds: O, news: I) => string[]);
    /** Input properties that name a different remote object, so a change replaces the resource. */
    replaceOn?: ReadonlyArray<keyof I>;
    create(client: Client, inputs: I): Promise<{ id: string; outs: O }>;
    /** The remote object as it is now; `{}` when it is gone. `state`: the outputs the stack holds (the inputs, on a `get`). */
    read(client: Client, id: string, state: O | undefined): Promise<pulumi.dynamic.ReadResult<O>>;
    update(client: Client, id: string, olds: O, news: I): Promise<O>;
    delete(client: Client, id: string, state: O): Promise<void>;
}

/**
 * What a resource class hands Pulumi, which serializes it into each resource's state: the methods of
 * a provider, each calling the resource's own provider through `load`. `load` names that provider as
 * an exported const of the resource's module (`() => intuneConnectorProvider`, which TypeScript emits
 * as `exports.intuneConnectorProvider`), so what Pulumi captures is that module: by reference
 * (`require`) when it is installed under node_modules, as a package's resources are, and by value from
 * sources, as before. An installed package's serialized provider is then these functions and one
 * `require` (under 2 KB) rather than a copy of the resource's code and of everything it calls, and
 * serializing it, which every run does for every resource type in the program, takes a few
 * milliseconds instead of about a hundred.
 */
export function providerThroughExports<I, O>(
    load: () => pulumi.dynamic.ResourceProvider<I, O>,
): pulumi.dynamic.ResourceProvider<I, O> {
    return {
        configure: (req) => load().configure!(req),
        check: (olds, news) => load().check!(olds, news),
        diff: (id, olds, news) => load().diff!(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read!(id, props),
        update: (id, olds, news) => load().update!(id, olds, news),
        delete: (id, props) => load().delete!(id, props),
    };
}

type Configured<Connection, Client> = { connection?: Connection; client?: Client };

export function dynamicProvider<I extends object, O extends object, Connection, Client>(
    spec: ResourceSpec<I, O, Connection, Client>,
): pulumi.dynamic.ResourceProvider<I, O> {
    /**
     * The configured provider's client, built once so its token is reused across calls, and shared
     * with every other resource type of the process that reaches the same service the same way:
     * each type carries its own serialized copy of this module, but the engine runs all of them in
     * one provider process, so a process-wide registry lets them use one token per service.
     */
    function clientOf(provider: Configured<Connection, Client>): Client {
        if (provider.client) return provider.client;
        const registry = globalThis as { [key: symbol]: Map<string, unknown> | undefined };
        const clients = (registry[Symbol.for("lookout-mtp.providerClients")] ??= new Map());
        const { createHash } = require("node:crypto") as typeof import("node:crypto");
        // The connection may hold a credential: the key is its hash, never the value.
        const key = `${spec.service().name}|${createHash("sha256")
            .update(JSON.stringify(provider.connection ?? null))
            .digest("hex")}`;
        if (!clients.has(key)) clients.set(key, spec.service().clientFor(provider.connection));
        provider.client = clients.get(key) as Client;
        return provider.client;
    }

    async function explained<T>(props: Partial<I> | undefined, operation: () => Promise<T>): Promise<T> {
        try {
            return await operation();
        } catch (err) {
            throw Object.assign(new Error(`${spec.describe(props)}: ${(err as Error).message}`), { cause: err });
        }
    }

    return {
        async configure(this: Configured<Connection, Client>, req: pulumi.dynamic.ConfigureRequest) {
            this.connection = spec.service().connectionFromConfig(req.config);
            this.client = undefined;
        },

        async check(_olds: I, news: I) {
            return checkWith(spec.inputsSchema(), news as Record<string, unknown>);
        },

        async diff(_id: string, olds: O, news: I) {
            const changes =
                typeof spec.properties === "function"
                    ? spec.properties(olds, news)
                    : changedProperties<I>(olds as Partial<I>, news, spec.properties);
            const replaces = changes.filter((p) => (spec.replaceOn ?? []).includes(p as keyof I));
            return { changes: changes.length > 0, replaces };
        },

        async create(this: Configured<Connection, Client>, inputs: I) {
            return explained(inputs, () => spec.create(clientOf(this), inputs));
        },

        async read(this: Configured<Connection, Client>, id: string, state?: O) {
            return explained(state as Partial<I> | undefined, () => spec.read(clientOf(this), id, state));
        },

        async update(this: Configured<Connection, Client>, id: string, olds: O, news: I) {
            return explained(news, async () => ({ outs: await spec.update(clientOf(this), id, olds, news) }));
        },

        async delete(this: Configured<Connection, Client>, id: string, state: O) {
            return explained(state as Partial<I>, () => spec.delete(clientOf(this), id, state));
        },
    };
}
