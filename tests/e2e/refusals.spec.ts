/**
 * Every path by which the program refuses to run, on the real engine, as a user reads it: the
 * whole output of `pulumi preview` and of `pulumi up --yes` is the CLI's frame around the
 * refusal's lines and nothing else (no Node.js warning, no stack trace, no "error serializing"),
 * and nothing was written to the emulated tenant.
 *
 * One refusal per path: what each check refuses, message by message, is unit-tested (stack
 * config: tests/unit/stackConfig.spec.ts with every config of tests/kit/badConfigs.ts; the other
 * checks: tests/unit/preflight.spec.ts and the checks' own tests), since the engine adds nothing
 * per message. A dynamic resource's `check` is a path too; programs using the package meet it
 * (tests/gitops/consumer.spec.ts).
 */
import assert from "node:assert/strict";
import { devLookoutClientId } from "../../emulator/devTenant";
import { badConfigs } from "../kit/badConfigs";
import { type CliRun, cliOutput, pulumiCli, refusedByProgram } from "../kit/cli";
import { sampleDirectory, validGraphConfig, validReferenceConfig } from "../kit/configFixtures";
import { findLeaks } from "../kit/leaks";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { compiledProgram, sourceProgram } from "../kit/program";
import { type TestStack, useTestStack } from "../kit/testStack";

/** Runs `preview` and `up --yes`; each must print exactly the refusal of `message`. */
async function assertRefusedTwice(t: TestStack, message: string): Promise<void> {
    for (const args of [["preview"], ["up", "--yes"]]) {
        const run: CliRun = await pulumiCli(t, args);
        const said = `pulumi ${args[0]} printed:\n${run.stdout}\n(stderr)\n${run.stderr}`;
        assert.notEqual(run.code, 0, `pulumi ${args[0]} must fail`);
        assert.deepEqual(cliOutput(run.stdout), refusedByProgram(t, message), said);
        assert.equal(run.stderr, "", said);
    }
}

describe("refusals as the CLI prints them (real engine)", function () {
    this.timeout(300_000);

    describe("the stack config (the program from its sources, as a user runs it)", () => {
        const [, badConnector, , badConnectorMessage] = badConfigs[0];
        const { tenant, t } = useTestStack("refused-config", {
            program: sourceProgram(validReferenceConfig()),
            config: { "lookout-mtp:connector": badConnector()["lookout-mtp:connector"] },
        });

        it("refuses a malformed setting and an application key stored in plain text, before any request", async () => {
            // Not the tenant's key: the engine records a plain config value (update history, events)
            // before any program runs, so a real key set this way must be rotated.
            await t.stack.setConfig("lookout:applicationKey", { value: "lk_set_without_secret_flag", secret: false });
            tenant.emulator.clearRequests();
            await assertRefusedTwice(
                t,
                [
                    "The stack config has 2 problem(s):",
                    "  - lookout:applicationKey: is stored in plain text; set it again with `pulumi config set --secret lookout:applicationKey <key>`",
                    `  - ${badConnectorMessage}`,
                ].join("\n"),
            );
            assert.deepEqual(tenant.emulator.requests(), [], "no request at all");
        });
    });

    describe("the checks before any write", () => {
        // Graph mode: groups found and checked through Graph, the tenant ID from the token.
        const graphMode = () =>
            Object.fromEntries(
                Object.entries(validGraphConfig()).filter(([key]) => !/^(lookout:baseUrl|graph:)/.test(key)),
            );
        const { tenant, t } = useTestStack("refused", {
            prepare: (tenant) => {
                tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!.directory = sampleDirectory();
            },
            program: compiledProgram(graphMode()),
        });
        const tenantRecord = (tenant: EmulatedTenant) => tenant.emulator.store.tenantById(tenant.tenantId)!;
        let restore: Array<() => unknown> = [];
        /** Sets `values` over the graph-mode config for this test only. */
        async function configure(values: Record<string, unknown>) {
            const before = await t.stack.getAllConfig();
            await t.setConfig(values);
            restore.push(async () => {
                const added = Object.keys(values).filter((key) => !(key in before));
                if (added.length > 0) await t.stack.removeAllConfig(added);
                await t.stack.setAllConfig(
                    Object.fromEntries(
                        Object.keys(values)
                            .filter((key) => key in before)
                            .map((key) => [key, before[key]]),
                    ),
                );
            });
        }
        beforeEach(() => tenant.emulator.clearRequests());
        afterEach(async () => {
            for (const undo of restore.reverse()) await undo();
            restore = [];
            assert.deepEqual(tenant.writes(), [], "nothing was written");
        });

        it("refuses an enrollment group whose name differs from Entra's in case (group checks)", async () => {
            await configure({ "lookout-mtp:enrollmentGroups": [{ displayName: "lookout pilot" }] });
            await assertRefusedTwice(
                t,
                [
                    "The Entra groups have 1 problem(s); nothing was changed:",
                    "  - lookout-mtp:enrollmentGroups[0] ('lookout pilot'): no Entra group is named 'lookout pilot'; did you mean 'Lookout Pilot'? Lookout matches display names case-sensitively, so 'lookout pilot' would enroll nobody.",
                ].join("\n"),
            );
        });

        it("refuses a tenant without Lookout's admin consent, with the URL to grant it and what support needs (consent)", async () => {
            const granted = tenantRecord(tenant).servicePrincipals;
            tenantRecord(tenant).servicePrincipals = [];
            restore.push(() => (tenantRecord(tenant).servicePrincipals = granted));
            const clientId = devLookoutClientId;
            const entra = tenant.entraTenantId;
            await assertRefusedTwice(
                t,
                [
                    "The onboarding cannot start; nothing was changed:",
                    `  - lookout-mtp:consent: Lookout's app (client ID ${clientId}) lacks admin consent in tenant ${entra}: the app has no service principal in the tenant: nobody has consented to it yet. Until it has it, every sign-in to the Lookout console fails ("Bad Login"). A Global Administrator signs in at Lookout's consent page https://aad.lookout.com/les?action=consent (or Microsoft's ${tenant.emulator.authorityHost}/${entra}/adminconsent?client_id=${clientId}) and accepts, then run again; a permission Lookout's app does not ask for cannot be consented to: remove it from lookout-mtp:consent.applicationPermissions or consent.delegatedScopes. Nothing was written to Lookout.`,
                    `  - If Lookout has not set up the account yet, send Lookout Enterprise Support first: Entra tenant ID ${entra}; full console access group 'Lookout MTP Admins' 1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e; restricted console access group 'Lookout MTP Analysts' 2c7a3d4e-9f0b-4c6d-8e1f-2a3b4c5d6e7f.`,
                ].join("\n"),
            );
        });

        it("refuses a Lookout endpoint that serves only Lookout's public API, saying what to do (the Lookout endpoint check)", async () => {
            tenantRecord(tenant).lookoutApi = "public";
            restore.push(() => (tenantRecord(tenant).lookoutApi = undefined));
            await assertRefusedTwice(
                t,
                [
                    "The onboarding cannot start; nothing was changed:",
                    `  - lookout:baseUrl: ${tenant.emulator.url} accepted the application key but does not serve this project's console-settings contract (GET /console/v1/threat-classifications answered 404). Lookout publishes no API for its console settings, so its public endpoint serves only the device and event APIs. Run \`pulumi config set lookout:settingsMode checklist\`: the stack then writes no Lookout setting and outputs the console steps with their values (stack output lookoutConsoleSteps), and \`npm run status\` checks that the enrollment groups' devices appear; or point lookout:baseUrl at a service that implements contract/lookout/openapi.yaml.`,
                ].join("\n"),
            );
        });

        it("refuses Lookout for Work on Android Enterprise until it is approved in managed Google Play, with the steps (managed Google Play)", async () => {
            const intune = validGraphConfig()["lookout-mtp:intune"] as object;
            await configure({ "lookout-mtp:intune": { ...intune, apps: { androidEnterprise: true } } });
            await assertRefusedTwice(
                t,
                [
                    "The onboarding cannot start; nothing was changed:",
                    '  - lookout-mtp:intune.apps.androidEnterprise: the managed Google Play app Lookout for Work (com.lookout.enterprise) is not in Intune. Graph v1.0 has no call to approve it, so an Intune administrator does it once: (1) Intune admin center > Apps > All apps > Add > Managed Google Play app > Select; (2) search for Lookout for Work, Approve, accept its permissions, choose "Keep approved when app requests new permissions", Done, then Select; (3) Sync (or Tenant administration > Connectors and tokens > Managed Google Play > Sync), and Refresh until it is listed under Apps > All apps. The tenant must be connected to managed Google Play first. Then run again.',
                ].join("\n"),
            );
        });

        it("refuses a revoked application key in checklist mode, where only the key is checked (checklist mode)", async () => {
            await configure({ "lookout:settingsMode": "checklist" });
            const keys = tenantRecord(tenant).applicationKeys;
            tenantRecord(tenant).applicationKeys = [];
            restore.push(() => (tenantRecord(tenant).applicationKeys = keys));
            await assertRefusedTwice(
                t,
                [
                    "The onboarding cannot start; nothing was changed:",
                    "  - lookout:applicationKey: Lookout API POST /oauth2/token failed: 401 invalid_client: unknown application key. Check the Lookout application key (stack config lookout:applicationKey or LOOKOUT_APPLICATION_KEY); it may be revoked or expired.",
                ].join("\n"),
            );
            assert.ok(
                !tenant.emulator.requests().some((r) => r.path.startsWith("/console/")),
                "checklist mode calls no settings route",
            );
        });

        it("refuses every failed check at once, one line each (group checks and consent together)", async () => {
            const granted = tenantRecord(tenant).servicePrincipals;
            tenantRecord(tenant).servicePrincipals = [];
            restore.push(() => (tenantRecord(tenant).servicePrincipals = granted));
            await configure({ "lookout-mtp:enrollmentGroups": [{ displayName: "Field Mobile" }] });
            const clientId = devLookoutClientId;
            const entra = tenant.entraTenantId;
            await assertRefusedTwice(
                t,
                [
                    "The onboarding cannot start (2 checks failed); nothing was changed:",
                    "  - lookout-mtp:enrollmentGroups[0] ('Field Mobile'): group 'Field Mobile' has 1 member(s) that are not users, among them the group(s) 'Sales Mobile' (4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091). Lookout does not support nested groups; add the users directly.",
                    `  - lookout-mtp:consent: Lookout's app (client ID ${clientId}) lacks admin consent in tenant ${entra}: the app has no service principal in the tenant: nobody has consented to it yet. Until it has it, every sign-in to the Lookout console fails ("Bad Login"). A Global Administrator signs in at Lookout's consent page https://aad.lookout.com/les?action=consent (or Microsoft's ${tenant.emulator.authorityHost}/${entra}/adminconsent?client_id=${clientId}) and accepts, then run again; a permission Lookout's app does not ask for cannot be consented to: remove it from lookout-mtp:consent.applicationPermissions or consent.delegatedScopes. Nothing was written to Lookout.`,
                ].join("\n"),
            );
        });

        it("leaves no credential in the state, the backend's history or anything the CLI printed", async () => {
            assert.ok(t.transcript.join("").includes("Diagnostics:"), "the CLI's output was captured");
            assert.deepEqual(await findLeaks(t, tenant), []);
        });
    });
});
