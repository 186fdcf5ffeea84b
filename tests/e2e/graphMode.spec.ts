/**
 * entra.mode `graph` on the real engine, with Lookout for Work through Intune: existing groups are
 * found and checked through the emulated Microsoft Graph while the program runs, the tenant ID
 * comes from the signed-in identity, and the apps are assigned in the order Microsoft documents
 * (apps, then the MTD connector, then the compliance policies), which only the engine's ordering of
 * dependent resources shows.
 *
 * What stops the run before any write (a group failing its checks, missing consent, an unapproved
 * managed Google Play app) is in tests/e2e/refusals.spec.ts.
 */
import assert from "node:assert/strict";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import { sampleDirectory, validGraphConfig } from "../kit/configFixtures";
import { compiledProgram } from "../kit/program";
import { useTestStack } from "../kit/testStack";

const pilotId = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
const salesId = "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091";

function withApps(apps: Record<string, unknown>) {
    const config = validGraphConfig();
    return { ...config, "lookout-mtp:intune": { ...(config["lookout-mtp:intune"] as object), apps } };
}

describe("graph mode and Lookout for Work (real engine)", function () {
    this.timeout(300_000);
    const { tenant, t } = useTestStack("graphmode", {
        prepare: (tenant) => {
            tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!.directory = sampleDirectory();
            const [android] = lookoutApps.androidEnterprise;
            approveManagedGooglePlayApp(
                tenant.emulator.store.tenantById(tenant.tenantId)!,
                { packageId: android.storeId, displayName: android.displayName, publisher: android.publisher },
                Date.now(),
            );
        },
        program: compiledProgram(withApps({ ios: true, androidEnterprise: true })),
    });

    it("onboards with groups found through Graph and the tenant ID of the signed-in identity, Lookout for Work (and Authenticator on iOS) assigned before the MTD connector and the compliance policies", async () => {
        tenant.emulator.clearRequests();
        const result = await t.stack.up(t.run);
        assert.equal(result.outputs.tenantId.value, tenant.entraTenantId);
        assert.equal(result.outputs.fullAccessGroupObjectId.value, "1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e");
        // Lookout's consent was read back before anything was written to Lookout.
        assert.equal(result.outputs.lookoutConsentVerified.value, true);
        assert.equal(
            result.outputs.lookoutServicePrincipalObjectId.value,
            tenant.emulator.store.tenantById(tenant.tenantId)!.servicePrincipals[0].id,
        );
        assert.deepEqual(tenant.settings().intuneConnector!.value.enrollmentGroups, ["Lookout Pilot", "Sales Mobile"]);

        assert.equal(result.outputs.intuneAppIds.value.length, 3);
        const apps = Object.values(tenant.settings().mobileApps);
        assert.deepEqual(apps.map((a) => a.body.bundleId ?? a.body.packageId).sort(), [
            "com.lookout.enterprise",
            "com.lookout.enterprise",
            "com.microsoft.azureauthenticator",
        ]);
        for (const app of apps) {
            assert.deepEqual(
                app.assignments.map((a) => [a.intent, a.target.groupId]),
                [pilotId, salesId].map((g) => ["required", g]),
            );
        }
        // Microsoft's order: every app assigned before the connector is written, the connector before any policy.
        const order = tenant.writes().map((r) => r.path);
        const lastAssign = Math.max(...order.map((p, i) => (/\/mobileApps\/[^/]+\/assignments$/.test(p) ? i : -1)));
        const connector = order.findIndex((p) => p.includes("/mobileThreatDefenseConnectors"));
        const firstPolicy = order.findIndex((p) => p.endsWith("/deviceCompliancePolicies"));
        assert.ok(lastAssign >= 0 && lastAssign < connector && connector < firstPolicy, order.join("\n"));
    });

    it("changes nothing on a second up", async () => {
        tenant.emulator.clearRequests();
        await t.stack.up(t.run);
        assert.deepEqual(tenant.writes(), [], "a second up writes nothing");
    });
});
