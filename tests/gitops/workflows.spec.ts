/** The GitHub Actions workflows pass actionlint and do what docs/ci-and-fleets.md promises. */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { projectRoot } from "../kit/engine";

const actionlint = join(projectRoot, "tools", "actionlint", "actionlint.sh");
const hasFlock = spawnSync("flock", ["--version"]).status === 0;
/**
 * actionlint.sh builds actionlint into .engine/bin on first use: under a lock (where flock(1) is),
 * so two test runs at once do not both write it.
 */
const lint = (files: string[]) =>
    execFileSync(
        hasFlock ? "flock" : actionlint,
        hasFlock ? [join(tmpdir(), "lookout-mtp-actionlint.lock"), actionlint, ...files] : files,
        {
            cwd: projectRoot,
            encoding: "utf8",
            stdio: "pipe",
        },
    );
const workflow = (name: string) => parse(readFileSync(join(projectRoot, ".github", "workflows", name), "utf8"));
type Step = { id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = {
    steps: Step[];
    strategy?: { matrix: Record<string, unknown> };
    needs?: string;
    environment?: string;
    env?: Record<string, string>;
};
const names = ["preview.yml", "deploy.yml", "drift.yml"];
const fleetJob: Record<string, string> = { "preview.yml": "preview", "deploy.yml": "up", "drift.yml": "drift" };
const fleetStep = (job: Job) => job.steps.find((s) => s.run?.startsWith("npm run fleet"))!;

/** Runs a workflow's shard-split step in a folder holding `count` tenant stacks and dev; returns its `shards` output. */
function split(name: string, count: number, perShard?: string): string[] {
    const step = workflow(name).jobs.shards.steps.find((s: Step) => s.id === "split") as Step;
    const dir = mkdtempSync(join(tmpdir(), "shards-"));
    for (const stack of ["dev", ...Array.from({ length: count }, (_, i) => `tenant-${i}`)])
        writeFileSync(join(dir, `Pulumi.${stack}.yaml`), "config: {}\n");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: x\n");
    try {
        execFileSync("bash", ["-euo", "pipefail", "-c", step.run!], {
            cwd: dir,
            env: {
                ...process.env,
                PER_SHARD: perShard ?? "20",
                GITHUB_OUTPUT: join(dir, "out"),
                GITHUB_STEP_SUMMARY: join(dir, "summary"),
            },
        });
        return JSON.parse(/^shards=(.*)$/m.exec(readFileSync(join(dir, "out"), "utf8"))![1]);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("CI workflows", function () {
    this.timeout(300_000);

    it("pass actionlint", () => {
        lint([]);
    });

    it("actionlint does catch a broken workflow", () => {
        const dir = mkdtempSync(join(tmpdir(), "actionlint-"));
        const broken = join(dir, "broken.yml");
        writeFileSync(
            broken,
            "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n",
        );
        assert.throws(
            () => lint([broken]),
            (err: { stdout?: string }) => /property "nope" is not defined/.test(err.stdout ?? ""),
        );
    });

    it("split the tenants into at most 256 shards of FLEET_STACKS_PER_SHARD (default 20), dev left out", () => {
        for (const name of names) {
            assert.equal(
                workflow(name).jobs.shards.steps.find((s: Step) => s.id === "split").env.PER_SHARD,
                "${{ vars.FLEET_STACKS_PER_SHARD || '20' }}",
            );
            assert.deepEqual(split(name, 0), []);
            assert.deepEqual(split(name, 1), ["1/1"]);
            assert.deepEqual(split(name, 45), ["1/3", "2/3", "3/3"]);
            assert.deepEqual(split(name, 45, "50"), ["1/1"]);
        }
        const many = split("deploy.yml", 256 * 20 + 1);
        assert.equal(many.length, 256, "GitHub's matrix limit");
        assert.equal(many[255], "256/256");
    });

    it("run one fleet per shard: the shard matrix, 4 tenants at a time, resumed by the run ID", () => {
        for (const name of names) {
            const job: Job = workflow(name).jobs[fleetJob[name]];
            assert.equal(job.needs, "shards");
            assert.equal(job.strategy!.matrix.shard, "${{ fromJSON(needs.shards.outputs.shards) }}");
            const run = fleetStep(job).run!;
            assert.match(
                run,
                /^npm run fleet -- --stacks '\*' --shard \$\{\{ matrix\.shard \}\} --concurrency 4 --operation \w+ /,
            );
            assert.match(run, / --resume "\$\{\{ github\.run_id \}\}"/);
            assert.match(run, / --markdown /, "a summary for the step summary or the PR comment");
            assert.ok(
                job.steps.some((s) => s.uses?.startsWith("azure/login@")),
                `${name}: logs in to Azure with OIDC`,
            );
            assert.equal(job.env!.ARM_USE_OIDC, "true");
            assert.ok(job.environment, `${name}: one environment for every tenant`);
            assert.ok(!JSON.stringify(job).includes("matrix.stack"), `${name}: no per-tenant environment or matrix`);
        }
    });

    it("preview pull requests with the policy pack and one PR comment; deploy up on main; a daily drift check", () => {
        const preview = workflow("preview.yml");
        assert.ok(preview.on.pull_request);
        assert.equal(preview.permissions["id-token"], "write");
        assert.match(
            fleetStep(preview.jobs.preview).run!,
            /--operation preview --refresh .*--policy-pack packages\/policy /,
        );
        assert.deepEqual(preview.jobs.comment.needs, "preview");
        assert.match(preview.jobs.comment.steps.at(-1).run, /gh pr comment "\$PR" .*--body-file comment\.md/);

        const deploy = workflow("deploy.yml");
        assert.deepEqual(deploy.on.push.branches, ["main"]);
        assert.match(fleetStep(deploy.jobs.up).run!, /--operation up --refresh .*--policy-pack packages\/policy /);
        assert.equal(deploy.concurrency.group, "deploy");

        const drift = workflow("drift.yml");
        assert.ok(drift.on.schedule[0].cron);
        assert.match(fleetStep(drift.jobs.drift).run!, /--operation drift /);
    });

    it("never put a secret in the workflow text", () => {
        for (const name of names) {
            const text = readFileSync(join(projectRoot, ".github", "workflows", name), "utf8");
            for (const line of text.split("\n").filter((l) => /(KEY|SECRET|PASSPHRASE|TOKEN):/.test(l))) {
                assert.match(line, /\$\{\{ (secrets|vars)\.[A-Z_]+ \}\}/, `${name}: ${line.trim()}`);
            }
        }
    });

    it("release the next rollout ring through a pull request once the status report says its gate passes", () => {
        const rings = workflow("rings.yml");
        assert.ok(rings.on.schedule[0].cron);
        const steps = (rings.jobs.release as Job).steps;
        const judge = steps.find((s) => s.id === "judge")!;
        assert.match(judge.run!, /npm run -s status -- --stack "\$stack" --json/);
        assert.match(judge.run!, /\.rollout\.releasable\[0\]/);
        assert.match(judge.run!, /--path 'lookout-mtp:rollout\.release\.ring'/);
        const open = steps.find((s) => s.run?.includes("gh pr create"))!;
        assert.equal(open.env!.GH_TOKEN, "${{ github.token }}", "the job's own token, no stored secret");
    });
});
