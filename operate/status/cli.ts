/**
 * `npm run status -- --stack <name>`: the enrollment status of a stack's tenant, read-only: per
 * enrollment group its users, their devices in Lookout (public Mobile Risk API v2) by state and
 * security status, Intune's partner state and heartbeat, and managed devices by threat state and
 * compliance. A terminal table; `--json <file>` (or `-`) for pipelines; `--html <file>` for a
 * self-contained report.
 *
 *   npm run status -- --stack <name> [--cwd <project folder>] [--json <file|->] [--html <file>] [--color] [--pulumi <dir>]
 *
 * The stack's config (decrypted through the engine: PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE;
 * by default the local backend `.state/backend` the demo uses) names the endpoints, the Lookout key
 * and the groups; Graph signs in as the Intune providers do (AZURE_* variables, workload identity
 * or `az login`). Progress goes to stderr.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { parseStackConfig } from "../../config/stackConfig";
import { graphClientFor, graphConnectionFromConfig } from "../../providers/graph/connection";
import { clientFor, connectionFromConfig } from "../../providers/lookout/connection";
import { collectStatus } from "./collect";
import { renderHtml } from "./html";
import { renderTable } from "./table";
import { projectRoot, pulumiCliDir, pulumiCliEnv } from "../pulumiCli";

async function main() {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" },
            cwd: { type: "string", default: projectRoot },
            json: { type: "string" },
            html: { type: "string" },
            color: { type: "boolean", default: process.stdout.isTTY ?? false },
            pulumi: { type: "string" },
        },
    });
    if (!values.stack) throw new Error("--stack is required: the stack whose tenant to report on (e.g. --stack dev)");
    const workDir = resolve(values.cwd!);
    const bin = pulumiCliDir(values.pulumi);
    // The demo's local backend and passphrase unless the environment names others.
    const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        ...pulumiCliEnv(bin),
        PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${join(projectRoot, ".state", "backend")}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "lookout-mtp-dev",
    };
    const pulumiCommand = await PulumiCommand.get({ root: dirname(bin), skipVersionCheck: true });
    const stack = await LocalWorkspace.selectStack(
        { stackName: values.stack, workDir },
        { pulumiCommand, envVars: env },
    ).catch((err: Error) => {
        throw new Error(
            `no stack '${values.stack}' in ${workDir} on ${env.PULUMI_BACKEND_URL}: ${err.message.split("\n")[0]}`,
            { cause: err },
        );
    });
    const configMap = await stack.getAllConfig();
    const raw = Object.fromEntries(Object.entries(configMap).map(([key, { value }]) => [key, value]));
    const parsed = parseStackConfig(raw, (key) => configMap[key]?.secret ?? false);
    if (!parsed.ok)
        throw new Error(
            `the stack config has ${parsed.errors.length} problem(s):\n  - ${parsed.errors.join("\n  - ")}`,
        );
    const config = { get: (key: string) => raw[key], require: (key: string) => raw[key] ?? "" };
    // Which rollout rings the stack's last update enrolled, and when (its `rollout` output).
    const rollout = parsed.config.rollout ? (await stack.outputs()).rollout?.value : undefined;

    const report = await collectStatus({
        stack: values.stack,
        config: parsed.config,
        graph: graphClientFor(graphConnectionFromConfig(config)),
        lookout: clientFor(connectionFromConfig(config)),
        onProgress: (line) => process.stderr.write(`  ${line}\n`),
        rollout,
    });
    if (values.json === "-") process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    else console.log(renderTable(report, { color: values.color }));
    if (values.json && values.json !== "-") writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
    if (values.html) {
        writeFileSync(values.html, renderHtml(report));
        process.stderr.write(`  report written to ${values.html}\n`);
    }
}

main().catch((err) => {
    console.error(`status: ${(err as Error).message}`);
    process.exit(1);
});
