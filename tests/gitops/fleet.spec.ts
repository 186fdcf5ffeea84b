/**
 * `npm run fleet` as a pipeline runs it: the CLI as a child process, from a temporary project folder
 * of tenant stacks on a temporary file backend, against one emulator holding the tenants. Each
 * tenant has its own Lookout key (a secret in its stack file) and its own Entra tenant, which its
 * stack names in `lookout-mtp:entra.tenantId`; one multi-tenant Graph app, consented in every tenant, is the
 * shared identity (AZURE_CLIENT_ID and AZURE_CLIENT_SECRET here; a federated credential in CI).
 *
 * Three tenants are the fewest that show it all on the engine: two stacks at once and a third
 * waiting its turn (concurrency 2), one failing and the run exiting non-zero, a resume running only
 * the failed one, and shards taking their contiguous share (1/2 one stack, 2/2 two). How shards
 * split any number of stacks and how the pool bounds concurrency are unit-tested
 * (tests/unit/fleet.spec.ts).
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
import { compiledProgramDir } from "../kit/program";
import { type FleetRun, pool } from "../../operate/fleet/run";

const tenantCount = 3;
const names = ["tenant-1", "tenant-2", "tenant-3"];
const broken = ["tenant-2"];

interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
    seconds: number;
}

describe("npm run fleet over 3 emulated tenants (real engine)", function () {
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
        for (const name of names) {
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
                "    typescript: false",
                `main: ${compiledProgramDir()}`,
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
        await pool([...tenants], 2, async ([name, { tenant, key }]) => {
            const stack = await Stack.create(name, workspace);
            const config: Record<string, unknown> = {
                ...validReferenceConfig(),
                "lookout:baseUrl": emulator.url,
                "graph:baseUrl": emulator.graphBaseUrl,
                "graph:authorityHost": emulator.authorityHost,
                "lookout-mtp:entra": { mode: "reference", tenantId: tenant.entraTenantId },
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

    it("runs up on every tenant two at a time, fails for exactly the one whose Lookout key was revoked, and exits non-zero", async () => {
        for (const name of broken) tenants.get(name)!.tenant.applicationKeys = [];
        const run = await fleet(
            "--stacks",
            "tenant-*",
            "--operation",
            "up",
            "--concurrency",
            "2",
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
        // Two at once: both first stacks started before any finished, the third only after one had.
        const progress = run.stderr.split("\n").filter((l) => /^(start |\[\s*\d+\/3\] )/.test(l));
        assert.deepEqual(progress.slice(0, 2), ["start tenant-1", "start tenant-2"], run.stderr);
        assert.ok(progress.indexOf("start tenant-3") > 2, `tenant-3 waits for a free slot:\n${progress.join("\n")}`);
        // The summary names the failed one, and its engine output; never the keys.
        const failedRows = run.stdout.split("\n").filter((l) => /\bfailed\b/.test(l) && l.startsWith("tenant-"));
        assert.deepEqual(
            failedRows.map((l) => l.split(/\s+/)[0]),
            broken,
        );
        assert.match(run.stderr, /^\[\s*\d+\/3\] FAIL {2}tenant-2 /m);
        assert.match(run.stderr, /^ {4}tenant-2 \| /m, "a failed stack shows its last lines");
        for (const { key } of tenants.values())
            assert.ok(!run.stdout.includes(key) && !run.stderr.includes(key), "no application key in the output");
        assert.ok(!run.stderr.includes(env.AZURE_CLIENT_SECRET), "no client secret in the output");
    });

    it("--resume with the run's ID runs only the one that failed, once it is fixed, and exits 0", async () => {
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
        assert.equal(resumed.results.filter((r) => r.result === "skipped").length, tenantCount - 1);
        assert.match(
            readFileSync(join(dir, "resumed.md"), "utf8"),
            /^### fleet up \(run .*\): 3 stacks, 1 succeeded, 2 skipped/,
        );
    });

    it("resumed again on shard 2/2, skips its two stacks: the backend's history is the record", async () => {
        const run = await fleet(
            "--stacks",
            "tenant-*",
            "--operation",
            "up",
            "--resume",
            firstRun.runId,
            "--shard",
            "2/2",
        );
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(started(run), []);
        assert.match(run.stdout, /2 stacks, 2 skipped/);
    });

    it("drift over shard 1/2 (its first stack) finds no changes, and a resumed drift reads the results file instead of history", async () => {
        const run = await fleet(
            "--stacks",
            "tenant-*",
            "--operation",
            "drift",
            "--shard",
            "1/2",
            "--resume",
            "drift-1",
            "--json",
            "drift.json",
        );
        assert.equal(run.code, 0, run.stderr);
        const drift = readRun("drift.json");
        assert.deepEqual(
            drift.results.map((r) => r.stack),
            ["tenant-1"],
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
            "1/2",
            "--resume",
            "drift-1",
        );
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(started(again), []);
    });
});
