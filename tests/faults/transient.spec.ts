/**
 * Transient faults at increasing shares of all calls (Lookout, Graph and both token endpoints):
 * one `up` completes and the tenant converges. A share that exhausts the retry budget fails with a
 * clear message, and the next `up` converges with nothing duplicated or lost.
 */
import assert from "node:assert/strict";
import type { FaultPlanInput } from "../../emulator/faults";
import { type EmulatedTenant, startEmulatedTenant } from "../../testkit/lookoutEmulator";
import { createTestStack, type TestStack } from "../../testkit/testStack";
import { recordFault } from "./summary";
import { assertConverged, assertEmpty, fastRetryEnv, faultCount, findLeaks } from "./support";

const scenarios: Array<[string, FaultPlanInput]> = [
    ["429 + Retry-After 1s, 30%", { kind: "status", status: 429, retryAfterSeconds: 1, share: 0.3 }],
    ["429 + Retry-After 1s, 50%", { kind: "status", status: 429, retryAfterSeconds: 1, share: 0.5 }],
    ["500, 30%", { kind: "status", status: 500, share: 0.3 }],
    ["503, 30%", { kind: "status", status: 503, share: 0.3 }],
    ["503, 50%", { kind: "status", status: 503, share: 0.5 }],
    ["dropped connection, 30%", { kind: "drop", share: 0.3 }],
    ["answer after 3 s (> 1.5 s timeout), 30%", { kind: "delay", delayMs: 3000, share: 0.3 }],
    ["every token expires mid-run, twice", { kind: "expireTokens", share: 0.2, limit: 2 }],
];

describe("transient faults (real engine)", function () {
    this.timeout(300_000);

    for (const [injected, plan] of scenarios) {
        it(`up completes in one run with ${injected}`, async () => {
            const tenant = await startEmulatedTenant();
            const t = await createTestStack(`transient${scenarios.findIndex(([n]) => n === injected)}`, tenant, {}, fastRetryEnv);
            const started = Date.now();
            try {
                tenant.emulator.faults.set([plan]);
                await t.stack.up(t.run);
                const faults = faultCount(tenant);
                tenant.emulator.faults.clear();
                assertConverged(tenant);
                assert.ok(faults > 0, "faults were injected");
                const leaks = await findLeaks(t, tenant);
                recordFault({
                    scenario: "transient",
                    injected,
                    outcome: "up succeeded, converged",
                    requests: tenant.emulator.requests().length,
                    faults,
                    seconds: (Date.now() - started) / 1000,
                    leaks: leaks.length,
                });
                assert.deepEqual(leaks, []);
            } finally {
                tenant.emulator.faults.clear();
                await t.dispose();
                assertEmpty(tenant);
                await tenant.emulator.close();
            }
        });
    }

    describe("a fault rate that exhausts the retry budget", () => {
        let tenant: EmulatedTenant;
        let t: TestStack;
        before(async () => {
            tenant = await startEmulatedTenant();
            t = await createTestStack("exhausted", tenant, {}, fastRetryEnv);
        });
        after(async () => {
            tenant.emulator.faults.clear();
            await t.dispose().catch(() => undefined);
            await tenant.emulator.close();
        });

        it("fails with a message that says what failed and what to do", async () => {
            const started = Date.now();
            // Every Graph write fails: the Lookout side goes through, Intune cannot.
            tenant.emulator.faults.set([{ kind: "status", status: 503, share: 1, pathPrefix: "/graph/v1.0/deviceManagement", methods: ["POST", "PATCH"] }]);
            const error = await t.stack.up(t.run).then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(error, "up must fail");
            assert.match(error.message, /Microsoft Graph (POST|PATCH) \/deviceManagement\/\S+ did not succeed \(last: HTTP 503; retries: at most 6 attempts/);
            assert.match(error.message, /run `pulumi up` again when the service recovers/);
            const leaks = await findLeaks(t, tenant);
            recordFault({
                scenario: "exhausted",
                injected: "503 on every Graph write, 100%",
                outcome: "up failed with a clear message",
                requests: tenant.emulator.requests().length,
                faults: faultCount(tenant),
                seconds: (Date.now() - started) / 1000,
                leaks: leaks.length,
            });
            assert.deepEqual(leaks, []);
        });

        it("the next up converges with nothing duplicated or lost", async () => {
            const started = Date.now();
            tenant.emulator.faults.clear();
            tenant.emulator.clearRequests();
            await t.stack.up(t.run);
            assertConverged(tenant);
            const leaks = await findLeaks(t, tenant);
            recordFault({
                scenario: "exhausted, then up",
                injected: "none",
                outcome: "converged, no duplicate",
                requests: tenant.emulator.requests().length,
                faults: 0,
                seconds: (Date.now() - started) / 1000,
                leaks: leaks.length,
            });
            assert.deepEqual(leaks, []);
        });
    });
});
