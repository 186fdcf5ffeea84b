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
import { fmt, measure, type Sample, summarize } from "./stats";

export async function floor(bench: Bench): Promise<void> {
    log("1/5 engine floor: no-op preview of an empty program, and of one with a single trivial dynamic resource");
    const empty = await floorPreview("empty", bench.runs);
    const dynamic = await floorPreview("dynamic", bench.runs);

    log("1/5 the dev stack (graph mode, as Pulumi.dev.yaml): up from empty, no-op preview");
    const tenant = await startDevTenant();
    const dev = await devStack("bench-dev", tenant);
    const devUp = await upFromEmpty(dev, Math.max(3, Math.ceil(bench.runs / 2)));
    const devPreview = await measure(bench.runs, () => dev.stack.preview());

    log("1/5 the same stack from the installed package (bench/packaged), as other teams run it");
    const packaged = await packagedStack(bench.runs);

    recordPreviews(bench, { empty, dynamic, devPreview, devUp, packagedPreview: packaged.preview });
    bench.results.packagedState = packaged.state;
    stateRows(bench, packaged.state, "installed package");

    log("3/5 API calls per operation (dev stack)");
    const calls = await apiCalls(dev, tenant);
    bench.results.apiCalls = calls;
    for (const [op, c] of Object.entries(calls))
        bench.table.push([`API calls, ${op}`, `${c.writes} writes, ${c.reads} reads, ${c.tokens} token`, ""]);

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

/** The no-op preview of a floor program, after an up; the dynamic resource is destroyed after. */
async function floorPreview(program: "empty" | "dynamic", runs: number): Promise<Sample> {
    const floorStack = await floorProgramStack(program);
    await floorStack.stack.up();
    const preview = await measure(runs, () => floorStack.stack.preview());
    if (program === "dynamic") await floorStack.stack.destroy();
    floorStack.dispose();
    return preview;
}

/** A stack of one of the floor programs: bench/empty (nothing) or bench/dynamic (one trivial dynamic resource). */
async function floorProgramStack(program: "empty" | "dynamic") {
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

/** The dev stack's no-op preview and state when its program is the installed package (bench/packaged). */
async function packagedStack(runs: number) {
    installBuiltPackage(packagedDir);
    const tenant = await startDevTenant();
    const packaged = await devStack("bench-packaged", tenant, packagedDir);
    await packaged.stack.up();
    const preview = await measure(runs, () => packaged.stack.preview());
    const state = await stateBytes(packaged);
    await packaged.dispose();
    await tenant.emulator.close();
    return { preview, state };
}

/**
 * dist/ (`npm run bench` builds it first) copied into the program's node_modules, as `npm install`
 * of a registry package or a tarball installs it: a `file:` dependency would be a symbolic link,
 * which Pulumi follows to a path outside node_modules and then serializes providers by value.
 */
function installBuiltPackage(programDir: string): void {
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
    const vsDynamic = (sample: Sample) =>
        `${(sample.median / p.dynamic.median).toFixed(2)}x the one-dynamic-resource program`;
    bench.results.floor = {
        emptyProgramPreview: p.empty,
        dynamicFloorPreview: p.dynamic,
        devStackPreview: p.devPreview,
        ratio,
        devStackUpFromEmpty: p.devUp,
        packagedStackPreview: p.packagedPreview,
        packagedRatio,
        ratiosToDynamicFloor: {
            fromSources: p.devPreview.median / p.dynamic.median,
            installedPackage: p.packagedPreview.median / p.dynamic.median,
        },
    };
    bench.table.push(
        ["no-op preview, empty program", fmt(p.empty), ""],
        [
            "no-op preview, one trivial dynamic resource",
            fmt(p.dynamic),
            `${(p.dynamic.median / p.empty.median).toFixed(2)}x the empty program`,
        ],
        [
            "no-op preview, dev stack (from sources)",
            fmt(p.devPreview),
            `${ratio.toFixed(2)}x the empty program (target <= 1.3x); ${vsDynamic(p.devPreview)}`,
        ],
        [
            "no-op preview, dev stack (installed package)",
            fmt(p.packagedPreview),
            `${packagedRatio.toFixed(2)}x the empty program (target <= 1.3x); ${vsDynamic(p.packagedPreview)}`,
        ],
        ["up from empty, dev stack", fmt(p.devUp), ""],
    );
}

interface CallCount {
    reads: number;
    writes: number;
    tokens: number;
}

function countCalls(tenant: EmulatedTenant): CallCount {
    const requests = tenant.emulator.requests();
    const token = (p: string) => p.endsWith("/token");
    return {
        reads: requests.filter((r) => r.method === "GET").length,
        writes: requests.filter((r) => r.method !== "GET" && !token(r.path)).length,
        tokens: requests.filter((r) => token(r.path)).length,
    };
}

/** The requests of a first up, a no-op up, a refresh and an up that changes one setting. */
async function apiCalls(dev: TestStack, tenant: EmulatedTenant): Promise<Record<string, CallCount>> {
    const calls: Record<string, CallCount> = {};
    await dev.stack.destroy();
    tenant.emulator.clearRequests();
    await dev.stack.up();
    calls.firstUp = countCalls(tenant);
    tenant.emulator.clearRequests();
    await dev.stack.up();
    calls.noOpUp = countCalls(tenant);
    tenant.emulator.clearRequests();
    await dev.stack.refresh();
    calls.refresh = countCalls(tenant);
    await dev.setConfig({
        "lookout-mtp:connector": {
            heartbeatFrequencyMinutes: 30,
            disconnectedDeviceThresholdDays: 30,
            errorReportEmail: "mobile-security@contoso.example",
        },
    });
    tenant.emulator.clearRequests();
    await dev.stack.up();
    calls.oneSettingChange = countCalls(tenant);
    return calls;
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
