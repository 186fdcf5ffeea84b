/**
 * `--only floor`: the engine's floor (a no-op preview of an empty program and of one trivial dynamic
 * resource), the dev stack against it from the sources and from the installed package, the API calls
 * of each operation, the state's size and the import time of the heavy dependencies.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { engineEnv, ensureEngine, projectRoot } from "../../tests/kit/engine";
import { packageName } from "../../tests/kit/installedPackage";
import type { EmulatedTenant } from "../../tests/kit/lookoutEmulator";
import type { TestStack } from "../../tests/kit/testStack";
import { type Bench, devStack, log, packagedDir, startDevTenant } from "./bench";
import { fmt, measureInTurns, type Sample, summarize } from "./stats";

export async function floor(bench: Bench): Promise<void> {
    log("1/5 the floors and the dev stack (graph mode, as Pulumi.dev.yaml), from sources and installed: up from empty");
    const empty = await floorProgramStack("empty");
    const dynamic = await floorProgramStack("dynamic");
    const tenant = await startDevTenant();
    const dev = await devStack("bench-dev", tenant);
    installBuiltPackage(packagedDir);
    const packagedTenant = await startDevTenant();
    const packaged = await devStack("bench-packaged", packagedTenant, packagedDir);
    const devUp = await upFromEmpty(dev, Math.max(3, Math.ceil(bench.runs / 2)));
    for (const s of [empty.stack, dynamic.stack, packaged.stack]) await s.up();

    log("1/5 no-op previews of the four programs, taken in turns (the machine's load falls on each alike)");
    const previews = await measureInTurns(bench.runs, {
        empty: () => empty.stack.preview(),
        dynamic: () => dynamic.stack.preview(),
        devPreview: () => dev.stack.preview(),
        packagedPreview: () => packaged.stack.preview(),
    });
    await dynamic.stack.destroy();
    empty.dispose();
    dynamic.dispose();

    recordPreviews(bench, { ...previews, devUp });
    const packagedState = await stateBytes(packaged);
    bench.results.packagedState = packagedState;
    stateRows(bench, packagedState, "installed package");
    await packaged.dispose();
    await packagedTenant.emulator.close();

    log("3/5 API calls per operation (dev stack)");
    const calls = await apiCalls(dev, tenant);
    bench.results.apiCalls = calls;
    callRows(bench, calls);

    log("4/5 state cost and import time");
    const state = await stateBytes(dev);
    bench.results.state = state;
    stateRows(bench, state, "from sources");
    const imports: Record<string, Sample> = {};
    for (const module of ["@pulumi/pulumi", "@pulumi/azuread", "@azure/identity", "zod"])
        imports[module] = importTime(module, bench.runs);
    bench.results.importSeconds = imports;
    for (const [module, sample] of Object.entries(imports)) bench.table.push([`import ${module}`, fmt(sample, 3), ""]);
    await dev.dispose();
    await tenant.emulator.close();
}

/** A stack of one of the floor programs: bench/empty (nothing) or bench/dynamic (one trivial dynamic resource). */
export async function floorProgramStack(program: "empty" | "dynamic") {
    const dir = mkdtempSync(join(tmpdir(), `lookout-bench-${program}-`));
    writeFileSync(
        join(dir, "Pulumi.yaml"),
        [
            `name: bench-${program}`,
            "runtime:",
            "  name: nodejs",
            "  options:",
            "    typescript: true",
            `main: ${join(projectRoot, "tools", "bench", program)}`,
            "",
        ].join("\n"),
    );
    mkdirSync(join(dir, "backend"));
    const env = engineEnv({ backendDir: join(dir, "backend") });
    const workspace = await LocalWorkspace.create({
        workDir: dir,
        pulumiHome: join(dir, "home"),
        pulumiCommand: await PulumiCommand.get({ root: join(ensureEngine(), ".."), skipVersionCheck: true }),
        envVars: {
            PATH: env.PATH,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL,
            PULUMI_CONFIG_PASSPHRASE: env.PULUMI_CONFIG_PASSPHRASE,
        },
    });
    const stack = await Stack.create("bench", workspace);
    return { stack, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Seconds of `times` ups, each from a destroyed stack. */
async function upFromEmpty(t: TestStack, times: number): Promise<Sample> {
    const upTimes: number[] = [];
    for (let i = 0; i < times; i++) {
        await t.stack.destroy();
        const started = performance.now();
        await t.stack.up();
        upTimes.push((performance.now() - started) / 1000);
    }
    return summarize(upTimes);
}

/**
 * dist/ (`npm run bench` builds it first) copied into the program's node_modules, as `npm install`
 * of a registry package or a tarball installs it: a `file:` dependency would be a symbolic link,
 * which Pulumi follows to a path outside node_modules and then serializes providers by value.
 */
export function installBuiltPackage(programDir: string): void {
    const dist = join(projectRoot, "dist");
    if (!existsSync(join(dist, "lib.js")))
        throw new Error("dist/ is not built: run `npm run package` first (npm run test:gitops does)");
    const target = join(programDir, "node_modules", ...packageName.split("/"));
    rmSync(target, { force: true, recursive: true });
    mkdirSync(join(target, ".."), { recursive: true });
    cpSync(dist, target, { recursive: true });
}

/** The floor's figures, and the dev stack's previews as multiples of the floor programs'. */
function recordPreviews(
    bench: Bench,
    p: { empty: Sample; dynamic: Sample; devPreview: Sample; devUp: Sample; packagedPreview: Sample },
): void {
    const ratio = p.devPreview.median / p.empty.median;
    const packagedRatio = p.packagedPreview.median / p.empty.median;
    const vsDynamic = (sample: Sample) => sample.median / p.dynamic.median;
    bench.results.floor = {
        emptyProgramPreview: p.empty,
        dynamicFloorPreview: p.dynamic,
        devStackPreview: p.devPreview,
        ratio,
        devStackUpFromEmpty: p.devUp,
        packagedStackPreview: p.packagedPreview,
        packagedRatio,
        ratiosToDynamicFloor: {
            fromSources: vsDynamic(p.devPreview),
            installedPackage: vsDynamic(p.packagedPreview),
        },
    };
    const against = (sample: Sample, target: number) =>
        `${vsDynamic(sample).toFixed(2)}x the one-dynamic-resource program (target <= ${target}x); ${(sample.median / p.empty.median).toFixed(2)}x the empty program`;
    bench.table.push(
        ["no-op preview, empty program", fmt(p.empty), ""],
        [
            "no-op preview, one trivial dynamic resource",
            fmt(p.dynamic),
            `${(p.dynamic.median / p.empty.median).toFixed(2)}x the empty program`,
        ],
        ["no-op preview, dev stack (from sources)", fmt(p.devPreview), against(p.devPreview, 1.3)],
        ["no-op preview, dev stack (installed package)", fmt(p.packagedPreview), against(p.packagedPreview, 1.15)],
        ["up from empty, dev stack", fmt(p.devUp), ""],
    );
}

/** What one operation asked of the services, and each route's reads. */
interface CallCount {
    reads: number;
    writes: number;
    tokens: number;
    /** Token requests per service (Lookout's `POST /oauth2/token`, Entra's `POST /entra/{tenant}/oauth2/v2.0/token`). */
    tokensByService: { lookout: number; graph: number };
    /** Reads per route (method, path template, query shape): how many, and how many of them distinct requests. */
    routes: Record<string, { reads: number; distinct: number }>;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A request's route: its method, its path with every identifier as a placeholder (object IDs,
 * `(appId='...')` keys, e-mail addresses) and its query's parameter names, so two reads of the same
 * route for different objects count on one line, and a read of the same request twice shows.
 */
export function routeOf(r: { method: string; path: string; query: string }): string {
    const path = r.path
        .split("/")
        .map((seg) => {
            if (guid.test(seg)) return "{id}";
            if (/%40|@/.test(seg)) return "{user}";
            return seg.replace(/\((\w+)='[^']*'\)/g, "($1={id})");
        })
        .join("/");
    const keys = [...new URLSearchParams(r.query).keys()];
    return `${r.method} ${path}${keys.length > 0 ? `?${keys.join("&")}` : ""}`;
}

function countCalls(tenant: EmulatedTenant): CallCount {
    const requests = tenant.emulator.requests();
    const token = (p: string) => p.endsWith("/token");
    const routes: CallCount["routes"] = {};
    const seen = new Set<string>();
    for (const r of requests.filter((q) => q.method === "GET")) {
        const route = (routes[routeOf(r)] ??= { reads: 0, distinct: 0 });
        route.reads++;
        const exact = `${r.method} ${r.path}${r.query}`;
        if (!seen.has(exact)) route.distinct++;
        seen.add(exact);
    }
    return {
        reads: requests.filter((r) => r.method === "GET").length,
        writes: requests.filter((r) => r.method !== "GET" && !token(r.path)).length,
        tokens: requests.filter((r) => token(r.path)).length,
        tokensByService: {
            lookout: requests.filter((r) => r.method === "POST" && r.path === "/oauth2/token").length,
            graph: requests.filter((r) => r.method === "POST" && /^\/entra\/[^/]+\/oauth2\/v2\.0\/token$/.test(r.path))
                .length,
        },
        routes,
    };
}

/** The requests of a first up, a no-op preview, a no-op up, a refresh and an up that changes one setting. */
async function apiCalls(dev: TestStack, tenant: EmulatedTenant): Promise<Record<string, CallCount>> {
    const calls: Record<string, CallCount> = {};
    const count = async (op: string, run: () => Promise<unknown>) => {
        tenant.emulator.clearRequests();
        await run();
        calls[op] = countCalls(tenant);
    };
    await dev.stack.destroy();
    await count("firstUp", () => dev.stack.up());
    await count("noOpPreview", () => dev.stack.preview());
    await count("noOpUp", () => dev.stack.up());
    await count("refresh", () => dev.stack.refresh());
    await dev.setConfig({
        "lookout-mtp:connector": {
            heartbeatFrequencyMinutes: 30,
            disconnectedDeviceThresholdDays: 30,
            errorReportEmail: "mobile-security@contoso.example",
        },
    });
    await count("oneSettingChange", () => dev.stack.up());
    return calls;
}

/** One row per operation, then one per route read: its reads in each operation, and whether any request was read twice. */
function callRows(bench: Bench, calls: Record<string, CallCount>): void {
    const ops = Object.keys(calls);
    for (const [op, c] of Object.entries(calls)) {
        const repeated = Object.values(c.routes).reduce((sum, r) => sum + r.reads - r.distinct, 0);
        bench.table.push([
            `API calls, ${op}`,
            `${c.writes} writes, ${c.reads} reads, ${c.tokens} tokens (Lookout ${c.tokensByService.lookout}, Graph ${c.tokensByService.graph})`,
            `${repeated} reads repeated`,
        ]);
    }
    const routes = [...new Set(Object.values(calls).flatMap((c) => Object.keys(c.routes)))].sort();
    for (const route of routes) {
        const repeats = ops.filter((op) => {
            const r = calls[op].routes[route];
            return r !== undefined && r.reads > r.distinct;
        });
        bench.table.push([
            `  reads of ${route}`,
            ops.map((op) => calls[op].routes[route]?.reads ?? 0).join(" / "),
            `${ops.join(" / ")}${repeats.length > 0 ? `; read twice in ${repeats.join(", ")}` : ""}`,
        ]);
    }
}

type StateBytes = Awaited<ReturnType<typeof stateBytes>>;

async function stateBytes(t: TestStack) {
    const exported = JSON.parse(await t.exportState()) as {
        deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> };
    };
    const dynamic = exported.deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    return {
        total: JSON.stringify(exported).length,
        perDynamicResource: Object.fromEntries(
            dynamic.map((r) => [
                r.type.replace("pulumi-nodejs:dynamic/", ""),
                { resource: JSON.stringify(r).length, serializedProvider: String(r.outputs?.__provider ?? "").length },
            ]),
        ),
    };
}

function stateRows(bench: Bench, state: StateBytes, program: string): void {
    for (const [type, bytes] of Object.entries(state.perDynamicResource)) {
        bench.table.push([
            `state bytes, ${type} (${program})`,
            `${bytes.resource} (provider ${bytes.serializedProvider})`,
            "target: provider <= 20 KB",
        ]);
    }
}

function importTime(module: string, runs: number): Sample {
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
        const out = execFileSync(
            process.execPath,
            [
                "-e",
                `const t=performance.now();require(${JSON.stringify(module)});process.stdout.write(String((performance.now()-t)/1000))`,
            ],
            { cwd: projectRoot, encoding: "utf8" },
        );
        seconds.push(Number(out));
    }
    return summarize(seconds);
}
