/**
 * `npm run bench`: how fast a preview and an up are, how they grow, and what they cost in API calls,
 * measured with the real engine against the emulator, side by side in one run. Prints a table and
 * writes JSON to tools/bench/results/. Not part of the tests: figures, not pass/fail.
 *
 *   npm run bench -- [--runs 5] [--groups 1,10,100,500] [--classifications 10,25] [--fleet 1,10,50] [--concurrency 4]
 *                    [--only floor,groupscale,growth,fleet,status,rings,profile]   (some figures; written to results/ under the date and sections, latest.json left alone)
 *
 * Each scenario is a file of its own beside this one; they run in the order below, whatever `--only` says.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureEngine, projectRoot } from "../../tests/kit/engine";
import type { Bench, Scenario } from "./bench";
import { fleet } from "./fleet";
import { floor } from "./floor";
import { groupScale } from "./groupScale";
import { growth } from "./growth";
import { profile } from "./profile";
import { rings } from "./rings";
import { status } from "./status";
import { watch } from "./watch";

const scenarios: Array<[string, Scenario]> = [
    ["floor", floor],
    ["groupscale", groupScale],
    ["growth", growth],
    ["fleet", fleet],
    ["status", status],
    ["rings", rings],
    ["profile", profile],
    ["watch", watch],
];

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
const sections = new Set((values.only ?? scenarios.map(([name]) => name).join(",")).split(","));
const list = (s: string) => s.split(",").filter(Boolean).map(Number);

async function main() {
    ensureEngine();
    const pulumiVersion = execFileSync(join(ensureEngine(), "pulumi"), ["version"], { encoding: "utf8" }).trim();
    const bench: Bench = {
        runs: Number(values.runs),
        groups: list(values.groups!),
        classifications: list(values.classifications!),
        fleet: list(values.fleet!),
        concurrency: Number(values.concurrency),
        results: {
            date: new Date().toISOString(),
            machine: {
                cpus: cpus().length,
                cpu: cpus()[0]?.model,
                memoryGiB: Math.round(totalmem() / 2 ** 30),
                freeGiB: Math.round(freemem() / 2 ** 30),
                node: process.version,
                pulumi: pulumiVersion,
                // Other work shares the machine: its 1, 5 and 15 minute load averages when the run started and ended.
                loadAverage: { start: loadavg() } as { start: number[]; end?: number[] },
            },
            runsPerFigure: Number(values.runs),
        },
        table: [],
    };
    for (const [name, scenario] of scenarios) if (sections.has(name)) await scenario(bench);
    (bench.results.machine as { loadAverage: { end?: number[] } }).loadAverage.end = loadavg();
    writeResults(bench.results, values.only);
    printTable(bench, pulumiVersion);
}

/** The run's JSON, named by its date (and its sections, for a partial run); a full run is also latest.json. */
function writeResults(results: Record<string, unknown>, only: string | undefined): void {
    const dir = join(projectRoot, "tools", "bench", "results");
    mkdirSync(dir, { recursive: true });
    const json = JSON.stringify(results, null, 2);
    // A partial run (--only) would overwrite the full figures latest.json keeps.
    if (!only) writeFileSync(join(dir, "latest.json"), json);
    const name = `${(results.date as string).replace(/[:.]/g, "-")}${only ? `-${only.replace(/,/g, "-")}` : ""}.json`;
    writeFileSync(join(dir, name), json);
}

function printTable(bench: Bench, pulumiVersion: string): void {
    const { table, runs } = bench;
    const widths = [0, 1, 2].map((i) => Math.max(...table.map((r) => r[i].length), 6));
    const load = (bench.results.machine as { loadAverage: { start: number[]; end?: number[] } }).loadAverage;
    const avg = (l: number[] | undefined) => (l ?? []).map((n) => n.toFixed(1)).join("/");
    console.log(
        `\nlookout-mtp benchmarks (${pulumiVersion}, ${cpus().length} cores, ${process.version}; load average 1/5/15 min ${avg(load.start)} at the start, ${avg(load.end)} at the end); seconds: median (min-max) of ${runs} runs\n`,
    );
    for (const row of [["figure", "value", "note"], widths.map((w) => "-".repeat(w)), ...table]) {
        console.log("| " + row.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |");
    }
    console.log(`\nJSON: tools/bench/results/${values.only ? "<date>-<sections>.json" : "latest.json"}`);
}

main().catch((err) => {
    console.error(`bench failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
});
