/**
 * A run whose Graph identity lacks a permission fails with a message naming it, before the write
 * that needs it: the token's `roles` claim is checked before any Intune write is sent.
 */
import assert from "node:assert/strict";
import { allGraphRoles } from "../../emulator/store";
import { validReferenceConfig } from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { upError, withTestStack } from "../kit/testStack";
import { fastRetryEnv, recordScenario } from "./support";

const intune = validReferenceConfig()["lookout-mtp:intune"] as object;
const cases: Array<[string, string, Record<string, unknown>?]> = [
    ["DeviceManagementConfiguration.ReadWrite.All", "/deviceCompliancePolicies"],
    ["DeviceManagementServiceConfig.ReadWrite.All", "/mobileThreatDefenseConnectors"],
    ["DeviceManagementApps.ReadWrite.All", "/mobileApps", { "lookout-mtp:intune": { ...intune, apps: { ios: true } } }],
];

/** The engine's environment signing in to Graph as a new app of the tenant with every permission but `missing`. */
function signedInWithout(...missing: string[]) {
    return (tenant: EmulatedTenant) => {
        const limited = tenant.emulator.store.addGraphApp(
            tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!,
            allGraphRoles.filter((r) => !missing.includes(r)),
        );
        return { ...fastRetryEnv, AZURE_CLIENT_ID: limited.clientId, AZURE_CLIENT_SECRET: limited.clientSecret };
    };
}

describe("least privilege (real engine)", function () {
    this.timeout(300_000);

    it("a Lookout key without settings:write fails naming the scope, with no write to Lookout", async () => {
        const started = Date.now();
        await withTestStack("leastpriv-lookout", { env: fastRetryEnv }, async (t, tenant) => {
            const readOnlyKey = tenant.emulator.store.addLimitedKey(
                tenant.emulator.store.tenantById(tenant.tenantId)!,
                ["settings:read"],
            );
            await t.stack.setConfig("lookout:applicationKey", { value: readOnlyKey, secret: true });
            const error = await upError(t);
            assert.match(error.message, /needs the Lookout scope settings:write, which the application key lacks/);
            const writes = tenant.emulator
                .requests()
                .filter((r) => r.method !== "GET" && r.path.startsWith("/console"));
            assert.deepEqual(writes, [], "nothing was written to Lookout");
            assert.ok(!t.transcript.join("\n").includes(readOnlyKey), "the read-only key is not printed");
            await recordScenario(t, tenant, {
                scenario: "least privilege",
                injected: "Lookout key with settings:read only",
                outcome: "up failed naming settings:write, no write",
                started,
                faults: 0,
            });
        });
    });

    it("a Graph identity that cannot read Lookout's consent fails naming Application.Read.All, with no write at all", async () => {
        const started = Date.now();
        // Directory.Read.All would grant the read too (Learn lists it as a higher permission).
        await withTestStack(
            "leastpriv-consent",
            { env: signedInWithout("Application.Read.All", "Directory.Read.All") },
            async (t, tenant) => {
                const error = await upError(t);
                assert.match(
                    error.message,
                    /servicePrincipals\(appId=.*403 Authorization_RequestDenied.*lacks the Graph application permission Application\.Read\.All/,
                );
                assert.deepEqual(
                    tenant.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/token")),
                    [],
                    "nothing was written",
                );
                await recordScenario(t, tenant, {
                    scenario: "least privilege",
                    injected: "Graph app without Application.Read.All and Directory.Read.All",
                    outcome: "up failed naming it, before any write",
                    started,
                    faults: 0,
                });
            },
        );
    });

    for (const [missing, route, config] of cases) {
        it(`a Graph identity without ${missing} fails naming it, with no write to ${route}`, async () => {
            const started = Date.now();
            await withTestStack(
                `leastpriv${cases.findIndex(([m]) => m === missing)}`,
                { env: signedInWithout(missing), config },
                async (t, tenant) => {
                    const error = await upError(t);
                    assert.match(
                        error.message,
                        new RegExp(
                            `needs the Graph application permission ${missing.replace(/\./g, "\\.")}, which the signed-in identity lacks`,
                        ),
                    );
                    const writes = tenant.emulator
                        .requests()
                        .filter((r) => r.method !== "GET" && r.path.includes(route));
                    assert.deepEqual(writes, [], `nothing was written to ${route}`);
                    await recordScenario(t, tenant, {
                        scenario: "least privilege",
                        injected: `Graph app without ${missing}`,
                        outcome: "up failed naming it, before the write",
                        started,
                        faults: 0,
                    });
                },
            );
        });
    }
});
