/**
 * Signing in as the people the README names, on the real engine: an admin at a laptop signs in as
 * themselves (`npm run sign-in`, delegated) and `up` converges through every process of the run (the
 * program and each provider redeem the one kept sign-in); the same admin whose token lacks Intune's
 * scopes is stopped before any write, told which delegated scope and which sign-in; a config naming
 * another tenant than the sign-in's is refused before any write, naming `lookout-mtp:entra.tenantId`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { graphCommandLineToolsAppId, runDelegatedScopes } from "../../contract/graph/signIn";
import { pulumiCli } from "../kit/cli";
import { sampleDirectory, validGraphConfig } from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { compiledProgram } from "../kit/program";
import { signInAs } from "../kit/signIn";
import { useTestStack } from "../kit/testStack";

const signInDir = mkdtempSync(join(tmpdir(), "lookout-e2e-sign-in-"));
after(() => rmSync(signInDir, { recursive: true, force: true }));

/** The tenant's admin signs in as `npm run sign-in` does, into `dir` (the environment's own value kept). */
async function adminSignsIn(tenant: EmulatedTenant, dir: string): Promise<void> {
    const before = process.env.LOOKOUT_MTP_SIGN_IN_DIR;
    process.env.LOOKOUT_MTP_SIGN_IN_DIR = dir;
    try {
        const target = {
            authorityHost: tenant.emulator.authorityHost,
            tenantId: tenant.entraTenantId,
            clientId: graphCommandLineToolsAppId,
            graphBaseUrl: tenant.emulator.graphBaseUrl,
        };
        await signInAs(target, tenant.admin);
    } finally {
        if (before === undefined) delete process.env.LOOKOUT_MTP_SIGN_IN_DIR;
        else process.env.LOOKOUT_MTP_SIGN_IN_DIR = before;
    }
}

/** The tenant as a laptop admin finds it: the directory the config names, and no app may do anything app-only. */
function prepareTenant(tenant: EmulatedTenant, dir: string, consented = runDelegatedScopes()) {
    const stored = tenant.emulator.store.tenantById(tenant.tenantId)!;
    stored.directory = sampleDirectory();
    for (const app of stored.graphApps) app.roles = [];
    stored.publicClients = { ...stored.publicClients, [graphCommandLineToolsAppId]: consented };
    return adminSignsIn(tenant, dir);
}

const delegatedConfig = (tenant: EmulatedTenant) => ({
    "graph:signIn": "user",
    "lookout-mtp:entra": { mode: "graph", tenantId: tenant.entraTenantId },
});

describe("sign-in as a person (real engine)", function () {
    this.timeout(300_000);

    describe("an Intune admin signed in with a device code", () => {
        const dir = join(signInDir, "admin");
        const { tenant, t } = useTestStack("delegated", {
            prepare: (tenant) => prepareTenant(tenant, dir),
            program: compiledProgram(validGraphConfig()),
            env: { LOOKOUT_MTP_SIGN_IN_DIR: dir },
        });

        it("onboards the tenant the config names, every process signed in as that person", async () => {
            await t.setConfig(delegatedConfig(tenant));
            const result = await t.stack.up(t.run);
            assert.equal(result.outputs.tenantId.value, tenant.entraTenantId);
            assert.ok(tenant.settings().intuneConnector, "Lookout's connector written");
            assert.ok(
                Object.keys(tenant.settings().compliancePolicies).length > 0,
                "Intune written with the person's token (the tenant's apps hold no permission)",
            );
            tenant.emulator.clearRequests();
            await t.stack.up(t.run);
            assert.deepEqual(tenant.writes(), [], "a second up writes nothing");
        });
    });

    describe("an admin whose token lacks Intune's scopes", () => {
        const dir = join(signInDir, "no-intune-scope");
        const { tenant, t } = useTestStack("delegated-no-scope", {
            prepare: (tenant) =>
                prepareTenant(
                    tenant,
                    dir,
                    runDelegatedScopes().filter((s) => !/^DeviceManagement(ServiceConfig|Configuration)\./.test(s)),
                ),
            program: compiledProgram(validGraphConfig()),
            env: { LOOKOUT_MTP_SIGN_IN_DIR: dir },
        });

        it("is stopped before any write, told the delegated scope and the sign-in to use", async () => {
            await t.setConfig(delegatedConfig(tenant));
            tenant.emulator.clearRequests();
            const run = await pulumiCli(t, ["up", "--yes"]);
            assert.notEqual(run.code, 0);
            assert.match(
                run.stdout,
                /graph:signIn: the onboarding's declared writes need the delegated Graph permission DeviceManagementServiceConfig\.ReadWrite\.All and DeviceManagementConfiguration\.ReadWrite\.All, which the token of intune\.admin@contoso\.example lacks; sign in with `npm run sign-in`/,
            );
            assert.doesNotMatch(
                run.stdout,
                /application permission|admin consent \(Entra admin center > App registrations/,
            );
            assert.deepEqual(tenant.writes(), [], "nothing written");
        });
    });

    describe("a config naming another tenant than the sign-in's", () => {
        const other = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
        const { tenant, t } = useTestStack("other-tenant", {
            prepare: (tenant) => {
                tenant.emulator.store.tenantById(tenant.tenantId)!.directory = sampleDirectory();
            },
            program: compiledProgram(validGraphConfig()),
        });

        it("is refused before any write, naming lookout-mtp:entra.tenantId; the signed-in tenant's ID is accepted", async () => {
            await t.setConfig({ "lookout-mtp:entra": { mode: "graph", tenantId: other } });
            tenant.emulator.clearRequests();
            const run = await pulumiCli(t, ["preview"]);
            assert.notEqual(run.code, 0);
            assert.match(run.stdout, new RegExp(`lookout-mtp:entra\\.tenantId: signing in to tenant ${other}`));
            assert.deepEqual(tenant.writes(), [], "nothing written");
            await t.setConfig({ "lookout-mtp:entra": { mode: "graph", tenantId: tenant.entraTenantId } });
            const preview = await t.stack.preview(t.run);
            assert.ok((preview.changeSummary.create ?? 0) > 0);
        });
    });
});
