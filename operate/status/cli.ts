/**
 * `npm run status -- --stack <name>`: the enrollment status of a stack's tenant, read-only: per
 * enrollment group its users, their devices in Lookout (public Mobile Risk API v2) by state and
 * security status, Intune's partner state and heartbeat, and managed devices by threat state and
 * compliance. A terminal table; `--json <file>` (or `-`) for pipelines; `--html <file>` for a
 * self-contained report.
 *
 *   npm run status -- --stack <name> [--cwd <project folder>] [--json <file|->] [--html <file>] [--color] [--pulumi <dir>]
 *   npm run status -- --stack <name> --watch [--json] [--interval <seconds>]
 *
 * `--watch` prints the report once, then keeps it up to date from Lookout's event stream until
 * Ctrl-C, which prints a summary (operate/status/watch.ts); with `--json`, one JSON line per change.
 *
 * The stack's config (decrypted through the engine: PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE;
 * by default the local backend `.state/backend` the demo uses) names the endpoints, the Lookout key
 * and the groups; Graph signs in as the Intune providers do (AZURE_* variables, workload identity
 * or `az login`). Progress goes to stderr.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { parseStackConfig } from "../../config/stackConfig";
import { graphClientFor, graphConnectionFromConfig } from "../../providers/graph/connection";
import { clientFor, connectionFromConfig } from "../../providers/lookout/connection";
import { collectStatus } from "./collect";
import { renderHtml } from "./html";
import { renderTable } from "./table";
import { renderSummary, renderWatch, type Watch, watchStatus } from "./watch";
import { fileBackendUrl, projectRoot, pulumiCliDir, pulumiCliEnv } from "../pulumiCli";

/** `--json` with no value (last, or before another option) means stdout, as `--json -`. */
function argsWithJsonDefault(args: string[]): string[] {
    return args.map((arg, i) =>
        arg === "--json" && (i === args.length - 1 || args[i + 1].startsWith("--")) ? "--json=-" : arg,
    );
}

/** The stack through the Pulumi CLI, on the demo's local backend and passphrase unless the environment names others. */
async function openStack(stackName: string, workDir: string, bin: string) {
    const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        ...pulumiCliEnv(bin),
        PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? fileBackendUrl(join(projectRoot, ".state", "backend")),
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "lookout-mtp-dev",
    };
    const pulumiCommand = await PulumiCommand.get({ root: dirname(bin), skipVersionCheck: true });
    return LocalWorkspace.selectStack({ stackName, workDir }, { pulumiCommand, envVars: env }).catch((err: Error) => {
        throw new Error(
            `no stack '${stackName}' in ${workDir} on ${env.PULUMI_BACKEND_URL}: ${err.message.split("\n")[0]}`,
            { cause: err },
        );
    });
}

async function main() {
    const { values } = parseArgs({
        args: argsWithJsonDefault(process.argv.slice(2)),
        options: {
            watch: { type: "boolean", default: false },
            interval: { type: "string" },
            stack: { type: "string" },
            cwd: { type: "string", default: projectRoot },
            json: { type: "string" },
            html: { type: "string" },
            color: { type: "boolean", default: process.stdout.isTTY ?? false },
            pulumi: { type: "string" },
        },
    });
    if (!values.stack) throw new Error("--stack is required: the stack whose tenant to report on (e.g. --stack dev)");
    const stack = await openStack(values.stack, resolve(values.cwd!), pulumiCliDir(values.pulumi));
    const configMap = await stack.getAllConfig();
    const raw = Object.fromEntries(Object.entries(configMap).map(([key, { value }]) => [key, value]));
    const parsed = parseStackConfig(raw, (key) => configMap[key]?.secret ?? false);
    if (!parsed.ok)
        throw new Error(
            `the stack config has ${parsed.errors.length} problem(s):\n  - ${parsed.errors.join("\n  - ")}`,
        );
    const config = { get: (key: string) => raw[key], require: (key: string) => raw[key] ?? "" };
    // Which rollout rings the stack's last update enrolled, and when (its `rollout` output).
    const outputs = parsed.config.rollout || parsed.config.conditionalAccess ? await stack.outputs() : {};
    const rollout = parsed.config.rollout ? outputs.rollout?.value : undefined;
    // The Conditional Access policy's mode and the rings it covers (its `conditionalAccess` output).
    const conditionalAccess = parsed.config.conditionalAccess ? outputs.conditionalAccess?.value : undefined;

    const collect = {
        stack: values.stack,
        config: parsed.config,
        graph: graphClientFor(graphConnectionFromConfig(config)),
        lookout: clientFor(connectionFromConfig(config)),
        onProgress: (line: string) => process.stderr.write(`  ${line}\n`),
        rollout,
        conditionalAccess,
    };
    if (values.watch) return watch(collect, values);
    const report = await collectStatus(collect);
    if (values.json === "-") process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    else console.log(renderTable(report, { color: values.color }));
    if (values.json && values.json !== "-") writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
    if (values.html) {
        writeFileSync(values.html, renderHtml(report));
        process.stderr.write(`  report written to ${values.html}\n`);
    }
}

/**
 * The report, then its live part redrawn as events arrive: in place on a terminal (at most every
 * `--interval` seconds, default 0.25), else printed again at most every `--interval` (default 5) when
 * it changed; `--json`: a line for the snapshot, one per change, one per connection event, and the
 * summary. Ctrl-C ends it with the summary.
 */
async function watch(
    collect: Parameters<typeof collectStatus>[0],
    values: { json?: string; color?: boolean; interval?: string },
): Promise<void> {
    const abort = new AbortController();
    let snapshotTaken = false;
    const stop = () => (snapshotTaken ? abort.abort() : process.exit(130));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const json = values.json !== undefined;
    const out = (line: unknown) => {
        const text = JSON.stringify(line) + "\n";
        if (values.json === "-") process.stdout.write(text);
        else appendFileSync(values.json!, text);
    };
    const tty = !json && (process.stdout.isTTY ?? false);
    const interval = Number(values.interval ?? (tty ? 0.25 : 5)) * 1000;
    if (!Number.isFinite(interval) || interval < 0) throw new Error("--interval must be a number of seconds");
    let drawnLines = 0;
    let drawnAt = 0;
    let dirty = false;
    const draw = (w: Watch, force = false) => {
        if (!force && (!dirty || Date.now() - drawnAt < interval)) return;
        const block = renderWatch(w);
        // On a terminal the live part is redrawn where it was; elsewhere (a CI log) it is printed again.
        process.stdout.write((tty && drawnLines > 0 ? `\x1b[${drawnLines}A\x1b[J` : tty ? "" : "\n") + block);
        drawnLines = block.split("\n").length - 1;
        drawnAt = Date.now();
        dirty = false;
    };
    const startedAt = Date.now();
    if (json && values.json !== "-") writeFileSync(values.json!, "");
    const watched = await watchStatus({
        ...collect,
        signal: abort.signal,
        onSnapshot(w) {
            snapshotTaken = true;
            if (json) out({ kind: "snapshot", report: w.report });
            else {
                console.log(renderTable(w.report, { color: values.color }));
                draw(w, true);
            }
        },
        onChange(change) {
            if (json) out(change);
            dirty = true;
        },
        onConnection(line) {
            if (json) out({ kind: "connection", at: new Date().toISOString(), message: line });
            else process.stderr.write(`  ${line}\n`);
        },
        onQuiet(w) {
            if (!json) draw(w);
        },
    });
    if (json)
        out({
            kind: "summary",
            seconds: (Date.now() - startedAt) / 1000,
            tally: watched.tally,
            report: watched.report,
        });
    else process.stdout.write(renderSummary(watched, startedAt));
}

main().catch((err) => {
    console.error(`status: ${(err as Error).message}`);
    process.exit(1);
});
