/**
 * The rest of the setup guide's rollout on the real engine: Lookout's admin consent read back
 * before anything is written to Lookout, and Lookout for Work through Intune in the order
 * Microsoft documents (apps, then the MTD connector, then the compliance policies).
 */
import assert from "node:assert/strict";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { devLookoutClientId, grantLookoutConsent } from "../../emulator/devTenant";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import { adminConsentUrl } from "../../components/entra/consentCheck";
import { sampleDirectory, validGraphConfig } from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { upError, withTestStack } from "../kit/testStack";
import { compiledProgram } from "../kit/program";

const program = (config: Record<string, unknown> = validGraphConfig()) => compiledProgram(config);
const withDirectory = (tenant: EmulatedTenant) => {
    tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!.directory = sampleDirectory();
};
const writes = (tenant: EmulatedTenant) =>
    tenant.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/token"));

function withApps(apps: Record<string, unknown>) {
    const config = validGraphConfig();
    return { ...config, "lookout-mtp:intune": { ...(config["lookout-mtp:intune"] as object), apps } };
}

describe("consent and Lookout for Work (real engine)", function () {
    this.timeout(300_000);

    it("stops preview and up before any write while Lookout's app lacks admin consent, with the URL to grant it, then onboards once it is granted", () =>
        withTestStack(
            "consent-missing",
            { emulator: { lookoutConsent: false }, prepare: withDirectory, program: program() },
            async (t, tenant) => {
                const preview = await t.stack.preview(t.run).then(
                    () => undefined,
                    (e: Error) => e,
                );
                assert.ok(preview, "preview must fail");
                assert.ok(
                    preview.message.includes(adminConsentUrl(tenant.entraTenantId, devLookoutClientId)),
                    preview.message,
                );
                tenant.emulator.clearRequests();
                const error = await upError(t);
                assert.match(
                    error.message,
                    /lookout-mtp:consent: Lookout's app \(client ID [0-9a-f-]+\) lacks admin consent in tenant [0-9a-f-]+: the app has no service principal/,
                );
                assert.doesNotMatch(error.message, /\n\s+at /, "one clean line, no stack trace");
                assert.deepEqual(writes(tenant), [], "nothing was written");

                grantLookoutConsent(tenant.emulator.store, tenant.emulator.store.tenantById(tenant.tenantId)!);
                const result = await t.stack.up(t.run);
                assert.equal(result.outputs.lookoutConsentVerified.value, true);
                assert.equal(
                    result.outputs.lookoutServicePrincipalObjectId.value,
                    tenant.emulator.store.tenantById(tenant.tenantId)!.servicePrincipals[0].id,
                );
            },
        ));

    it("assigns Lookout for Work (and Authenticator on iOS) before the MTD connector and the compliance policies, then changes nothing on a second up", () =>
        withTestStack(
            "apps",
            {
                prepare: (tenant) => {
                    withDirectory(tenant);
                    const [android] = lookoutApps.androidEnterprise;
                    approveManagedGooglePlayApp(
                        tenant.emulator.store.tenantById(tenant.tenantId)!,
                        { packageId: android.storeId, displayName: android.displayName, publisher: android.publisher },
                        Date.now(),
                    );
                },
                program: program(withApps({ ios: true, androidEnterprise: true })),
            },
            async (t, tenant) => {
                tenant.emulator.clearRequests();
                const result = await t.stack.up(t.run);
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
                        ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091"].map((g) => [
                            "required",
                            g,
                        ]),
                    );
                }
                // Microsoft's order: every app assigned before the connector is written, the connector before any policy.
                const order = writes(tenant).map((r) => r.path);
                const lastAssign = Math.max(
                    ...order.map((p, i) => (/\/mobileApps\/[^/]+\/assignments$/.test(p) ? i : -1)),
                );
                const connector = order.findIndex((p) => p.includes("/mobileThreatDefenseConnectors"));
                const firstPolicy = order.findIndex((p) => p.endsWith("/deviceCompliancePolicies"));
                assert.ok(lastAssign >= 0 && lastAssign < connector && connector < firstPolicy, order.join("\n"));

                tenant.emulator.clearRequests();
                await t.stack.up(t.run);
                assert.deepEqual(writes(tenant), [], "a second up writes nothing");
            },
        ));

    it("stops before any Intune write with the managed Google Play steps while the Android app is not approved", () =>
        withTestStack(
            "apps-unapproved",
            { prepare: withDirectory, program: program(withApps({ androidEnterprise: true })) },
            async (t, tenant) => {
                tenant.emulator.clearRequests();
                const error = await upError(t);
                assert.match(
                    error.message,
                    /lookout-mtp:intune\.apps\.androidEnterprise: the managed Google Play app Lookout for Work \(com\.lookout\.enterprise\) is not in Intune/,
                );
                assert.match(error.message, /Apps > All apps > Add > Managed Google Play app/);
                assert.deepEqual(writes(tenant), [], "nothing was written");
            },
        ));
});
