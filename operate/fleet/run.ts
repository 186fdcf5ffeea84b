/**
 * Runs one Pulumi operation over many stacks of one project through the Automation API, at most N
 * at once, and records each stack's outcome where a later run, on this machine or another, finds
 * it to resume:
 *
 * - `up` and `refresh` write the backend's history: the run ID goes into the update's message
 *   (`fleet <runId> <operation>`), and a resumed run skips a stack whose last update carries that
 *   message and succeeded. The backend (Azure Blob, Pulumi Cloud, a file backend) is the record, so
 *   it works across machines and across GitHub's "Re-run failed jobs".
 * - `preview` and `drift` write no history: their outcomes go to `.state/fleet/<runId>.json` in
 *   the project folder, which a workflow must carry between machines itself (the workflows cache it).
 *
 * The engine's output is kept per stack and shown only when the stack fails (its last lines;
 * Pulumi masks secret config in what it prints, and no environment is ever printed).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type EngineEvent, LocalWorkspace, type OpMap, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { consoleChangeMarker, consoleUncheckedMarker } from "../../components/onboarding/consoleDrift";
import { pulumiCliDir, pulumiCliEnv } from "../pulumiCli";
import { federatedTokenEnv } from "./credentials";
import { stackTenantEnv } from "./stacks";

export const operations = ["up", "preview", "drift", "refresh"] as const;
export type Operation = (typeof operations)[number];

/** Operations that leave an update in the stack's history, which resume reads. */
const writesHistory: ReadonlySet<Operation> = new Set(["up", "refresh"]);

export type Outcome = "succeeded" | "failed" | "skipped";

export interface StackResult {
    stack: string;
    result: Outcome;
    /** Resources per operation (`create`, `update`, `same`, ...), from the engine's summary. */
    changes: Record<string, number>;
    seconds: number;
    /** A failed stack's first error line. */
    error?: string;
    /** Why a stack was skipped. */
    note?: string;
    /**
     * What was changed in Lookout's console away from the declared settings, one line each (the
     * program's warnings, components/onboarding/consoleDrift.ts), or that it could not be checked.
     * A drift run fails a stack that has any change.
     */
    consoleChanges?: string[];
}

export interface FleetRun {
    runId: string;
    operation: Operation;
    /** `i/N` when the run took one shard. */
    shard?: string;
    startedAt: string;
    seconds: number;
    results: StackResult[];
}

export interface FleetOptions {
    /** The project folder (Pulumi.yaml and the stack files). */
    projectDir: string;
    /** The stacks to run, in order. */
    stacks: readonly string[];
    operation: Operation;
    concurrency: number;
    runId: string;
    /** Skip the stacks that succeeded in run `runId` before. */
    resume: boolean;
    /** Refresh before `up` or `preview` (drift always refreshes). */
    refresh?: boolean;
    /** Policy pack folders, as `--policy-pack`. */
    policyPacks?: readonly string[];
    shard?: string;
    /** The folder of the Pulumi CLI to run (operate/pulumiCli.ts finds one when absent). */
    pulumi?: string;
    /** One progress line. */
    log(line: string): void;
}

/** How many of the engine's last lines a failed stack shows. */
const tailLines = 20;

/** Runs `work` over `items` with at most `limit` running at once; results in the order of `items`. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await work(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}

/** The message of every update a fleet run makes; resume looks for it. */
export function updateMessage(runId: string, operation: Operation): string {
    return `fleet ${runId} ${operation}`;
}

/** The results file of `runId` in a project folder (for the operations without history). */
export function resultsFile(projectDir: string, runId: string): string {
    return join(projectDir, ".state", "fleet", `${runId.replace(/[^\w.-]/g, "_")}.json`);
}

/**
 * The line of the engine's output that says what went wrong: a diagnostic's `error:` other than the
 * closing "update failed" (with the line after it when it ends in a colon, as "Running program ...
 * failed with an unhandled exception:" does), else a mandatory policy violation, else the first line.
 */
export function firstErrorLine(text: string): string {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.length > 0);
    const generic = (error: string) => /^(update|preview|refresh) failed$/.test(error);
    // A diagnostic's line starts with "error:"; the progress display repeats it mid-line, cut short.
    const diagnostic = (i: number) =>
        lines[i].startsWith("error: ") ? lines[i].slice("error: ".length).trim() : undefined;
    const embedded = (i: number) => /\serror: (.+)$/.exec(lines[i])?.[1].trim();
    for (const errorAt of [diagnostic, embedded]) {
        const at = lines.findIndex((_, i) => {
            const error = errorAt(i);
            return error !== undefined && !generic(error);
        });
        if (at < 0) continue;
        const error = errorAt(at)!;
        return error.endsWith(":") && lines[at + 1] ? `${error} ${lines[at + 1]}` : error;
    }
    const fallback = lines.findIndex((_, i) => diagnostic(i) ?? embedded(i));
    return (
        lines.find((l) => l.startsWith("mandatory:")) ??
        (fallback >= 0 ? (diagnostic(fallback) ?? embedded(fallback))! : (lines[0] ?? "failed"))
    );
}

/** Terminal colour codes (a program's own stderr carries them even with `color: never`). */
// eslint-disable-next-line no-control-regex -- the escape character is exactly what is matched
const ansi = /\x1b\[[0-9;]*m/g;

function countChanges(map: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(map ?? {}).filter(([, n]) => typeof n === "number" && n > 0)) as Record<
        string,
        number
    >;
}

/** The last lines written to it. */
function lineTail(limit: number) {
    const lines: string[] = [];
    let partial = "";
    return {
        push(chunk: string) {
            const parts = (partial + chunk).replace(ansi, "").split("\n");
            partial = parts.pop() ?? "";
            // "@ updating...." lines are the engine's progress display, which says nothing after the fact.
            lines.push(...parts.filter((l) => l.trim().length > 0 && !l.startsWith("@ ")));
            if (lines.length > limit) lines.splice(0, lines.length - limit);
        },
        lines: () => [...lines, ...(partial.trim() ? [partial] : [])].slice(-limit),
    };
}

function readResults(file: string): Map<string, StackResult> {
    if (!existsSync(file)) return new Map();
    const run = JSON.parse(readFileSync(file, "utf8")) as FleetRun;
    return new Map(run.results.map((r) => [r.stack, r]));
}

/** Merges this run's results into the results file, keeping those of stacks other shards ran. */
function writeResults(file: string, run: FleetRun) {
    const merged = readResults(file);
    for (const r of run.results) merged.set(r.stack, r);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
        file,
        JSON.stringify(
            { ...run, shard: undefined, results: [...merged.values()].sort((a, b) => a.stack.localeCompare(b.stack)) },
            null,
            2,
        ) + "\n",
    );
}

export async function runFleet(options: FleetOptions): Promise<FleetRun> {
    const { projectDir, operation, runId } = options;
    const startedAt = new Date();
    const bin = pulumiCliDir(options.pulumi);
    const pulumiCommand = await PulumiCommand.get({ root: dirname(bin), skipVersionCheck: true });
    const engineVars = pulumiCliEnv(bin);
    const file = resultsFile(projectDir, runId);
    const previous =
        options.resume && !writesHistory.has(operation) ? readResults(file) : new Map<string, StackResult>();
    const tokenDir = mkdtempSync(join(tmpdir(), "fleet-oidc-"));
    const run: RunContext = {
        options,
        pulumiCommand,
        engineVars,
        tokenDir,
        previous,
        message: updateMessage(runId, operation),
        selecting: oneAtATime(),
        finish: progressLog(options.stacks.length, options.log),
    };
    try {
        const results = await pool(options.stacks, options.concurrency, (name) => runOne(run, name));
        const fleetRun: FleetRun = {
            runId,
            operation,
            shard: options.shard,
            startedAt: startedAt.toISOString(),
            seconds: (Date.now() - startedAt.getTime()) / 1000,
            results,
        };
        writeResults(file, fleetRun);
        return fleetRun;
    } finally {
        rmSync(tokenDir, { recursive: true, force: true });
    }
}

/** What every stack of one fleet run shares. */
interface RunContext {
    options: FleetOptions;
    pulumiCommand: PulumiCommand;
    /** The environment of the Pulumi CLI, before the stack's tenant and token. */
    engineVars: Record<string, string>;
    /** Where the stacks' federated tokens are written; removed when the run ends. */
    tokenDir: string;
    /** The results file's outcomes of an earlier run, for the operations without history. */
    previous: ReadonlyMap<string, StackResult>;
    /** The message of every update this run makes. */
    message: string;
    selecting: <T>(select: () => Promise<T>) => Promise<T>;
    /** Logs a stack's outcome with the run's progress, and returns it. */
    finish: (r: StackResult) => StackResult;
}

/**
 * `stack select` rewrites the project's workspace file in PULUMI_HOME, which every command reads:
 * selections run one at a time so none reads it half-written (the operations name their stack and
 * run concurrently).
 */
function oneAtATime(): <T>(select: () => Promise<T>) => Promise<T> {
    let selection: Promise<unknown> = Promise.resolve();
    return <T>(select: () => Promise<T>): Promise<T> => {
        const next = selection.then(select);
        selection = next.catch(() => undefined);
        return next;
    };
}

/** A line per finished stack, counting them: `[ 3/10] ok    name 12.3s (create 2)`. */
function progressLog(total: number, log: (line: string) => void): (r: StackResult) => StackResult {
    let done = 0;
    return (r) => {
        done += 1;
        const counter = `[${String(done).padStart(String(total).length)}/${total}]`;
        const changes = formatChanges(r.changes);
        if (r.result === "skipped") log(`${counter} skip  ${r.stack}: ${r.note}`);
        else if (r.result === "succeeded")
            log(`${counter} ok    ${r.stack} ${r.seconds.toFixed(1)}s${changes ? ` (${changes})` : ""}`);
        else log(`${counter} FAIL  ${r.stack} ${r.seconds.toFixed(1)}s: ${r.error}`);
        return r;
    };
}

/** The console-change warnings among a run's engine events, once each (the engine may repeat a diagnostic). */
function consoleWarnings() {
    const lines = new Set<string>();
    return {
        onEvent(event: EngineEvent) {
            const d = event.diagnosticEvent;
            if (!d || d.severity !== "warning") return;
            for (const line of d.message
                .replace(ansi, "")
                .split("\n")
                .map((l) => l.trim())) {
                if (line.startsWith(consoleChangeMarker) || line.startsWith(consoleUncheckedMarker)) lines.add(line);
            }
        },
        /** The changes first, then any line saying the check was not made. */
        lines: () =>
            [...lines].sort(
                (a, b) => Number(a.startsWith(consoleUncheckedMarker)) - Number(b.startsWith(consoleUncheckedMarker)),
            ),
        changed: () => [...lines].some((l) => l.startsWith(consoleChangeMarker)),
    };
}

async function runOne(run: RunContext, name: string): Promise<StackResult> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const output = lineTail(tailLines);
    const warnings = consoleWarnings();
    const withConsole = (r: StackResult): StackResult =>
        warnings.lines().length > 0 ? { ...r, consoleChanges: warnings.lines() } : r;
    try {
        const stack = await selectStack(run, name);
        const earlier = await earlierSuccess(run, stack);
        if (earlier)
            return run.finish({
                ...earlier,
                result: "skipped",
                seconds: 0,
                error: undefined,
                note: `succeeded in fleet run ${run.options.runId}`,
            });
        run.options.log(`start ${name}`);
        const changes = await operate(run, stack, output.push, warnings.onEvent);
        // A drift check fails on a console change even when the engine saw none (checklist mode cannot read the console).
        if (run.options.operation === "drift" && warnings.changed()) {
            const count = warnings.lines().filter((l) => l.startsWith(consoleChangeMarker)).length;
            return run.finish(
                withConsole({
                    stack: name,
                    result: "failed",
                    changes: countChanges(changes),
                    seconds: seconds(),
                    error: `${count} change${count === 1 ? "" : "s"} in Lookout's console to settings the stack declares`,
                }),
            );
        }
        return run.finish(
            withConsole({ stack: name, result: "succeeded", changes: countChanges(changes), seconds: seconds() }),
        );
    } catch (err) {
        const text = [...output.lines(), (err as Error).message].join("\n");
        const result = run.finish(
            withConsole({
                stack: name,
                result: "failed",
                changes: {},
                seconds: seconds(),
                error: firstErrorLine(text),
            }),
        );
        for (const line of output.lines()) run.options.log(`    ${name} | ${line}`);
        return result;
    }
}

/** The stack with its own tenant and federated token in its environment. */
async function selectStack(run: RunContext, name: string): Promise<Stack> {
    const { projectDir } = run.options;
    const envVars = {
        ...run.engineVars,
        ...stackTenantEnv(projectDir, name),
        ...(await federatedTokenEnv(run.tokenDir, name)),
    };
    return run.selecting(() =>
        LocalWorkspace.selectStack(
            { stackName: name, workDir: projectDir },
            { pulumiCommand: run.pulumiCommand, envVars },
        ),
    );
}

/** Whether run `runId` already succeeded for the stack (its last update, or the results file). */
async function earlierSuccess(run: RunContext, stack: Stack): Promise<StackResult | undefined> {
    const { resume, operation } = run.options;
    if (!resume) return undefined;
    if (!writesHistory.has(operation)) {
        const r = run.previous.get(stack.name);
        return r && r.result !== "failed" ? r : undefined;
    }
    const [last] = await stack.history(1, 1, false);
    if (!last || last.result !== "succeeded" || last.message !== run.message) return undefined;
    return { stack: stack.name, result: "succeeded", changes: countChanges(last.resourceChanges), seconds: 0 };
}

/** Runs the operation on the stack; the engine's resource changes. */
async function operate(
    run: RunContext,
    stack: Stack,
    onOutput: (chunk: string) => void,
    onEvent: (event: EngineEvent) => void,
): Promise<OpMap | undefined> {
    const { operation, refresh } = run.options;
    const { message } = run;
    const common = {
        message,
        color: "never" as const,
        onOutput,
        onError: onOutput,
        onEvent,
        policyPacks: [...(run.options.policyPacks ?? [])],
    };
    switch (operation) {
        case "up":
            return (await stack.up({ ...common, refresh })).summary.resourceChanges;
        case "preview":
            return (await stack.preview({ ...common, refresh, diff: true })).changeSummary;
        case "drift":
            return (await stack.preview({ ...common, refresh: true, expectNoChanges: true, diff: true })).changeSummary;
        case "refresh":
            return (await stack.refresh({ message, color: "never", onOutput, onError: onOutput, onEvent })).summary
                .resourceChanges;
    }
}

/** `create 3, update 1, same 9`: the counts in the engine's order of operations. */
export function formatChanges(changes: Record<string, number>): string {
    const order = ["create", "update", "replace", "delete", "read", "refresh", "same"];
    return Object.entries(changes)
        .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
        .map(([op, n]) => `${op} ${n}`)
        .join(", ");
}
