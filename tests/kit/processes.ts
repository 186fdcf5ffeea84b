/**
 * No process a test run starts may outlive it. The engine suites start `pulumi`, which starts its
 * plugins (language hosts, the dynamic-provider shim and its node) each in a process group of its
 * own, so killing the CLI or its group leaves them running, parented to init.
 *
 * Processes are found by a mark in their environment, which every process the suites start
 * inherits (the Automation API, `execFile` and the engine all pass their environment on), read from
 * `/proc/<pid>/environ`. Loaded by mocha (`.mocharc.json` `require`) as a root hook plugin: before
 * the first test it marks the run with a fresh id in `LOOKOUT_MTP_TEST_RUN`; after the last test it
 * gives the run's processes a short grace period to finish exiting, kills what remains and fails
 * the run naming each one, with those a test stack's disposal had to kill. Other runs on the same
 * machine carry other ids and are left alone.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

/** The variable whose value marks every process of one test run. */
export const testRunVariable = "LOOKOUT_MTP_TEST_RUN";
/** The variable whose value marks the processes of one test stack (testStack.ts): its folder. */
export const testStackVariable = "LOOKOUT_MTP_TEST_STACK";

/** How long processes that are already exiting (plugins the engine is shutting down) may take. */
const exitGraceMs = 5_000;

export interface ProcessInfo {
    pid: number;
    ppid: number;
    /** Process group and session. */
    pgid: number;
    sid: number;
    /** The command line, arguments separated by spaces. */
    command: string;
}

/** Whether processes can be inspected here (Linux); elsewhere the guard checks nothing and a session kill is a group kill. */
const procfs = existsSync("/proc/self/environ");

function pids(): number[] {
    if (!procfs) return [];
    return readdirSync("/proc")
        .filter((name) => /^\d+$/.test(name))
        .map(Number)
        .filter((pid) => pid !== process.pid);
}

/** A live process's parent, group and session from `/proc/<pid>/stat`; undefined once it is gone or a zombie. */
function processInfo(pid: number): ProcessInfo | undefined {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name in parentheses may itself hold spaces and parentheses: the fields follow the last ")".
        const [state, ppid, pgid, sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (state === "Z" || state === "X") return undefined;
        const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
        return { pid, ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), command };
    } catch {
        return undefined;
    }
}

function carries(pid: number, variable: string, value: string): boolean {
    try {
        return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${variable}=${value}`);
    } catch {
        // Gone meanwhile, or not ours to read.
        return false;
    }
}

/**
 * esbuild's service, which tsx (the TypeScript loader of this test process) starts when it first
 * transpiles and keeps for the process's life: not started by a test. In mocha's parallel mode a
 * worker may start it after the run's mark is set, and runs the guard after each of its files.
 */
function isLoaderService(p: ProcessInfo): boolean {
    const [executable, ...args] = p.command.split(" ");
    return p.ppid === process.pid && basename(executable) === "esbuild" && args.some((a) => a.startsWith("--service"));
}

/** Live processes other than this one whose environment holds `<variable>=<value>` (this process's loader service aside). */
export function processesMarked(variable: string, value: string): ProcessInfo[] {
    return pids()
        .filter((pid) => carries(pid, variable, value))
        .flatMap((pid) => processInfo(pid) ?? [])
        .filter((p) => !isLoaderService(p));
}

/** Live processes of session `sid`, however deep and whatever their group or parent now. */
export function processesOfSession(sid: number): ProcessInfo[] {
    return pids()
        .flatMap((pid) => processInfo(pid) ?? [])
        .filter((p) => p.sid === sid);
}

function signal(target: number, name: NodeJS.Signals): void {
    try {
        process.kill(target, name);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `find` until it returns nothing or `ms` have passed; returns what it found last. */
async function whileAny(find: () => ProcessInfo[], ms: number): Promise<ProcessInfo[]> {
    const deadline = Date.now() + ms;
    let found = find();
    while (found.length > 0 && Date.now() < deadline) {
        await pause(50);
        found = find();
    }
    return found;
}

/**
 * SIGKILLs each process and the process group it leads, repeating until `find` returns nothing (a
 * process may start a child while the others die). Throws when some survive.
 */
async function killAll(find: () => ProcessInfo[], processes: ProcessInfo[]): Promise<void> {
    const own = processInfo(process.pid);
    let left = processes;
    for (let round = 0; round < 20 && left.length > 0; round++) {
        for (const p of left) {
            // Never this process's own group (a CLI started without a session of its own shares it).
            if (p.pgid === p.pid && p.pgid !== own?.pgid) signal(-p.pgid, "SIGKILL");
            signal(p.pid, "SIGKILL");
        }
        left = await whileAny(find, 250);
    }
    if (left.length > 0) throw new Error(`could not kill ${describeProcesses(left)}`);
}

/**
 * Kills a process started in a session of its own (`spawn(..., { detached: true })`) together with
 * everything it started: the engine runs each plugin in a group of its own, but all stay in the
 * session of the CLI, also once the CLI is gone and they are parented to init. Only processes of
 * the run `runId` (by default this one's) are touched.
 */
export async function killSession(sid: number, runId = process.env[testRunVariable]): Promise<void> {
    if (!procfs) return signal(-sid, "SIGKILL");
    if (sid === processInfo(process.pid)?.sid) throw new Error(`session ${sid} is this process's own`);
    // Once a session is empty its id may be reused by a process of another run: only this run's count.
    const find = () => processesOfSession(sid).filter((p) => !runId || carries(p.pid, testRunVariable, runId));
    await killAll(find, find());
}

/**
 * Waits up to `graceMs` for the processes marked `<variable>=<value>` to exit, then kills those
 * left. Returns the ones that had to be killed.
 */
export async function reapMarked(variable: string, value: string, graceMs = exitGraceMs): Promise<ProcessInfo[]> {
    const find = () => processesMarked(variable, value);
    const left = await whileAny(find, graceMs);
    await killAll(find, left);
    return left;
}

function describeProcesses(processes: ProcessInfo[]): string {
    return processes.map((p) => `pid ${p.pid} (parent ${p.ppid}): ${p.command}`).join("\n");
}

const leftBehind: Array<{ by: string; processes: ProcessInfo[] }> = [];

/** Processes that outlived their part of the tests and were killed before the run's end; the guard reports them. */
export function reportLeftBehind(processes: ProcessInfo[], by: string): void {
    if (processes.length > 0) leftBehind.push({ by, processes });
}

let runId: string | undefined;

/** The mocha root hooks: mark the run before the first test, fail it when anything outlives the last one. */
export const mochaHooks = {
    beforeAll() {
        runId ??= randomUUID();
        process.env[testRunVariable] = runId;
    },
    afterAll: async function noProcessOutlivesTheTests(this: Mocha.Context) {
        if (!runId) return;
        this.timeout(exitGraceMs + 30_000);
        reportLeftBehind(await reapMarked(testRunVariable, runId), "the tests, at the end of the run");
        const problems = leftBehind.splice(0);
        const all = problems.flatMap((p) => p.processes);
        if (all.length > 0) {
            const names = all
                .map((p) =>
                    p.command
                        .split(" ")
                        .slice(0, 2)
                        .map((word) => basename(word))
                        .join(" "),
                )
                .join(", ");
            const details = problems
                .map((p) => `left behind by ${p.by}:\n${describeProcesses(p.processes)}`)
                .join("\n");
            throw new Error(
                `${all.length} process(es) started by the tests outlived them and were killed: ${names}\n${details}`,
            );
        }
    },
};
