/**
 * The one skeleton every dynamic resource of this project is built on: `configure` reads the
 * service connection from the engine's provider config (never from inputs, so credentials stay out
 * of state), `check` validates inputs with the resource's zod schema (each problem names its
 * property), `diff` compares the declared properties, and every create, read, update and delete
 * gets the configured client and an error that starts with what the resource is. A resource module
 * states only what is its own: its schema, its properties and its four operations.
 *
 * The provider process loads these modules itself (`providerThroughModule`); the client is built
 * per configured provider, on first use.
 */
import { isAbsolute, relative, sep } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { CustomResource, type CustomResourceOptions, type Inputs } from "@pulumi/pulumi";
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
    /** The service, behind a function: read when an operation runs, not when the module loads. */
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
 * Where the provider process finds a resource's provider: an export of the module that defines it,
 * named by package path when the module is installed under node_modules (a package's resources)
 * and by its path from the working directory otherwise (this repository's sources, or a compiled
 * copy of them). The engine runs a program and its provider plugin in the project's folder, so
 * that path holds in both, and in a later `refresh` or `destroy` from a checkout elsewhere. A
 * module outside that folder (a component plugin's from sources: packages/plugin runs in its own
 * folder, the provider in the project's) is also named by `absolute`, its path on this machine.
 */
export interface ProviderModule {
    kind: "package" | "file";
    path: string;
    name: string;
    absolute?: string;
}

/** `file` (the resource module's `__filename`, in the program) as the provider process requires it. */
export function providerModule(file: string, name: string): ProviderModule {
    const parts = file.split(/[\\/]/);
    // As Pulumi names a package module: after the first node_modules, or pnpm's last (its store's).
    const packageStart = parts.includes(".pnpm") ? parts.lastIndexOf("node_modules") : parts.indexOf("node_modules");
    if (packageStart >= 0) return { kind: "package", path: parts.slice(packageStart + 1).join("/"), name };
    const path = relative(process.cwd(), file).split(sep).join("/");
    const outside = path.startsWith("../") || isAbsolute(path);
    return { kind: "file", path, name, ...(outside ? { absolute: file } : {}) };
}

/**
 * The provider `where` names, in the process that runs it. `providerThroughModule` copies this
 * function's compiled text into every resource's state, so it names nothing outside its own body
 * but `require`, `process` and `globalThis`. A module this process has loaded already (a test's,
 * or the program's own) is used as it is; TypeScript sources are loaded through tsx, registered
 * once, in a namespace of their own.
 */
export function loadProvider(where: ProviderModule): unknown {
    const registry = globalThis as { [key: symbol]: Map<string, unknown> | undefined };
    const loaded = (registry[Symbol.for("lookout-mtp.providerModules")] ??= new Map());
    const fail = (problem: string): never => {
        throw new Error(`the provider module ${where.path} ${problem}`);
    };
    const key = `${where.kind}:${where.path}`;
    if (!loaded.has(key)) loaded.set(key, requireModule());
    const provider = (loaded.get(key) as Record<string, unknown>)[where.name];
    if (provider === undefined) fail(`has no export ${where.name}: keep one of that name that exports the provider`);
    return provider;

    function requireModule(): Record<string, unknown> {
        const then = "run pulumi from the project that made this stack, with its dependencies installed";
        const file = where.kind === "package" ? where.path : locate();
        try {
            const cached = where.kind === "file" ? require.cache[file] : undefined;
            if (cached) return cached.exports as Record<string, unknown>;
            if (where.kind === "file" && /\.[cm]?ts$/.test(file)) return typeScriptRequire(file)(file, file);
            return require(file);
        } catch (err) {
            return fail(
                `could not be loaded from ${process.cwd()} (${(err as Error).message.split("\n")[0]}); ${then}`,
            );
        }

        function locate(): string {
            const path = require("node:path") as typeof import("node:path");
            const { existsSync } = require("node:fs") as typeof import("node:fs");
            const candidates = [path.resolve(process.cwd(), where.path), ...(where.absolute ? [where.absolute] : [])];
            const found = candidates.find((candidate) => existsSync(candidate));
            return found ?? fail(`is not in ${candidates.join(" nor in ")}; ${then}`);
        }
    }

    function typeScriptRequire(file: string): (id: string, from: string) => Record<string, unknown> {
        const tsx = (registry[Symbol.for("lookout-mtp.tsxRequire")] ??= new Map());
        if (!tsx.has("require")) {
            const fromFile = (require("node:module") as typeof import("node:module")).createRequire(file);
            const api = fromFile("tsx/cjs/api") as {
                register(options: { namespace: string }): {
                    require(id: string, from: string): Record<string, unknown>;
                };
            };
            tsx.set("require", api.register({ namespace: "lookout-mtp-providers" }).require);
        }
        return tsx.get("require") as (id: string, from: string) => Record<string, unknown>;
    }
}

/**
 * A dynamic resource's `__provider`, as the provider process runs it: the text of a CommonJS
 * module whose `handler()` returns the provider (what `pulumi.dynamic.Resource` stores after the
 * SDK's closure serializer has written it).
 */
export type SerializedProvider = string & { readonly __serializedProvider: unique symbol };

/**
 * What a resource class stores as its provider: a module whose `handler()` returns the resource's
 * own provider, which `loadProvider` finds by `providerModule`'s path. It is never a copy of the
 * resource's code and of everything it calls, from sources as installed. The text is written here
 * rather than by the SDK's closure serializer, which took 0.2-0.3 s of a preview's CPU for it;
 * `loadProvider` names nothing outside itself, so its own text is the whole of it.
 *
 * `exported` is the module's export holding the provider, `{ intuneConnectorProvider }`: its name
 * is what the provider process looks up.
 */
export function providerThroughModule<I, O>(
    file: string,
    exported: Record<string, pulumi.dynamic.ResourceProvider<I, O>>,
): SerializedProvider {
    const names = Object.keys(exported);
    if (names.length !== 1) throw new Error(`providerThroughModule: name one export of ${file}, not ${names.length}`);
    return [
        `"use strict";`,
        // tsx (esbuild, keeping names) wraps named functions in `__name`; tsc and swc leave them as they are.
        `const __name = (f) => f;`,
        `const loadProvider = ${loadProvider.toString()};`,
        `const where = ${JSON.stringify(providerModule(file, names[0]))};`,
        `exports.handler = () => loadProvider(where);`,
        "",
    ].join("\n") as SerializedProvider;
}

/**
 * What every dynamic resource class extends: the registration `pulumi.dynamic.Resource` makes (the
 * type token `pulumi-nodejs:dynamic/<module>:<name>`, which the engine runs with the SDK's dynamic
 * provider plugin, and the provider in `__provider`), with `providerThroughModule`'s text.
 */
export class ModuleResource extends CustomResource {
    constructor(
        type: { token: string },
        provider: SerializedProvider,
        name: string,
        props: Inputs,
        opts?: CustomResourceOptions,
    ) {
        if ("__provider" in props) throw new Error(`${type.token} ${name}: __provider is the provider's own input`);
        super(type.token, name, { ...props, __provider: provider }, opts);
    }
}

type Configured<Connection, Client> = { connection?: Connection; client?: Client };

export function dynamicProvider<I extends object, O extends object, Connection, Client>(
    spec: ResourceSpec<I, O, Connection, Client>,
): pulumi.dynamic.ResourceProvider<I, O> {
    /**
     * The configured provider's client, built once so its token is reused across calls, and shared
     * with every other resource type of the process that reaches the same service the same way: a
     * resource whose state holds an older provider carries its own copy of this module, so the
     * registry is process-wide, and every type uses one token per service.
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
