/**
 * `--only profile`: where the time of a no-op preview goes, for the one-dynamic-resource program
 * (the floor of any dynamic provider), the dev stack from the installed package and the dev stack
 * from sources, side by side. Each program is previewed `--runs` times as is, then twice profiled:
 *
 * - a **timeline** run: the engine logs at `-v=9` to stderr (its JSON log lines carry timestamps:
 *   the CLI's start, the language host's calls, the program process's spawn, each RegisterResource,
 *   the provider plugin's launch, each provider Check and Diff), and every Node.js process of the
 *   run preloads tools/bench/profileHook.cjs (Node.js's start, each package's own module load time,
 *   ts-node's transpiling, closure serialization); the emulator's request log gives the checks'
 *   requests. The engine's `--tracing file:` output is an appdash trace meant for `pulumi view-trace`,
 *   so its log's timestamps are read instead; `--logflow` is left off, since it makes the program
 *   send every debug line to the engine, which doubles the run.
 * - a **CPU** run: `NODE_OPTIONS=--cpu-prof` in every Node.js process, each sample counted once, by
 *   what its stack is doing (transpiling, closure serialization, module loading, gRPC, ...).
 *
 * Prints a table (docs/performance.md holds the latest) and stores it in the results' `profile`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { RequestLogEntry } from "../../emulator/server";
import { projectRoot } from "../../tests/kit/engine";
import { type Bench, devStack, log, packagedDir, startDevTenant } from "./bench";
import { floorProgramStack, installBuiltPackage } from "./floor";
import { measure, type Sample } from "./stats";

const hook = join(projectRoot, "tools", "bench", "profileHook.cjs");

interface Target {
    label: string;
    stack: Stack;
    requests(): RequestLogEntry[];
    close(): Promise<void>;
}

/** What the hook writes per process (profileHook.cjs). */
interface ProcessRecord {
    pid: number;
    role: string;
    timeOrigin: number;
    hookAt: number;
    writtenAt: number;
    loadMs: Record<string, number>;
    loadCount: Record<string, number>;
    transpile: { ms: number; files: number; byFile: Record<string, number> };
    entry?: { file: string; start: number; end?: number };
    serialize: {
        calls: number;
        bytes: number;
        busyMs: number;
        firstAt?: number;
        lastAt?: number;
        perCall: Array<[number, number]>;
    };
}

interface EngineLine {
    at: number;
    msg: string;
}

export interface ProgramProfile {
    label: string;
    /** The machine's 1, 5 and 15 minute load averages before the program's previews. */
    loadAverage: number[];
    preview: Sample;
    timeline: Record<string, number | string>;
    cpu: Record<string, Record<string, number>>;
}

export async function profile(bench: Bench): Promise<void> {
    log("profile: where a no-op preview's time goes (timeline and CPU profiles of every process)");
    const profiles: ProgramProfile[] = [];
    for (const start of [dynamicTarget, installedTarget, sourcesTarget]) {
        const target = await start();
        try {
            await target.stack.up();
            log(`profile: ${target.label}`);
            const loadAverage = loadavg();
            const preview = await measure(bench.runs, () => target.stack.preview());
            const timeline = await timelineRun(target);
            const cpu = await cpuRun(target);
            profiles.push({ label: target.label, loadAverage, preview, timeline, cpu });
        } finally {
            await target.close();
        }
    }
    bench.results.profile = profiles;
    const table = profileTable(profiles, bench.runs);
    bench.results.profileTable = table;
    console.log(`\nWhere a no-op preview's time goes (ms)\n\n${table}\n`);
}

async function dynamicTarget(): Promise<Target> {
    const floor = await floorProgramStack("dynamic");
    return {
        label: "one dynamic resource",
        stack: floor.stack,
        requests: () => [],
        close: async () => {
            await floor.stack.destroy();
            floor.dispose();
        },
    };
}

async function devTarget(label: string, name: string, dir?: string): Promise<Target> {
    const tenant = await startDevTenant();
    const dev = await devStack(name, tenant, dir);
    return {
        label,
        stack: dev.stack,
        requests: () => tenant.emulator.requests(),
        close: async () => {
            await dev.dispose();
            await tenant.emulator.close();
        },
    };
}

function installedTarget(): Promise<Target> {
    installBuiltPackage(packagedDir);
    return devTarget("dev stack, installed package", "bench-profile-packaged", packagedDir);
}

function sourcesTarget(): Promise<Target> {
    return devTarget("dev stack, from sources", "bench-profile-sources");
}

/** Runs one preview with every Node.js process preloading the hook (and `nodeOptions`); returns its folder. */
async function profiledPreview(target: Target, nodeOptions: (dir: string) => string[], verbose: boolean) {
    const dir = mkdtempSync(join(tmpdir(), "lookout-profile-"));
    const env = target.stack.workspace.envVars;
    env.NODE_OPTIONS = [`--require=${hook}`, ...nodeOptions(dir)].join(" ");
    env.LOOKOUT_BENCH_PROFILE_DIR = dir;
    const before = target.requests().length;
    const started = Date.now();
    try {
        const result = await target.stack.preview(verbose ? { logVerbosity: 9, logToStdErr: true } : {});
        return {
            dir,
            started,
            ended: Date.now(),
            stderr: result.stderr,
            requests: target.requests().slice(before),
            processes: readdirSync(dir)
                .filter((f) => /^\d+\.json$/.test(f))
                .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as ProcessRecord),
        };
    } finally {
        delete env.NODE_OPTIONS;
        delete env.LOOKOUT_BENCH_PROFILE_DIR;
    }
}

function engineLines(stderr: string): EngineLine[] {
    return stderr.split("\n").flatMap((line) => {
        if (!line.startsWith("{")) return [];
        try {
            const { time, msg } = JSON.parse(line) as { time: string; msg: string };
            return typeof msg === "string" ? [{ at: Date.parse(time), msg }] : [];
        } catch {
            return [];
        }
    });
}

/** The timeline of one preview, in ms from the Automation API's call. */
async function timelineRun(target: Target): Promise<Record<string, number | string>> {
    const run = await profiledPreview(target, () => [], true);
    rmSync(run.dir, { recursive: true, force: true });
    const lines = engineLines(run.stderr);
    const first = (re: RegExp, after = 0) => lines.find((l) => l.at >= after && re.test(l.msg))?.at;
    const last = (re: RegExp) => lines.filter((l) => re.test(l.msg)).at(-1)?.at;
    const since = (at: number | undefined) => (at === undefined ? NaN : at - run.started);
    const span = (from: number | undefined, to: number | undefined) =>
        from === undefined || to === undefined ? NaN : to - from;
    /** Time inside the provider's Check and Diff calls, summed over resources. */
    const inProvider = (call: string) => {
        const open = new Map<string, number>();
        let ms = 0;
        let calls = 0;
        for (const l of lines) {
            const m = new RegExp(`^Provider\\[[^\\]]*\\]\\.${call}\\((urn:[^,)]*)`).exec(l.msg);
            if (!m) continue;
            if (/\):? executing/.test(l.msg)) open.set(m[1], l.at);
            else if (/\):? success/.test(l.msg) && open.has(m[1])) {
                ms += l.at - open.get(m[1])!;
                calls++;
                open.delete(m[1]);
            }
        }
        return { ms, calls };
    };

    const program = run.processes.find((p) => p.role === "program");
    const provider = run.processes.find((p) => p.role === "provider");
    const abs = (p: ProcessRecord | undefined, ms: number | undefined) =>
        p && ms !== undefined ? p.timeOrigin + ms : undefined;
    const providerLaunch = first(/Launching plugin 'pulumi-nodejs \(resource\)'/);
    const check = inProvider("Check");
    const diff = inProvider("Diff");
    const programRequests = run.requests.filter((r) => program && Date.parse(r.at) >= program.timeOrigin);
    const requestTimes = programRequests.map((r) => Date.parse(r.at));
    const loads = (p: ProcessRecord | undefined, names: (pkg: string) => boolean) =>
        p ? Object.entries(p.loadMs).reduce((sum, [pkg, ms]) => sum + (names(pkg) ? ms : 0), 0) : NaN;
    const pulumiPackages = (pkg: string) =>
        /^@pulumi\/pulumi$|^@grpc\/|^google-protobuf$|^@opentelemetry\/|^protobufjs$|^@protobufjs\//.test(pkg);
    const typescriptPackages = (pkg: string) =>
        /^typescript$|^ts-node$|^@cspotcode\/|^@tsconfig\/|^@swc\/|^tsx$|^esbuild$|^@esbuild\//.test(pkg);
    const programPackages = (pkg: string) => pkg === "program" || pkg.startsWith("@lookout-mtp/");
    const otherPackages = (pkg: string) => !pulumiPackages(pkg) && !typescriptPackages(pkg) && !programPackages(pkg);
    return {
        wall: run.ended - run.started,
        cliToUpdate: since(first(/^\*\*\* Starting Update/)),
        languageMetadata: span(first(/^newPlugin\(\): Launching plugin 'nodejs'/), first(/^killing plugin .*language/)),
        requiredPlugins: span(first(/GetRequiredPlugins\(.*\) executing/), first(/GetRequiredPlugins\(.*\) success/)),
        programSpawn: since(program?.timeOrigin),
        runToSpawn: span(first(/^langhost\[nodejs\]\.Run\(/), program?.timeOrigin),
        nodeStart: program?.hookAt ?? NaN,
        loadPulumi: loads(program, pulumiPackages),
        loadTypescript: loads(program, typescriptPackages),
        transpile: program?.transpile.ms ?? NaN,
        transpiledFiles: program?.transpile.files ?? NaN,
        loadProgram: loads(program, programPackages),
        loadOther: loads(program, otherPackages),
        programLoaded: since(abs(program, program?.entry?.end)),
        stackRegistered: since(first(/^ResourceMonitor\.RegisterResource received: t=pulumi:pulumi:Stack/)),
        checkRequests: programRequests.length,
        checks: requestTimes.length > 0 ? Math.max(...requestTimes) - Math.min(...requestTimes) : 0,
        checksFrom: requestTimes.length > 0 ? since(Math.min(...requestTimes)) : NaN,
        firstResource: since(first(/^ResourceMonitor\.RegisterResource received: t=(?!pulumi:pulumi:Stack)/)),
        lastResource: since(last(/^ResourceMonitor\.RegisterResource received/)),
        serializeCalls: program?.serialize.calls ?? 0,
        serializeKB: (program?.serialize.bytes ?? 0) / 1024,
        serializeBusy: program?.serialize.busyMs ?? 0,
        providerLaunch: since(providerLaunch),
        providerReady: span(providerLaunch, first(/^Provider\[[^\]]*\]\.GetPluginInfo\(\) executing/, providerLaunch)),
        providerNodeStart: provider?.hookAt ?? NaN,
        providerLoads: provider ? Object.values(provider.loadMs).reduce((a, b) => a + b, 0) : NaN,
        providerTypescript: loads(provider, typescriptPackages),
        checkCalls: check.calls,
        checkMs: check.ms,
        diffCalls: diff.calls,
        diffMs: diff.ms,
        programExited: since(first(/^Program exited/)),
        updateEnd: since(first(/^\*\*\* Update\(preview=true\) complete/)),
        nodeProcesses: run.processes.map((p) => p.role).join(", "),
        slowestTranspiles: Object.entries(program?.transpile.byFile ?? {})
            .sort(([, a], [, b]) => b - a)
            .slice(0, 8)
            .map(([file, ms]) => `${file.replace(projectRoot + "/", "")} ${ms.toFixed(0)}`)
            .join(", "),
        serializations: (program?.serialize.perCall ?? [])
            .map(([ms, bytes]) => `${ms.toFixed(0)} ms ${(bytes / 1024).toFixed(1)} KB`)
            .join(", "),
    };
}

/** CPU profile node, as V8 writes it. */
interface CpuNode {
    id: number;
    callFrame: { functionName: string; url: string };
    children?: number[];
}

/** The CPU profile's category for the TypeScript loaders: ts-node with swc in the program, tsx in the provider. */
const transpiling = "transpiling (ts-node, swc, tsx)";

/**
 * What a sample's stack is doing: the innermost frame that says so, from the leaf up: ts-node's
 * (transpiling), the SDK's closure serializer, Node.js's module loader (a module's load, its
 * top-level code included), gRPC. V8's own work that no JavaScript frame owns is "(program)".
 */
function cpuCategory(stack: CpuNode[]): string {
    const leaf = stack[stack.length - 1].callFrame.functionName;
    if (leaf === "(idle)") return "idle";
    if (leaf === "(garbage collector)") return "garbage collection";
    if (leaf === "(program)") return "V8 and native code, unattributed";
    for (let i = stack.length - 1; i >= 0; i--) {
        const url = stack[i].callFrame.url;
        if (/\/node_modules\/(ts-node|@cspotcode|@swc|tsx|esbuild)\//.test(url)) return transpiling;
        if (/@pulumi\/pulumi\/runtime\/closure\//.test(url)) return "closure serialization";
        if (/^node:internal\/modules\//.test(url)) return "module loading";
        if (/\/node_modules\/(@grpc|google-protobuf|protobufjs)\//.test(url)) return "gRPC";
    }
    return "other JavaScript";
}

/** CPU time per process role (program, provider, ...) and category, in ms. */
async function cpuRun(target: Target): Promise<Record<string, Record<string, number>>> {
    const run = await profiledPreview(target, (dir) => ["--cpu-prof", `--cpu-prof-dir=${dir}`], false);
    const roles = new Map(run.processes.map((p) => [p.pid, p.role]));
    const byRole: Record<string, Record<string, number>> = {};
    for (const file of readdirSync(run.dir).filter((f) => f.endsWith(".cpuprofile"))) {
        // CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile
        const pid = Number(file.split(".")[3]);
        const role = roles.get(pid) ?? `pid ${pid}`;
        const ms = cpuByCategory(readFileSync(join(run.dir, file), "utf8"));
        const into = (byRole[role] ??= {});
        for (const [category, value] of Object.entries(ms)) into[category] = (into[category] ?? 0) + value;
    }
    rmSync(run.dir, { recursive: true, force: true });
    return byRole;
}

/** The table of `profiles`: one row per step, one column per program; ms unless said otherwise. */
function profileTable(profiles: ProgramProfile[], runs: number): string {
    const ms = (v: number | string | undefined) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(0) : "-");
    const t = (key: string) => profiles.map((p) => ms(p.timeline[key]));
    const rows: string[][] = [
        [`no-op preview, not profiled (median of ${runs})`, ...profiles.map((p) => ms(p.preview.median * 1000))],
        ["the profiled run (engine log at -v=9, the hook in every Node.js process)", ...t("wall")],
        ["load average (1 min) before the program's runs", ...profiles.map((p) => p.loadAverage[0].toFixed(1))],
        ["**engine** (times after the Automation API's call)", ...profiles.map(() => "")],
        ["CLI, state and config, until the update starts", ...t("cliToUpdate")],
        ["  of which the language host's metadata (a first language host)", ...t("languageMetadata")],
        ["language host: the program's required plugins", ...t("requiredPlugins")],
        ["language host's Run until the program process starts", ...t("runToSpawn")],
        ["**program process**", ...profiles.map(() => "")],
        ["Node.js's own start, until the first user code", ...t("nodeStart")],
        ["module loads (own time): @pulumi/pulumi, gRPC, OpenTelemetry", ...t("loadPulumi")],
        ["module loads: typescript, ts-node, swc, tsx", ...t("loadTypescript")],
        [
            "transpiling by ts-node with swc (files)",
            ...profiles.map((p) => `${ms(p.timeline.transpile)} (${ms(p.timeline.transpiledFiles)})`),
        ],
        ["module loads: the program's own (its sources, or the package)", ...t("loadProgram")],
        ["module loads: other packages (zod, npm's and the SDK's dependencies)", ...t("loadOther")],
        ["program loaded, at", ...t("programLoaded")],
        [
            "the checks' requests (count): first to last",
            ...profiles.map((p) => `${ms(p.timeline.checks)} (${ms(p.timeline.checkRequests)})`),
        ],
        [
            "closure serialization (providers, KB): busy",
            ...profiles.map(
                (p) =>
                    `${ms(p.timeline.serializeBusy)} (${ms(p.timeline.serializeCalls)}, ${ms(p.timeline.serializeKB)})`,
            ),
        ],
        ["first resource registered, at", ...t("firstResource")],
        ["last resource registered, at", ...t("lastResource")],
        ["**provider process**", ...profiles.map(() => "")],
        ["plugin launched, at", ...t("providerLaunch")],
        ["launch until it answers (the shim's `node -e`, Node.js, module loads)", ...t("providerReady")],
        ["module loads (own time), all", ...t("providerLoads")],
        ["  of which typescript (the SDK's closure module loads it)", ...t("providerTypescript")],
        [
            "Check calls (count), summed",
            ...profiles.map((p) => `${ms(p.timeline.checkMs)} (${ms(p.timeline.checkCalls)})`),
        ],
        [
            "Diff calls (count), summed",
            ...profiles.map((p) => `${ms(p.timeline.diffMs)} (${ms(p.timeline.diffCalls)})`),
        ],
        ["**end**", ...profiles.map(() => "")],
        ["program exited, at", ...t("programExited")],
        ["update complete, at", ...t("updateEnd")],
    ];
    const categories = [
        transpiling,
        "closure serialization",
        "module loading",
        "gRPC",
        "other JavaScript",
        "V8 and native code, unattributed",
        "garbage collection",
        "idle",
    ];
    for (const role of ["program", "provider"]) {
        rows.push([`**CPU profile, ${role} process** (separate run)`, ...profiles.map(() => "")]);
        for (const category of categories)
            rows.push([category, ...profiles.map((p) => ms(p.cpu[role]?.[category] ?? 0))]);
    }
    rows.push([
        "**CPU profile, other Node.js processes** (the shim's `node -e`)",
        ...profiles.map((p) =>
            ms(
                Object.entries(p.cpu)
                    .filter(([role]) => role !== "program" && role !== "provider")
                    .reduce((sum, [, c]) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0),
            ),
        ),
    ]);
    const header = ["step", ...profiles.map((p) => p.label)];
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Samples of a CPU profile by category, in ms. */
export function cpuByCategory(profileJson: string): Record<string, number> {
    const profile = JSON.parse(profileJson) as { nodes: CpuNode[]; samples: number[]; timeDeltas: number[] };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const category = new Map<number, string>();
    const categoryOf = (id: number) => {
        let known = category.get(id);
        if (known === undefined) {
            const stack: CpuNode[] = [];
            for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.unshift(byId.get(at)!);
            known = cpuCategory(stack);
            category.set(id, known);
        }
        return known;
    };
    const ms: Record<string, number> = {};
    profile.samples.forEach((id, i) => {
        const c = categoryOf(id);
        ms[c] = (ms[c] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
    });
    return ms;
}
