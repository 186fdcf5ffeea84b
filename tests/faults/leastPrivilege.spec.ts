/**
 * A run whose Graph identity lacks a permission fails with a message naming it, before the write
 * that needs it: the token's `roles` claim is checked before any Intune write is sent.
 */
import assert from "node:assert/strict";
import { allGraphRoles } from "../../emulator/store";
import { startEmulatedTenant } from "../../testkit/lookoutEmulator";
import { createTestStack } from "../../testkit/testStack";
import { recordFault } from "./summary";
import { fastRetryEnv, findLeaks } from "./support";

const cases: Array<[string, string]> = [
    ["DeviceManagementConfiguration.ReadWrite.All", "/deviceCompliancePolicies"],
    ["DeviceManagementServiceConfig.ReadWrite.All", "/mobileThreatDefenseConnectors"],
];

describe("least privilege (real engine)", function () {
    this.timeout(300_000);

    it("a Lookout key without settings:write fails naming the scope, with no write to Lookout", async () => {
        const started = Date.now();
        const tenant = await startEmulatedTenant();
        const readOnlyKey = tenant.emulator.store.addLimitedKey(tenant.emulator.store.tenantById(tenant.tenantId)!, ["settings:read"]);
        const t = await createTestStack("leastpriv-lookout", tenant, {}, fastRetryEnv);
        await t.stack.setConfig("lookout:applicationKey", { value: readOnlyKey, secret: true });
        try {
            const error = await t.stack.up(t.run).then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(error, "up must fail");
            assert.match(error.message, /needs the Lookout scope settings:write, which the application key lacks/);
            const writes = tenant.emulator.requests().filter((r) => r.method !== "GET" && r.path.startsWith("/console"));
            assert.deepEqual(writes, [], "nothing was written to Lookout");
            const leaks = await findLeaks(t, tenant);
            assert.ok(!t.transcript.join("\n").includes(readOnlyKey), "the read-only key is not printed");
            recordFault({
                scenario: "least privilege",
                injected: "Lookout key with settings:read only",
                outcome: "up failed naming settings:write, no write",
                requests: tenant.emulator.requests().length,
                faults: 0,
                seconds: (Date.now() - started) / 1000,
                leaks: leaks.length,
            });
            assert.deepEqual(leaks, []);
        } finally {
            await t.dispose().catch(() => undefined);
            await tenant.emulator.close();
        }
    });

    for (const [missing, route] of cases) {
        it(`a Graph identity without ${missing} fails naming it, with no write to ${route}`, async () => {
            const started = Date.now();
            const tenant = await startEmulatedTenant();
            const entraTenant = tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!;
            const limited = tenant.emulator.store.addGraphApp(
                entraTenant,
                allGraphRoles.filter((r) => r !== missing),
            );
            const t = await createTestStack(
                `leastpriv${cases.findIndex(([m]) => m === missing)}`,
                tenant,
                {},
                {
                    ...fastRetryEnv,
                    AZURE_CLIENT_ID: limited.clientId,
                    AZURE_CLIENT_SECRET: limited.clientSecret,
                },
            );
            try {
                const error = await t.stack.up(t.run).then(
                    () => undefined,
                    (e: Error) => e,
                );
                assert.ok(error, "up must fail");
                assert.match(error.message, new RegExp(`needs the Graph application permission ${missing.replace(/\./g, "\\.")}, which the signed-in identity lacks`));
                const writes = tenant.emulator.requests().filter((r) => r.method !== "GET" && r.path.includes(route));
                assert.deepEqual(writes, [], `nothing was written to ${route}`);
                const leaks = await findLeaks(t, tenant);
                recordFault({
                    scenario: "least privilege",
                    injected: `Graph app without ${missing}`,
                    outcome: "up failed naming it, before the write",
                    requests: tenant.emulator.requests().length,
                    faults: 0,
                    seconds: (Date.now() - started) / 1000,
                    leaks: leaks.length,
                });
                assert.deepEqual(leaks, []);
            } finally {
                await t.dispose().catch(() => undefined);
                await tenant.emulator.close();
            }
        });
    }
});
