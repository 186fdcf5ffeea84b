/**
 * Another team's program (examples/consumer) uses the built package, installed as npm installs it, runs on the real engine
 * against the emulator, and its previews read well: one setting changed is one property on one
 * resource, a change that forces replacement says so, and nothing else is in the output. A value a
 * resource's `check` refuses is the refusal path such programs meet (the stack's own config is
 * checked before any resource, tests/e2e/refusals.spec.ts): the CLI prints that and nothing else.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { cliOutput, pulumiCli, refusedByCheck } from "../kit/cli";
import { projectRoot } from "../kit/engine";
import { packageName, withInstalledPackage } from "../kit/installedPackage";
import { useTestStack } from "../kit/testStack";

const execFileAsync = promisify(execFile);
const consumerDir = join(projectRoot, "examples", "consumer");
const groups = [
    { displayName: "Field Pilot", objectId: "6b000000-0000-4000-8000-000000000001" },
    { displayName: "Field Service", objectId: "6b000000-0000-4000-8000-000000000002" },
];

interface PreviewStep {
    op: string;
    urn: string;
    replaceReasons?: string[];
    oldState?: { inputs?: Record<string, unknown> };
    newState?: { inputs?: Record<string, unknown> };
}

function changedInputs(step: PreviewStep): string[] {
    const olds = step.oldState?.inputs ?? {};
    const news = step.newState?.inputs ?? {};
    return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
        .filter((k) => k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]))
        .sort();
}

describe("the package in another program (real engine)", function () {
    this.timeout(300_000);
    const { tenant, t } = useTestStack("consumer", {
        program: () => ({
            project: "lookout-consumer",
            dir: withInstalledPackage(consumerDir),
            typescript: true,
            config: {
                "lookout-consumer:groups": groups,
                "lookout-consumer:errorReportEmail": "field-it@contoso.example",
            },
        }),
    });

    /** `pulumi preview --diff --json`, as a pull-request job would run it. */
    async function previewJson() {
        const { stdout } = await execFileAsync("pulumi", ["preview", "--diff", "--json", "--stack", "consumer"], {
            cwd: t.dir,
            env: t.env,
            maxBuffer: 64 * 1024 * 1024,
        });
        const parsed = JSON.parse(stdout) as {
            steps: PreviewStep[];
            diagnostics?: Array<{ severity: string; message: string }>;
        };
        return { steps: parsed.steps.filter((s) => s.op !== "same"), diagnostics: parsed.diagnostics ?? [] };
    }

    it("refuses a value the Lookout connector's check refuses, in preview and up, printing that and nothing else", async () => {
        await t.setConfig({ "lookout-consumer:heartbeatFrequencyMinutes": 0 });
        tenant.emulator.clearRequests();
        try {
            for (const args of [["preview"], ["up", "--yes"]]) {
                const run = await pulumiCli(t, args);
                const said = `pulumi ${args[0]} printed:\n${run.stdout}\n(stderr)\n${run.stderr}`;
                assert.notEqual(run.code, 0, said);
                const refused = {
                    type: "pulumi-nodejs:dynamic/lookout:IntuneConnector",
                    name: "lookout",
                    property: "heartbeatFrequencyMinutes",
                    value: "0",
                    reason: "heartbeatFrequencyMinutes: Too small: expected number to be >=5",
                };
                // The threat levels do not wait for the connector; the policy does.
                const independent = [
                    { type: "pulumi-nodejs:dynamic/lookout:ThreatClassifications", name: "threat-levels" },
                ];
                assert.deepEqual(cliOutput(run.stdout), refusedByCheck(t, refused, run.stdout, independent), said);
                assert.equal(run.stderr, "", said);
            }
            assert.deepEqual(tenant.writes(), [], "nothing was written");
        } finally {
            await t.stack.removeConfig("lookout-consumer:heartbeatFrequencyMinutes");
        }
    });

    it("configures Lookout and Intune through the package", async () => {
        await t.stack.up(t.run);
        const s = tenant.settings();
        assert.deepEqual(s.intuneConnector!.value.enrollmentGroups, ["Field Pilot", "Field Service"]);
        assert.equal(s.intuneConnector!.value.newDeviceCheckIntervalMinutes, 5, "the package's defaults apply");
        assert.equal(s.threatClassifications.value.ROOT_ENABLER, "high");
        const [policy] = Object.values(s.compliancePolicies);
        assert.equal(policy.body["@odata.type"], "#microsoft.graph.androidWorkProfileCompliancePolicy");
        assert.deepEqual(
            policy.assignments.map((a) => a.target.groupId),
            groups.map((g) => g.objectId),
        );
    });

    it("stores its providers as references to the installed package, not copies of its code", async () => {
        const state = JSON.parse(await t.exportState()) as {
            deployment: { resources: Array<{ type: string; inputs?: { __provider?: string } }> };
        };
        const providers = state.deployment.resources
            .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
            .map((r) => r.inputs?.__provider ?? "");
        assert.equal(providers.length, 3, "connector, classifications, compliance policy");
        for (const provider of providers) {
            assert.match(
                provider,
                new RegExp(`"kind":"package","path":"${packageName}/providers/(lookout|intune)/`),
                "the provider's modules are required by package path",
            );
            assert.ok(
                provider.length < 4000,
                `a reference to the resource's module, not its code: ${provider.length} bytes`,
            );
        }
    });

    it("previews nothing when nothing changed", async () => {
        const { steps, diagnostics } = await previewJson();
        assert.deepEqual(steps, []);
        assert.deepEqual(diagnostics, []);
    });

    it("previews one setting as one property changed on one resource, without noise", async () => {
        await t.setConfig({ "lookout-consumer:heartbeatFrequencyMinutes": 30 });
        const { steps, diagnostics } = await previewJson();
        const resources = steps.filter((s) => !s.urn.includes("pulumi:providers:"));
        assert.deepEqual(
            resources.map((s) => [s.op, s.urn.split("::").pop()]),
            [["update", "lookout"]],
        );
        assert.deepEqual(changedInputs(resources[0]), ["heartbeatFrequencyMinutes"]);
        assert.deepEqual(diagnostics, []);
    });

    it("says when a change forces a replacement, and why", async () => {
        await t.setConfig({ "lookout-consumer:heartbeatFrequencyMinutes": 60, "lookout-consumer:platform": "ios" });
        const { steps } = await previewJson();
        const resources = steps.filter((s) => !s.urn.includes("pulumi:providers:"));
        assert.deepEqual(
            resources.map((s) => [s.op, s.urn.split("::").pop(), s.replaceReasons]),
            [["replace", "threat-policy", ["platform"]]],
        );
    });
});
