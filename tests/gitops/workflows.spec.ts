/** The GitHub Actions workflows pass actionlint and do what the README's "Use in CI" promises. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { projectRoot } from "../../scripts/lib/engine";

const lint = (files: string[]) => execFileSync(join(projectRoot, "scripts", "actionlint.sh"), files, { cwd: projectRoot, encoding: "utf8", stdio: "pipe" });
const workflow = (name: string) => parse(readFileSync(join(projectRoot, ".github", "workflows", name), "utf8"));
const steps = (job: { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }) => job.steps;
const pulumiStep = (job: { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }) => steps(job).find((s) => s.uses?.startsWith("pulumi/actions@"))!;

describe("CI workflows", function () {
    this.timeout(300_000);

    it("pass actionlint", () => {
        lint([]);
    });

    it("actionlint does catch a broken workflow", () => {
        const dir = mkdtempSync(join(tmpdir(), "actionlint-"));
        const broken = join(dir, "broken.yml");
        writeFileSync(broken, "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n");
        assert.throws(
            () => lint([broken]),
            (err: { stdout?: string }) => /property "nope" is not defined/.test(err.stdout ?? ""),
        );
    });

    it("preview pull requests per tenant with the policy pack and a PR comment", () => {
        const preview = workflow("preview.yml");
        assert.ok(preview.on.pull_request);
        assert.equal(preview.permissions["id-token"], "write");
        const job = preview.jobs.preview;
        assert.equal(job.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}");
        const step = pulumiStep(job);
        assert.equal(step.with!.command, "preview");
        assert.equal(step.with!.policyPacks, "policy");
        assert.equal(step.with!["comment-on-pr"], true);
        assert.ok(
            steps(job).some((s) => s.uses?.startsWith("azure/login@")),
            "logs in to Azure with OIDC",
        );
    });

    it("run up on the main branch and a daily drift check that fails on changes", () => {
        const deploy = workflow("deploy.yml");
        assert.deepEqual(deploy.on.push.branches, ["main"]);
        assert.equal(pulumiStep(deploy.jobs.up).with!.command, "up");
        const drift = workflow("drift.yml");
        assert.ok(drift.on.schedule[0].cron);
        const step = pulumiStep(drift.jobs.drift);
        assert.equal(step.with!.command, "preview");
        assert.equal(step.with!.refresh, true);
        assert.equal(step.with!["expect-no-changes"], true);
    });

    it("never put a secret in the workflow text", () => {
        for (const name of ["preview.yml", "deploy.yml", "drift.yml"]) {
            const text = readFileSync(join(projectRoot, ".github", "workflows", name), "utf8");
            for (const line of text.split("\n").filter((l) => /(KEY|SECRET|PASSPHRASE|TOKEN):/.test(l))) {
                assert.match(line, /\$\{\{ (secrets|vars)\.[A-Z_]+ \}\}/, `${name}: ${line.trim()}`);
            }
        }
    });
});
