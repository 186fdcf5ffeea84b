/**
 * `npm run fleet` as a pipeline runs it: the CLI as a child process, from a temporary project folder
 * of 30 tenant stacks on a temporary file backend, against one emulator holding 30 tenants. Each
 * tenant has its own Lookout key (a secret in its stack file) and its own Entra tenant, which its
 * stack names in `fleet:azureTenantId`; one multi-tenant Graph app, consented in every tenant, is the
 * shared identity (AZURE_CLIENT_ID and AZURE_CLIENT_SECRET here; a federated credential in CI).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { engineEnv, ensureEngine, projectRoot } from "../kit/engine";
import { type LookoutEmulator, startLookoutEmulator } from "../../emulator/server";
import { grantLookoutConsent } from "../../emulator/devTenant";
import type { GraphApp, Tenant } from "../../emulator/store";
import { validReferenceConfig } from "../kit/configFixtures";
import { type FleetRun, pool } from "../../operate/fleet/run";

const tenantCount = 30;
const broken = ["tenant-07", "tenant-19"];

interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
    seconds: number;
}

describe("npm run fleet over 30 emulated tenants (real engine)", function () {
    this.timeout(600_000);
    let emulator: LookoutEmulator;
    let dir: string;
    let env: Record<string, string>;
    const tenants = new Map<string, { tenant: Tenant; key: string }>();
    const timings: string[] = [];

    function fleet(...args: string[]): Promise<CliRun> {
        const started = performance.now();
        const loader = pathToFileURL(join(projectRoot, "node_modules", "tsx", "dist", "loader.mjs")).href;
        return new Promise((resolve) => {
            execFile(
                process.execPath,
                ["--import", loader, join(projectRoot, "operate", "fleet", "cli.ts"), "--cwd", ".", ...args],
                { cwd: dir, env, maxBuffer: 64 << 20 },
                (err, stdout, stderr) => {
                    const seconds = (performance.now() - started) / 1000;
                    timings.push(`fleet ${args.join(" ")}: ${seconds.toFixed(1)} s`);
                    resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, seconds });
                },
            );
        });
    }
    const readRun = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as FleetRun;
    const started = (run: CliRun) => [...run.stderr.matchAll(/^start (\S+)$/gm)].map((m) => m[1]).sort();

    before(async () => {
        emulator = await startLookoutEmulator({ port: 0, rateLimitPerMinute: 10_000 });
        let app: GraphApp | undefined;
        for (let i = 1; i <= tenantCount; i++) {
            const name = `tenant-${String(i).padStart(2, "0")}`;
            const tenant = emulator.store.addTenant(name);
            grantLookoutConsent(emulator.store, tenant);
            // One multi-tenant app: registered once, consented in every tenant.
            if (app) tenant.graphApps.push(app);
            else app = emulator.store.addGraphApp(tenant);
            tenants.set(name, { tenant, key: tenant.applicationKeys[0] });
        }

        dir = mkdtempSync(join(tmpdir(), "lookout-fleet-"));
        writeFileSync(
            join(dir, "Pulumi.yaml"),
            [
                "name: lookout-mtp",
                "runtime:",
                "  name: nodejs",
                "  options:",
                "    typescript: true",
                `main: ${projectRoot}`,
                "",
            ].join("\n"),
        );
        mkdirSync(join(dir, "backend"));
        env = engineEnv({
            backendDir: join(dir, "backend"),
            passphrase: "fleet-passphrase",
            extra: {
                PULUMI_HOME: join(dir, "home"),
                AZURE_CLIENT_ID: app!.clientId,
                AZURE_CLIENT_SECRET: app!.clientSecret,
            },
        });
        delete env.AZURE_TENANT_ID; // each stack's own, from its stack file

        // The stack files, as an MSP's engineer makes them: `pulumi stack init` and config, the key a secret.
        const bin = ensureEngine();
        const workspace = await LocalWorkspace.create({
            workDir: dir,
            pulumiCommand: await PulumiCommand.get({ root: join(bin, ".."), skipVersionCheck: true }),
            envVars: env,
        });
        await pool([...tenants], 4, async ([name, { tenant, key }]) => {
            const stack = await Stack.create(name, workspace);
            const config: Record<string, unknown> = {
                ...validReferenceConfig(),
                "lookout:baseUrl": emulator.url,
                "graph:baseUrl": emulator.graphBaseUrl,
                "graph:authorityHost": emulator.authorityHost,
                "lookout-mtp:entra": { mode: "reference", tenantId: tenant.entraTenantId },
                "fleet:azureTenantId": tenant.entraTenantId,
            };
            await stack.setAllConfig({
                ...Object.fromEntries(
                    Object.entries(config).map(([k, v]) => [
                        k,
                        { value: typeof v === "string" ? v : JSON.stringify(v) },
                    ]),
                ),
                "lookout:applicationKey": { value: key, secret: true },
            });
        });
    });

    after(async () => {
        console.log(timings.map((t) => `      ${t}`).join("\n"));
        await emulator?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    let firstRun: FleetRun;

    it("runs up on every tenant, fails for exactly the two whose Lookout key was revoked, and exits non-zero", async () => {
        for (const name of broken) tenants.get(name)!.tenant.applicationKeys = [];
        const run = await fleet(
            "--stacks",
            "tenant-*",
            "--operation",
            "up",
            "--concurrency",
            "4",
            "--json",
            "first.json",
        );
        assert.equal(run.code, 1, run.stderr);
        firstRun = readRun("first.json");
        assert.equal(firstRun.results.length, tenantCount);
        assert.deepEqual(
            firstRun.results.filter((r) => r.result === "failed").map((r) => r.stack),
            broken,
        );
        assert.ok(firstRun.results.filter((r) => r.result === "succeeded").every((r) => r.changes.create > 0));
        for (const r of firstRun.results.filter((r) => r.result === "failed"))
            assert.match(r.error!, /lookout:applicationKey: .*401/, "the first error line says why");
        // The summary names the two, and their engine output; never the keys.
        const failedRows = run.stdout.split("\n").filter((l) => /\bfailed\b/.test(l) && l.startsWith("tenant-"));
        assert.deepEqual(
            failedRows.map((l) => l.split(/\s+/)[0]),
            broken,
        );
        assert.match(run.stderr, /^\[\s*\d+\/30\] FAIL {2}tenant-07 /m);
        assert.match(run.stderr, /^ {4}tenant-19 \| /m, "a failed stack shows its last lines");
        for (const { key } of tenants.values())
            assert.ok(!run.stdout.includes(key) && !run.stderr.includes(key), "no application key in the output");
        assert.ok(!run.stderr.includes(env.AZURE_CLIENT_SECRET), "no client secret in the output");
    });

    it("--resume with the run's ID runs only the two that failed, once they are fixed, and exits 0", async () => {
        for (const name of broken) tenants.get(name)!.tenant.applicationKeys = [tenants.get(name)!.key];
        const run = await fleet(
            "--stacks",
            "tenant-*",
            "--operation",
            "up",
            "--resume",
            firstRun.runId,
            "--json",
            "resumed.json",
            "--markdown",
            "resumed.md",
        );
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(started(run), broken);
        const resumed = readRun("resumed.json");
        assert.deepEqual(
            resumed.results.filter((r) => r.result === "succeeded").map((r) => r.stack),
            broken,
        );
        assert.equal(resumed.results.filter((r) => r.result === "skipped").length, tenantCount - 2);
        assert.match(
            readFileSync(join(dir, "resumed.md"), "utf8"),
            /^### fleet up \(run .*\): 30 stacks, 2 succeeded, 28 skipped/,
        );
    });

    it("resumed again, skips every stack: the backend's history is the record", async () => {
        const run = await fleet(
            "--stacks",
            "tenant-*",
            "--operation",
            "up",
            "--resume",
            firstRun.runId,
            "--shard",
            "3/3",
        );
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(started(run), []);
        assert.match(run.stdout, /10 stacks, 10 skipped/);
    });

    it("drift over shard 1/3 finds no changes, and a resumed drift reads the results file instead of history", async () => {
        const run = await fleet(
            "--stacks",
            "tenant-*",
            "--operation",
            "drift",
            "--shard",
            "1/3",
            "--resume",
            "drift-1",
            "--json",
            "drift.json",
        );
        assert.equal(run.code, 0, run.stderr);
        const drift = readRun("drift.json");
        assert.deepEqual(
            drift.results.map((r) => r.stack),
            [...tenants.keys()].slice(0, 10),
        );
        assert.ok(
            drift.results.every((r) => r.result === "succeeded" && Object.keys(r.changes).every((op) => op === "same")),
        );
        const again = await fleet(
            "--stacks",
            "tenant-*",
            "--operation",
            "drift",
            "--shard",
            "1/3",
            "--resume",
            "drift-1",
        );
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(started(again), []);
    });
});
