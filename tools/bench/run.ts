/**
 * `npm run bench`: how fast a preview and an up are, how they grow, and what they cost in API calls,
 * measured with the real engine against the emulator, side by side in one run. Prints a table and
 * writes JSON to bench/results/. Not part of the tests: figures, not pass/fail.
 *
 *   npm run bench -- [--runs 5] [--groups 1,10,100,500] [--classifications 10,25] [--fleet 1,10,50] [--concurrency 4]
 *                    [--only floor,groupscale,growth,fleet,status]   (a quick look at some figures; results/latest.json is left alone)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, freemem, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { threatClassificationCatalogue } from "../../contract/lookout/schemas";
import { engineEnv, ensureEngine, projectRoot } from "../../tests/kit/engine";
import { devDirectory } from "../../emulator/devTenant";
import { seedDevices } from "../../emulator/devices";
import { parseStackConfig } from "../../config/stackConfig";
import { graphClientFor } from "../../providers/graph/connection";
import { createLookoutClient } from "../../providers/lookout/client";
import { collectStatus } from "../../operate/status/collect";
import { asRawConfig } from "../../tests/kit/configFixtures";
import { validGraphConfig } from "../../tests/kit/configFixtures";
import { installBuiltPackage } from "../../tests/kit/installedPackage";
import { type EmulatedTenant, startEmulatedTenant } from "../../tests/kit/lookoutEmulator";
import { createTestStack, type TestStack } from "../../tests/kit/testStack";
import { fmt, measure, type Sample, summarize } from "./stats";

const { values } = parseArgs({
    options: {
        runs: { type: "string", default: "5" },
        groups: { type: "string", default: "1,10,100,500" },
        classifications: { type: "string", default: "10,25" },
        fleet: { type: "string", default: "1,10,50" },
        concurrency: { type: "string", default: "4" },
        only: { type: "string" },
    },
});
const runs = Number(values.runs);
const sections = new Set((values.only ?? "floor,groupscale,growth,fleet,status").split(","));
const list = (s: string) => s.split(",").filter(Boolean).map(Number);

const packagedDir = join(projectRoot, "tools", "bench", "packaged");
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function guid(n: number) {
    const hex = n.toString(16).padStart(12, "0");
    return `5a000000-0000-4000-8000-${hex}`;
}

function configWith(groups: number, classifications: number): Record<string, unknown> {
    const names = threatClassificationCatalogue.slice(0, classifications).map((c) => c.name);
    return {
        "lookout-mtp:enrollmentGroups": Array.from({ length: groups }, (_, i) => ({
            displayName: `Enrollment ${i + 1}`,
            objectId: guid(i + 1),
        })),
        "lookout-mtp:threatClassifications": Object.fromEntries(names.map((n) => [n, "high"])),
    };
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
    const { Stack } = await import("@pulumi/pulumi/automation");
    const stack = await Stack.create("bench", workspace);
    return { stack, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

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

function importTime(module: string): Sample {
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

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
    const queue = [...items];
    await Promise.all(
        Array.from({ length: Math.min(concurrency, items.length) }, async () => {
            for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
        }),
    );
}

async function main() {
    ensureEngine();
    const pulumiVersion = execFileSync(join(ensureEngine(), "pulumi"), ["version"], { encoding: "utf8" }).trim();
    const results: Record<string, unknown> = {
        date: new Date().toISOString(),
        machine: {
            cpus: cpus().length,
            cpu: cpus()[0]?.model,
            memoryGiB: Math.round(totalmem() / 2 ** 30),
            freeGiB: Math.round(freemem() / 2 ** 30),
            node: process.version,
            pulumi: pulumiVersion,
        },
        runsPerFigure: runs,
    };
    const table: string[][] = [];

    if (sections.has("floor")) {
        log("1/5 engine floor: no-op preview of an empty program, and of one with a single trivial dynamic resource");
        const empty = await floorProgramStack("empty");
        await empty.stack.up();
        const emptyPreview = await measure(runs, () => empty.stack.preview());
        empty.dispose();
        const dynamicFloor = await floorProgramStack("dynamic");
        await dynamicFloor.stack.up();
        const dynamicPreview = await measure(runs, () => dynamicFloor.stack.preview());
        await dynamicFloor.stack.destroy();
        dynamicFloor.dispose();

        log("1/5 the dev stack (graph mode, as Pulumi.dev.yaml): up from empty, no-op preview");
        const tenant = await startEmulatedTenant();
        tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!.directory = devDirectory();
        const dev = await createTestStack(
            "bench-dev",
            tenant,
            {},
            {},
            { project: "lookout-mtp", dir: projectRoot, config: validGraphConfig() },
        );
        const upTimes: number[] = [];
        for (let i = 0; i < Math.max(3, Math.ceil(runs / 2)); i++) {
            await dev.stack.destroy();
            const started = performance.now();
            await dev.stack.up();
            upTimes.push((performance.now() - started) / 1000);
        }
        const devUp = summarize(upTimes);
        const devPreview = await measure(runs, () => dev.stack.preview());
        const ratio = devPreview.median / emptyPreview.median;

        log("1/5 the same stack from the installed package (bench/packaged), as other teams run it");
        installBuiltPackage(packagedDir);
        const packagedTenant = await startEmulatedTenant();
        packagedTenant.emulator.store.tenantByEntraId(packagedTenant.entraTenantId)!.directory = devDirectory();
        const packaged = await createTestStack(
            "bench-packaged",
            packagedTenant,
            {},
            {},
            { project: "lookout-mtp", dir: packagedDir, config: validGraphConfig() },
        );
        await packaged.stack.up();
        const packagedPreview = await measure(runs, () => packaged.stack.preview());
        const packagedRatio = packagedPreview.median / emptyPreview.median;
        const packagedState = await stateBytes(packaged);
        await packaged.dispose();
        await packagedTenant.emulator.close();

        const vsDynamic = (sample: Sample) =>
            `${(sample.median / dynamicPreview.median).toFixed(2)}x the one-dynamic-resource program`;
        results.floor = {
            emptyProgramPreview: emptyPreview,
            dynamicFloorPreview: dynamicPreview,
            devStackPreview: devPreview,
            ratio,
            devStackUpFromEmpty: devUp,
            packagedStackPreview: packagedPreview,
            packagedRatio,
            ratiosToDynamicFloor: {
                fromSources: devPreview.median / dynamicPreview.median,
                installedPackage: packagedPreview.median / dynamicPreview.median,
            },
        };
        table.push(["no-op preview, empty program", fmt(emptyPreview), ""]);
        table.push([
            "no-op preview, one trivial dynamic resource",
            fmt(dynamicPreview),
            `${(dynamicPreview.median / emptyPreview.median).toFixed(2)}x the empty program`,
        ]);
        table.push([
            "no-op preview, dev stack (from sources)",
            fmt(devPreview),
            `${ratio.toFixed(2)}x the empty program (target <= 1.3x); ${vsDynamic(devPreview)}`,
        ]);
        table.push([
            "no-op preview, dev stack (installed package)",
            fmt(packagedPreview),
            `${packagedRatio.toFixed(2)}x the empty program (target <= 1.3x); ${vsDynamic(packagedPreview)}`,
        ]);
        table.push(["up from empty, dev stack", fmt(devUp), ""]);
        results.packagedState = packagedState;
        for (const [type, bytes] of Object.entries(packagedState.perDynamicResource)) {
            table.push([
                `state bytes, ${type} (installed package)`,
                `${bytes.resource} (provider ${bytes.serializedProvider})`,
                "target: provider <= 20 KB",
            ]);
        }

        log("3/5 API calls per operation (dev stack)");
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
        results.apiCalls = calls;
        for (const [op, c] of Object.entries(calls))
            table.push([`API calls, ${op}`, `${c.writes} writes, ${c.reads} reads, ${c.tokens} token`, ""]);

        log("4/5 state cost and import time");
        const state = await stateBytes(dev);
        results.state = state;
        for (const [type, bytes] of Object.entries(state.perDynamicResource)) {
            table.push([
                `state bytes, ${type} (from sources)`,
                `${bytes.resource} (provider ${bytes.serializedProvider})`,
                "target: provider <= 20 KB",
            ]);
        }
        const imports: Record<string, Sample> = {};
        for (const module of ["@pulumi/pulumi", "@pulumi/azuread", "@azure/identity", "zod"])
            imports[module] = importTime(module);
        results.importSeconds = imports;
        for (const [module, sample] of Object.entries(imports)) table.push([`import ${module}`, fmt(sample, 3), ""]);
        await dev.dispose();
        await tenant.emulator.close();
    }

    if (sections.has("groupscale")) {
        log(
            "group checks at enterprise scale: the dev stack with 'Sales Mobile' holding 2 users, then 100,000 (side by side)",
        );
        const scale: Record<string, unknown> = {};
        for (const users of [2, 100_000]) {
            const tnt = await startEmulatedTenant();
            const directory = devDirectory();
            const sales = directory.groups.find((g) => g.displayName === "Sales Mobile")!;
            if (users > sales.members.length) sales.generatedUsers = users - sales.members.length;
            tnt.emulator.store.tenantByEntraId(tnt.entraTenantId)!.directory = directory;
            const t = await createTestStack(
                `bench-groupscale-${users}`,
                tnt,
                {},
                {},
                { project: "lookout-mtp", dir: projectRoot, config: validGraphConfig() },
            );
            await t.stack.up();
            const preview = await measure(runs, () => t.stack.preview());
            tnt.emulator.clearRequests();
            await t.stack.preview();
            const forGroup = tnt.emulator.requests().filter((r) => r.path.includes(sales.id)).length;
            scale[`users${users}`] = {
                preview,
                salesMobileRequestsPerPreview: forGroup,
                graphRequestsPerPreview: tnt.emulator.requests().length,
            };
            table.push([
                `no-op preview, 'Sales Mobile' with ${users} users`,
                fmt(preview),
                `${forGroup} Graph requests for that group`,
            ]);
            await t.dispose();
            await tnt.emulator.close();
        }
        const ratio =
            (scale.users100000 as { preview: Sample }).preview.median /
            (scale.users2 as { preview: Sample }).preview.median;
        scale.ratio = ratio;
        results.groupScale = scale;
        table.push([
            "preview, 100,000-user group vs 2-user group",
            `${ratio.toFixed(2)}x`,
            "target <= 1.1x; <= 3 requests per group",
        ]);
    }

    if (sections.has("growth")) {
        log("2/5 growth with enrollment groups and classifications (reference mode: groups by object ID)");
        const growth: Array<Record<string, unknown>> = [];
        const sizes: Array<[number, number]> = [
            ...list(values.groups!).map((g) => [g, 10] as [number, number]),
            ...list(values.classifications!).map((c) => [2, c] as [number, number]),
        ];
        for (const [groups, classifications] of sizes) {
            const tnt = await startEmulatedTenant();
            const t = await createTestStack(
                `bench-g${groups}-c${classifications}`,
                tnt,
                configWith(groups, classifications),
            );
            const started = performance.now();
            await t.stack.up();
            const up = (performance.now() - started) / 1000;
            const preview = await measure(runs, () => t.stack.preview());
            const bytes = JSON.stringify(JSON.parse(await t.exportState())).length;
            growth.push({ groups, classifications, upSeconds: up, preview, stateBytes: bytes });
            table.push([
                `${groups} groups, ${classifications} classifications`,
                `preview ${fmt(preview)}, up ${up.toFixed(2)}`,
                `state ${bytes} B`,
            ]);
            await t.dispose();
            await tnt.emulator.close();
        }
        results.growth = growth;
        const at = (g: number) =>
            growth.find((r) => r.groups === g && r.classifications === 10)?.preview as Sample | undefined;
        if (at(10) && at(500))
            table.push([
                "preview growth 10 -> 500 groups",
                `${(at(500)!.median / at(10)!.median).toFixed(2)}x`,
                "target < 2x",
            ]);
    }

    if (sections.has("fleet")) {
        log("5/5 fleet: N tenants, sequential vs parallel");
        const fleet: Array<Record<string, unknown>> = [];
        const concurrency = Number(values.concurrency);
        for (const n of list(values.fleet!)) {
            for (const mode of ["sequential", "parallel"] as const) {
                const tenants = await Promise.all(
                    Array.from({ length: n }, () => startEmulatedTenant({ rateLimitPerMinute: 100 })),
                );
                const stacks = await Promise.all(
                    tenants.map((tn, i) => createTestStack(`fleet-${mode}-${n}-${i}`, tn)),
                );
                const started = performance.now();
                await pool(stacks, mode === "sequential" ? 1 : concurrency, async (s) => {
                    await s.stack.up();
                });
                const seconds = (performance.now() - started) / 1000;
                fleet.push({
                    tenants: n,
                    mode,
                    concurrency: mode === "sequential" ? 1 : concurrency,
                    seconds,
                    perTenant: seconds / n,
                });
                table.push([
                    `fleet of ${n}, ${mode}`,
                    `${seconds.toFixed(1)} s`,
                    `${(seconds / n).toFixed(2)} s per tenant`,
                ]);
                await pool(stacks, concurrency, (s) => s.dispose());
                await Promise.all(tenants.map((tn) => tn.emulator.close()));
            }
        }
        results.fleet = fleet;
    }

    if (sections.has("status")) {
        log("status: npm run status for a tenant with 10,000 devices, and the preview's impact reads");
        const tnt = await startEmulatedTenant();
        const tenant = tnt.emulator.store.tenantById(tnt.tenantId)!;
        tenant.directory = devDirectory();
        const [pilot, sales] = [tenant.directory.groups[2], tenant.directory.groups[3]];
        pilot.generatedUsers = 4_998;
        sales.generatedUsers = 5_000;
        const devices = seedDevices(tenant, [pilot.id, sales.id], tnt.emulator.now()).length;
        const t = await createTestStack(
            "bench-status",
            tnt,
            {},
            {},
            { project: "lookout-mtp", dir: projectRoot, config: validGraphConfig() },
        );
        await t.stack.up();
        tnt.emulator.advanceClock(2 * 3600_000);
        const parsed = parseStackConfig(asRawConfig(validGraphConfig()), () => true);
        if (!parsed.ok) throw new Error(parsed.errors.join("; "));
        const collect = () =>
            collectStatus({
                stack: "bench-status",
                config: parsed.config,
                graph: graphClientFor(tnt.graph),
                lookout: createLookoutClient({ ...tnt.connection, applicationKey: tnt.applicationKey }),
            });
        tnt.emulator.clearRequests();
        const report = await collect();
        const requests = tnt.emulator.requests().filter((r) => !r.path.startsWith("/_emulator"));
        const seconds = await measure(runs, collect);
        const activated = report.groups.reduce((sum, g) => sum + g.lookout.byState.activated, 0);
        results.status = {
            devices,
            users: report.groups.reduce((sum, g) => sum + g.users, 0),
            seconds,
            calls: report.calls,
            requestsIncludingTokens: requests.length,
            activated,
        };
        table.push([
            `status, ${devices.toLocaleString("en-US")} devices`,
            fmt(seconds),
            `${report.calls.graph} Graph + ${report.calls.lookout} Lookout requests (${requests.length} with tokens)`,
        ]);
        tnt.emulator.clearRequests();
        const preview = await measure(runs, () => t.stack.preview());
        const impactReads = tnt.emulator.requests().filter((r) => r.path.includes("/managedDevices")).length / runs;
        results.statusTenantPreview = { preview, managedDevicePagesPerPreview: impactReads };
        table.push([
            `no-op preview, same tenant`,
            fmt(preview),
            `${impactReads} managedDevices pages per preview (impact)`,
        ]);
        await t.dispose();
        await tnt.emulator.close();
    }

    if (!values.only) {
        mkdirSync(join(projectRoot, "tools", "bench", "results"), { recursive: true });
        const json = JSON.stringify(results, null, 2);
        writeFileSync(join(projectRoot, "tools", "bench", "results", "latest.json"), json);
        writeFileSync(
            join(projectRoot, "tools", "bench", "results", `${(results.date as string).replace(/[:.]/g, "-")}.json`),
            json,
        );
    }

    const widths = [0, 1, 2].map((i) => Math.max(...table.map((r) => r[i].length), 6));
    console.log(
        `\nlookout-mtp benchmarks (${pulumiVersion}, ${cpus().length} cores, ${process.version}); seconds: median (min-max) of ${runs} runs\n`,
    );
    for (const row of [["figure", "value", "note"], widths.map((w) => "-".repeat(w)), ...table]) {
        console.log("| " + row.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |");
    }
    if (!values.only) console.log(`\nJSON: bench/results/latest.json`);
}

main().catch((err) => {
    console.error(`bench failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
});
