/**
 * npm run fleet -- --stacks <glob> [--operation up|preview|drift|refresh] [--concurrency 4] [--shard i/N]
 *                  [--resume <runId>] [--refresh] [--policy-pack packages/policy] [--json file] [--markdown file] [--cwd dir]
 *                  [--pulumi <dir of the Pulumi CLI>]
 *
 * One Pulumi operation over the project's stacks whose names match the glob (docs/ci-and-fleets.md). Progress on stderr, the summary table on stdout; exits 1 when a stack failed.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Operation, operations, runFleet } from "./run";
import { matchStacks, parseShard, shardOf, stackFiles } from "./stacks";
import { markdownSummary, textSummary } from "./summary";
import { projectRoot } from "../pulumiCli";

function usage(problem: string): never {
    process.stderr.write(`fleet: ${problem}\n`);
    process.exit(2);
}

async function main() {
    const { values } = parseArgs({
        options: {
            stacks: { type: "string" },
            operation: { type: "string", default: "preview" },
            concurrency: { type: "string", default: "4" },
            shard: { type: "string" },
            resume: { type: "string" },
            refresh: { type: "boolean", default: false },
            "policy-pack": { type: "string", multiple: true, default: [] },
            json: { type: "string" },
            markdown: { type: "string" },
            cwd: { type: "string" },
            pulumi: { type: "string" },
        },
        strict: true,
    });
    if (!values.stacks) usage("--stacks <glob> is required (e.g. --stacks '*', --stacks 'contoso-*')");
    const operation = values.operation as Operation;
    if (!operations.includes(operation))
        usage(`--operation must be one of ${operations.join(", ")}, not '${values.operation}'`);
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1)
        usage(`--concurrency must be a whole number of at least 1, not '${values.concurrency}'`);
    const projectDir = resolve(values.cwd ?? projectRoot);
    const matched = matchStacks(stackFiles(projectDir), values.stacks);
    if (matched.length === 0) usage(`no Pulumi.<stack>.yaml in ${projectDir} matches '${values.stacks}'`);
    const shard = values.shard ? parseShard(values.shard) : undefined;
    const stacks = shard ? shardOf(matched, shard) : matched;
    const runId =
        values.resume ?? `${new Date().toISOString().replace(/[-:]|\.\d+Z$/g, "")}-${randomBytes(3).toString("hex")}`;
    const log = (line: string) => process.stderr.write(line + "\n");
    log(
        `fleet run ${runId}: ${operation} on ${stacks.length} of ${matched.length} stacks${shard ? ` (shard ${values.shard})` : ""}, ${concurrency} at a time${values.resume ? ", resuming" : ""}`,
    );

    const run = await runFleet({
        projectDir,
        stacks,
        operation,
        concurrency,
        runId,
        resume: values.resume !== undefined,
        refresh: values.refresh,
        policyPacks: values["policy-pack"].map((p) => resolve(p)),
        shard: values.shard,
        pulumi: values.pulumi,
        log,
    });
    process.stdout.write("\n" + textSummary(run));
    if (values.json) writeFileSync(values.json, JSON.stringify(run, null, 2) + "\n");
    if (values.markdown) writeFileSync(values.markdown, markdownSummary(run));
    process.exitCode = run.results.some((r) => r.result === "failed") ? 1 : 0;
}

main().catch((err: Error) => {
    process.stderr.write(`fleet: ${err.message}\n`);
    process.exit(2);
});
