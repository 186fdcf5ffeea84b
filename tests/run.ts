/**
 * What `npm test` and `npm run test:fast` run: npm scripts in groups, the groups one after another,
 * the scripts of a group at once (scripts that share nothing run side by side; the engine suites
 * mostly wait, so they leave room for the others). Stops after the first group in which a script
 * failed, and exits non-zero.
 *
 *   node --import tsx tests/run.ts build,lint test:engine,test:unit,test:contract
 *
 * The first script of a group prints as it runs; the others of the group print after it, each
 * when it ends, so their lines do not interleave. Each ends with its time, and the run with one
 * line counting the tests (tests/kit/tally.ts), the only closing line in the output. No other line
 * may read like a known runner's closing (CI reads pytest's `... in 1.50s` as one): the
 * schemathesis runs keep their own output in a report and print a line of their own, and the
 * times here are written `(69 s)`.
 */
import { spawn } from "node:child_process";
import { projectRoot } from "./kit/engine";
import { type Tally, tally } from "./kit/tally";

interface Finished {
    script: string;
    code: number;
    seconds: number;
    output: string;
}

function runScript(script: string, stream: boolean): Promise<Finished> {
    const started = performance.now();
    const child = spawn("npm", ["run", "-s", script], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (to: NodeJS.WriteStream) => (d: Buffer) => {
        output += d.toString();
        if (stream) to.write(d);
    };
    child.stdout.on("data", collect(process.stdout));
    child.stderr.on("data", collect(process.stderr));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code, signal) =>
            resolve({
                script,
                code: code ?? (signal ? 128 : 1),
                seconds: (performance.now() - started) / 1000,
                output,
            }),
        );
    });
}

const verdict = (f: Finished) =>
    `\n> npm run ${f.script}: ${f.code === 0 ? "passed" : `FAILED (exit code ${f.code})`} (${f.seconds.toFixed(0)} s)`;

async function main() {
    const groups = process.argv.slice(2).map((g) => g.split(",").filter(Boolean));
    if (groups.length === 0 || groups.some((g) => g.length === 0)) {
        console.error("usage: node --import tsx tests/run.ts <script>[,<script>...] ...");
        process.exit(2);
    }
    const started = performance.now();
    const times: string[] = [];
    const total: Tally = { passed: 0, failed: 0, skipped: 0 };
    // The closing line CI reads, in the plain form any runner's summary takes.
    const closing = () => `tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
    for (const [first, ...others] of groups) {
        console.log(`\n> ${[first, ...others].map((s) => `npm run ${s}`).join("  &  ")}\n`);
        const running = others.map((script) => runScript(script, false));
        const streamed = await runScript(first, true);
        console.log(verdict(streamed));
        const finished = [streamed];
        for (const next of running) {
            const f = await next;
            console.log(`\n> npm run ${f.script}\n`);
            process.stdout.write(f.output);
            console.log(verdict(f));
            finished.push(f);
        }
        for (const f of finished) {
            const t = tally(f.output);
            total.passed += t.passed;
            total.failed += t.failed + (f.code !== 0 && t.failed === 0 ? 1 : 0);
            total.skipped += t.skipped;
        }
        times.push(...finished.map((f) => `${f.script} ${f.seconds.toFixed(0)} s${f.code === 0 ? "" : " (failed)"}`));
        const failed = finished.filter((f) => f.code !== 0);
        if (failed.length > 0) {
            console.error(`\nfailed: ${failed.map((f) => `npm run ${f.script}`).join(", ")}; stopped before the rest.`);
            console.error(closing());
            process.exit(1);
        }
    }
    console.log(`\nall passed (${((performance.now() - started) / 1000).toFixed(0)} s): ${times.join(", ")}`);
    console.log(closing());
}

main().catch((err) => {
    console.error(`tests/run.ts: ${(err as Error).message}`);
    process.exit(1);
});
