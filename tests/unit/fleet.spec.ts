/** The fleet's pure parts: which stacks a glob and a shard take, error lines, the summary, the pool. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstErrorLine, type FleetRun, pool } from "../../operate/fleet/run";
import { matchStacks, parseShard, shardOf, stackFiles, stackTenantEnv } from "../../operate/fleet/stacks";
import { markdownSummary, textSummary } from "../../operate/fleet/summary";

const names = (n: number) => Array.from({ length: n }, (_, i) => `tenant-${String(i + 1).padStart(3, "0")}`);

describe("fleet stacks", () => {
    it("matches stack names by glob and leaves dev out unless the glob names it", () => {
        const all = ["dev", "contoso-eu", "contoso-us", "fabrikam"];
        assert.deepEqual(matchStacks(all, "*"), ["contoso-eu", "contoso-us", "fabrikam"]);
        assert.deepEqual(matchStacks(all, "contoso-*"), ["contoso-eu", "contoso-us"]);
        assert.deepEqual(matchStacks(all, "{dev,fabrikam}"), ["dev", "fabrikam"]);
        assert.deepEqual(matchStacks(all, "dev"), ["dev"]);
    });

    it("reads the stack names from the Pulumi.<stack>.yaml files of the project folder", () => {
        const dir = mkdtempSync(join(tmpdir(), "fleet-unit-"));
        try {
            for (const f of ["Pulumi.yaml", "Pulumi.b.yaml", "Pulumi.a.yaml", "Pulumi.dev.yaml", "README.md"])
                writeFileSync(join(dir, f), "config: {}\n");
            assert.deepEqual(stackFiles(dir), ["a", "b", "dev"]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    for (const [count, shards] of [
        [30, 3],
        [7, 3],
        [2, 5],
        [1000, 256],
        [0, 4],
    ]) {
        it(`shards 1/${shards}..${shards}/${shards} of ${count} stacks cover each exactly once, sizes within one`, () => {
            const sorted = names(count);
            const parts = Array.from({ length: shards }, (_, i) => shardOf(sorted, { index: i + 1, count: shards }));
            assert.deepEqual(parts.flat(), sorted, "in order, none twice, none left out");
            const sizes = parts.map((p) => p.length);
            assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes.join(",")}`);
        });
    }

    it("gives the same shard on every machine (a function of the sorted names only)", () => {
        const shuffled = names(30).reverse();
        assert.deepEqual(shardOf(matchStacks(shuffled, "*"), parseShard("2/3")), names(30).slice(10, 20));
    });

    it("refuses a shard that is not i/N with 1 <= i <= N", () => {
        for (const bad of ["0/3", "4/3", "3", "a/b", "1/0"])
            assert.throws(() => parseShard(bad), /--shard '.*' must be i\/N/);
        assert.deepEqual(parseShard("3/12"), { index: 3, count: 12 });
    });

    it("takes a stack's tenant from lookout-mtp:entra.tenantId (or its older fleet:azureTenantId), and refuses an encrypted one", () => {
        const dir = mkdtempSync(join(tmpdir(), "fleet-unit-"));
        try {
            const tenant = "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10";
            writeFileSync(join(dir, "Pulumi.a.yaml"), `config:\n  fleet:azureTenantId: ${tenant}\n`);
            writeFileSync(join(dir, "Pulumi.b.yaml"), "config:\n  lookout:baseUrl: https://api.lookout.com\n");
            writeFileSync(join(dir, "Pulumi.c.yaml"), "config:\n  fleet:azureTenantId:\n    secure: v1:abc\n");
            assert.deepEqual(stackTenantEnv(dir, "a"), { AZURE_TENANT_ID: tenant, ARM_TENANT_ID: tenant });
            assert.deepEqual(stackTenantEnv(dir, "b"), {});
            writeFileSync(
                join(dir, "Pulumi.d.yaml"),
                `config:\n  lookout-mtp:entra:\n    mode: graph\n    tenantId: ${tenant}\n`,
            );
            assert.deepEqual(stackTenantEnv(dir, "d"), { AZURE_TENANT_ID: tenant, ARM_TENANT_ID: tenant });
            assert.throws(
                () => stackTenantEnv(dir, "c"),
                /fleet:azureTenantId in Pulumi.c.yaml must be a plain tenant ID/,
            );
            // The whole section encrypted: refused, not read past to the older key.
            writeFileSync(
                join(dir, "Pulumi.e.yaml"),
                `config:\n  fleet:azureTenantId: ${tenant}\n  lookout-mtp:entra:\n    secure: v1:abc\n`,
            );
            assert.throws(
                () => stackTenantEnv(dir, "e"),
                /^Error: lookout-mtp:entra\.tenantId in Pulumi\.e\.yaml must be a plain tenant ID/,
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("fleet run", () => {
    it("runs at most N at once and keeps the order of its items", async () => {
        let running = 0;
        let most = 0;
        const out = await pool(names(12), 4, async (name) => {
            most = Math.max(most, ++running);
            await new Promise((r) => setTimeout(r, 5 + (name.length % 3)));
            running -= 1;
            return name.toUpperCase();
        });
        assert.equal(most, 4);
        assert.deepEqual(
            out,
            names(12).map((n) => n.toUpperCase()),
        );
    });

    it("finds the error line that says what went wrong", () => {
        const output = [
            " +  pulumi:pulumi:Stack lookout-mtp-tenant-07 creating (3s) error: Lookout Intune connector: the",
            "Diagnostics:",
            "  pulumi-nodejs:dynamic/lookout:IntuneConnector (lookout-connector):",
            "    error: Lookout Intune connector: the application key was refused (401)",
            "  pulumi:pulumi:Stack (lookout-mtp-tenant-07):",
            "    error: update failed",
        ].join("\n");
        assert.equal(firstErrorLine(output), "Lookout Intune connector: the application key was refused (401)");
        assert.equal(firstErrorLine("code: 255\n stdout: \n stderr: error: update failed\n"), "update failed");
        const preflight =
            "    error: The onboarding cannot start; nothing was changed:\n      - lookout:applicationKey: 401 invalid_client\n";
        assert.equal(
            firstErrorLine(preflight),
            "The onboarding cannot start; nothing was changed: - lookout:applicationKey: 401 invalid_client",
        );
        const crash =
            "error: Running program '/work/main/index.ts' failed with an unhandled exception:\n    Error: Cannot find module './impact'\n";
        assert.equal(
            firstErrorLine(crash),
            "Running program '/work/main/index.ts' failed with an unhandled exception: Error: Cannot find module './impact'",
        );
    });

    it("summarizes failed stacks first, as text and as markdown", () => {
        const run: FleetRun = {
            runId: "42",
            operation: "up",
            startedAt: new Date(0).toISOString(),
            seconds: 12,
            results: [
                { stack: "a", result: "succeeded", changes: { same: 3, create: 2 }, seconds: 3.21 },
                { stack: "b", result: "failed", changes: {}, seconds: 1.5, error: "Lookout | 401" },
                {
                    stack: "c",
                    result: "skipped",
                    changes: { create: 5 },
                    seconds: 0,
                    note: "succeeded in fleet run 42",
                },
            ],
        };
        const text = textSummary(run);
        assert.match(text, /^fleet up \(run 42\): 3 stacks, 1 succeeded, 1 skipped, 1 failed, 12 s\n/);
        const rows = text.split("\n").slice(4, 7);
        assert.deepEqual(
            rows.map((r) => r.split(/\s{2,}/)[0]),
            ["b", "a", "c"],
        );
        assert.match(text, /a\s+succeeded\s+create 2, same 3\s+3\.2/);
        assert.match(markdownSummary(run), /\| b \| failed \| {2}\| 1\.5 \| Lookout \\\| 401 \|/);
    });
});
