/**
 * The onboarding from another Pulumi language: the component plugin in packages/plugin/ (PulumiPlugin.yaml)
 * serves `lookout-mtp:index:Onboarding` with a schema derived from its TypeScript types, and the
 * Pulumi YAML program in examples/yaml onboards an emulated tenant through it on the real engine.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { engineEnv, projectRoot } from "../kit/engine";
import { devDirectory } from "../../emulator/devTenant";
import { useTestStack } from "../kit/testStack";

const execFileAsync = promisify(execFile);
const pluginDir = join(projectRoot, "packages", "plugin");
const yamlExample = join(projectRoot, "examples", "yaml", "Pulumi.yaml");

interface PackageSchema {
    name: string;
    resources: Record<
        string,
        {
            isComponent?: boolean;
            inputProperties: Record<string, unknown>;
            requiredInputs?: string[];
            properties: Record<string, unknown>;
        }
    >;
    types: Record<string, { enum?: Array<{ value: string }> }>;
}

describe("the onboarding from other Pulumi languages (component plugin, real engine)", function () {
    this.timeout(300_000);

    describe("its schema", () => {
        let schema: PackageSchema;
        before(async () => {
            // Reading a schema touches no state; the backend is only required to be set.
            const env = engineEnv({ backendDir: tmpdir() });
            const { stdout } = await execFileAsync("pulumi", ["package", "get-schema", "."], {
                cwd: pluginDir,
                env,
                maxBuffer: 16 * 1024 * 1024,
            });
            schema = JSON.parse(stdout) as PackageSchema;
        });

        it("declares Onboarding as a component of the lookout-mtp package", () => {
            assert.equal(schema.name, "lookout-mtp");
            const onboarding = schema.resources["lookout-mtp:index:Onboarding"];
            assert.equal(onboarding.isComponent, true);
            assert.deepEqual(Object.keys(onboarding.inputProperties).sort(), [
                "appProtection",
                "connector",
                "consent",
                "consoleAccess",
                "enrollmentGroups",
                "entra",
                "intune",
                "notifications",
                "threatClassifications",
            ]);
            assert.deepEqual(onboarding.requiredInputs?.sort(), ["connector", "consoleAccess", "enrollmentGroups"]);
            assert.ok("onboardingRequest" in onboarding.properties && "tenantId" in onboarding.properties);
        });

        it("turns closed sets of values into enums other languages can type-check", () => {
            assert.deepEqual(
                schema.types["lookout-mtp:index:EntraMode"].enum?.map((e) => e.value),
                ["manage", "graph", "reference"],
            );
            // Enum members come in TypeScript's union order, which is not the declaration order.
            assert.deepEqual(schema.types["lookout-mtp:index:RequiredSecurityLevel"].enum?.map((e) => e.value).sort(), [
                "high",
                "low",
                "medium",
                "secured",
            ]);
            assert.deepEqual(schema.types["lookout-mtp:index:RiskLevel"].enum?.map((e) => e.value).sort(), [
                "high",
                "low",
                "medium",
                "none",
            ]);
        });
    });

    describe("a Pulumi YAML program (examples/yaml)", () => {
        // The example names the plugin by a path relative to itself; the stack lives elsewhere.
        const projectFile = readFileSync(yamlExample, "utf8").replace(
            "lookout-mtp: ../../packages/plugin",
            `lookout-mtp: ${pluginDir}`,
        );
        before(() =>
            assert.ok(
                projectFile.includes(pluginDir),
                "examples/yaml/Pulumi.yaml names ../../packages/plugin under packages",
            ),
        );
        const { tenant, t } = useTestStack("yaml", {
            prepare: (tenant) => {
                tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!.directory = devDirectory();
            },
            program: {
                project: "lookout-mtp-yaml",
                dir: join(projectRoot, "examples", "yaml"),
                typescript: false,
                config: {},
                projectFile,
            },
        });
        // Pulumi starts the dynamic-provider plugin in the program's folder, so the plugin's
        // Node.js dependencies must resolve from there (pulumi/pulumi#5455): the step docs/ci-and-fleets.md gives.
        before(() => symlinkSync(join(projectRoot, "node_modules"), join(t.dir, "node_modules"), "dir"));

        it("onboards the tenant: groups checked, Lookout and Intune configured", async () => {
            const result = await t.stack.up(t.run);
            assert.equal(
                result.outputs.tenantId.value,
                tenant.entraTenantId,
                "the tenant ID comes from the Graph token",
            );
            assert.deepEqual(result.outputs.enrollmentGroupNames.value, ["Lookout Pilot", "Sales Mobile"]);
            const s = tenant.settings();
            assert.deepEqual(s.intuneConnector!.value.enrollmentGroups, ["Lookout Pilot", "Sales Mobile"]);
            assert.equal(s.intuneConnector!.value.heartbeatFrequencyMinutes, 60);
            assert.equal(s.threatClassifications.value.RISKWARE, "medium");
            const [policy] = Object.values(s.compliancePolicies);
            assert.equal(policy.body["@odata.type"], "#microsoft.graph.iosCompliancePolicy");
            assert.deepEqual(
                Object.values(s.mobileApps)
                    .map((a) => a.body.bundleId)
                    .sort(),
                ["com.lookout.enterprise", "com.microsoft.azureauthenticator"],
                "Lookout for Work and Authenticator",
            );
        });

        it("changes nothing on a second up", async () => {
            const result = await t.stack.up(t.run);
            const changes = Object.entries(result.summary.resourceChanges ?? {}).filter(([op]) => op !== "same");
            assert.deepEqual(changes, []);
        });

        // In preview, where a reviewer meets it; `up` runs the same construct first (its refusal is
        // on the engine in tests/e2e/refusals.spec.ts for the TypeScript program).
        it("refuses bad inputs in preview, naming each input, and writes nothing", async () => {
            await t.setConfig({ "lookout-mtp-yaml:errorReportEmail": "not-an-address" });
            const before = JSON.stringify(tenant.settings());
            await assert.rejects(t.stack.preview(t.run), (err: Error) => {
                assert.match(err.message, /Onboarding 'onboarding' has 1 problem\(s\) in its inputs/);
                assert.match(err.message, /connector\.errorReportEmail: must be an e-mail address/);
                return true;
            });
            assert.equal(JSON.stringify(tenant.settings()), before, "nothing was written");
            await t.setConfig({ "lookout-mtp-yaml:errorReportEmail": "mobile-security@contoso.example" });
        });
    });
});
