/**
 * `npm run test:repeat -- N [--unit]`: runs the engine suites (e2e, gitops and faults at once, as
 * `npm run test:engine`) and the browser suite, with `--unit` the unit suite first, N times in a
 * row and reports every test that failed at least once, so a landing does not depend on one lucky
 * run. Not part of `npm test`.
 *
 * Each suite runs through its own `npm run test:<suite>` script, the invocation `npm test` uses
 * (the engine suites in parallel, so a test that depends on running alone shows here), with
 * mocha's JSON reporter writing to a file (npm hands the extra arguments to mocha, the last
 * command of each script). A failing hook counts as a test of its own, among them the guard of
 * tests/kit/processes.ts, which fails a run that leaves a process behind.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../tests/kit/engine";

/** What mocha's JSON reporter writes (the parts read here). */
interface MochaReport {
    stats: { tests: number; passes: number; failures: number; pending: number };
    tests: Array<{ fullTitle: string }>;
    failures: Array<{ fullTitle: string; err: { message?: string } }>;
}

interface Outcome {
    runs: number;
    failures: number;
    firstError: string;
}

const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { unit: { type: "boolean", default: false } },
});
const rounds = Number(positionals[0] ?? "1");
if (!Number.isInteger(rounds) || rounds < 1 || positionals.length > 1) {
    console.error(
        `usage: npm run test:repeat -- N [--unit]   (N, the number of rounds, a positive whole number; got '${positionals.join(" ")}')`,
    );
    process.exit(2);
}
const suites = [...(values.unit ? ["unit"] : []), "engine", "browser"];
const logs = mkdtempSync(join(tmpdir(), "lookout-test-repeat-"));
const outcomes = new Map<string, Outcome>();

function record(test: string, error?: string): void {
    const outcome = outcomes.get(test) ?? { runs: 0, failures: 0, firstError: "" };
    outcome.runs += 1;
    if (error !== undefined) {
        outcome.failures += 1;
        outcome.firstError ||= error.split("\n").find((line) => line.trim()) ?? "(no message)";
    }
    outcomes.set(test, outcome);
}

/** Runs one suite once; resolves with mocha's exit code. Its output goes to `<logs>/<suite>-<round>.log`. */
function runSuite(suite: string, report: string, log: string): Promise<number> {
    const fd = openSync(log, "w");
    const child = spawn(
        "npm",
        ["run", "-s", `test:${suite}`, "--", "--reporter", "json", "--reporter-option", `output=${report}`],
        {
            cwd: projectRoot,
            stdio: ["ignore", fd, fd],
        },
    );
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => {
            closeSync(fd);
            resolve(code ?? 1);
        });
    });
}

function seconds(ms: number): string {
    const s = Math.round(ms / 1000);
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

async function main() {
    console.log(`test:repeat: ${rounds} round(s) of ${suites.join(", ")}; logs and reports in ${logs}`);
    const started = Date.now();
    for (let round = 1; round <= rounds; round++) {
        for (const suite of suites) {
            const report = join(logs, `${suite}-${round}.json`);
            const log = join(logs, `${suite}-${round}.log`);
            const at = Date.now();
            const code = await runSuite(suite, report, log);
            let line: string;
            if (existsSync(report)) {
                const result = JSON.parse(readFileSync(report, "utf8")) as MochaReport;
                const failed = new Map(result.failures.map((f) => [f.fullTitle, f.err.message ?? "(no message)"]));
                for (const test of result.tests) record(`${suite}: ${test.fullTitle}`, failed.get(test.fullTitle));
                // Failed hooks are not among the tests.
                const tests = new Set(result.tests.map((t) => t.fullTitle));
                for (const [title, message] of failed) if (!tests.has(title)) record(`${suite}: ${title}`, message);
                line = `${result.stats.passes} passed, ${result.stats.failures} failed`;
                record(
                    `${suite}: (the suite's run)`,
                    code !== 0 && failed.size === 0
                        ? `exited with code ${code} without a failed test; see ${log}`
                        : undefined,
                );
            } else {
                record(`${suite}: (the suite's run)`, `exited with code ${code} and no report; see ${log}`);
                line = `no report (exit code ${code})`;
            }
            console.log(`round ${round}/${rounds}  ${suite.padEnd(6)}  ${line}  (${seconds(Date.now() - at)})`);
        }
    }

    const flaky = [...outcomes]
        .filter(([, o]) => o.failures > 0)
        .sort(([a, x], [b, y]) => y.failures - x.failures || a.localeCompare(b));
    const tests = [...outcomes].filter(([test]) => !test.endsWith("(the suite's run)"));
    const runs = tests.reduce((n, [, o]) => n + o.runs, 0);
    console.log("");
    if (flaky.length > 0) {
        const rows = flaky.map(([test, o]) => [`${o.failures}/${o.runs}`, test, o.firstError]);
        const widths = [0, 1].map((i) =>
            Math.max(i === 0 ? "failed".length : "test".length, ...rows.map((r) => r[i].length)),
        );
        console.log(`${"failed".padEnd(widths[0])}  ${"test".padEnd(widths[1])}  first error`);
        for (const [count, test, error] of rows)
            console.log(`${count.padEnd(widths[0])}  ${test.padEnd(widths[1])}  ${error}`);
        console.log("");
    }
    const failures = flaky.reduce((n, [, o]) => n + o.failures, 0);
    console.log(
        `${rounds} round(s) in ${seconds(Date.now() - started)}: ${tests.length} tests, ${runs} test runs, ${failures} failure(s); ` +
            `${flaky.length} test(s) failed at least once.`,
    );
    process.exit(flaky.length > 0 ? 1 : 0);
}

main().catch((err) => {
    console.error(`test:repeat: ${(err as Error).message}`);
    process.exit(1);
});
