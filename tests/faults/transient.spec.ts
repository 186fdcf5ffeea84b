/**
 * Transient faults at increasing shares of all calls (Lookout, Graph and both token endpoints):
 * one `up` completes and the tenant converges. A share that exhausts the retry budget fails with a
 * clear message, and the next `up` converges with nothing duplicated or lost.
 */
import assert from "node:assert/strict";
import type { FaultPlanInput } from "../../emulator/faults";
import { upError, useTestStack, withTestStack } from "../kit/testStack";
import { assertConverged, assertEmpty, fastRetryEnv, faultCount, recordScenario } from "./support";

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
        it(`up completes in one run with ${injected}`, () =>
            withTestStack(
                `transient${scenarios.findIndex(([n]) => n === injected)}`,
                { env: fastRetryEnv },
                async (t, tenant) => {
                    const started = Date.now();
                    tenant.emulator.faults.set([plan]);
                    await t.stack.up(t.run);
                    const faults = faultCount(tenant);
                    tenant.emulator.faults.clear();
                    assertConverged(tenant);
                    assert.ok(faults > 0, "faults were injected");
                    await recordScenario(t, tenant, {
                        scenario: "transient",
                        injected,
                        outcome: "up succeeded, converged",
                        started,
                        faults,
                    });
                    await t.dispose();
                    assertEmpty(tenant);
                },
            ));
    }

    describe("a fault rate that exhausts the retry budget", () => {
        const { tenant, t } = useTestStack("exhausted", { env: fastRetryEnv });

        it("fails with a message that says what failed and what to do", async () => {
            const started = Date.now();
            // Every Graph write fails: the Lookout side goes through, Intune cannot.
            tenant.emulator.faults.set([
                {
                    kind: "status",
                    status: 503,
                    share: 1,
                    pathPrefix: "/graph/v1.0/deviceManagement",
                    methods: ["POST", "PATCH"],
                },
            ]);
            const error = await upError(t);
            assert.match(
                error.message,
                /Microsoft Graph (POST|PATCH) \/deviceManagement\/\S+ did not succeed \(last: HTTP 503; retries: at most 6 attempts/,
            );
            assert.match(error.message, /run `pulumi up` again when the service recovers/);
            await recordScenario(t, tenant, {
                scenario: "exhausted",
                injected: "503 on every Graph write, 100%",
                outcome: "up failed with a clear message",
                started,
            });
        });

        it("the next up converges with nothing duplicated or lost", async () => {
            const started = Date.now();
            tenant.emulator.faults.clear();
            tenant.emulator.clearRequests();
            await t.stack.up(t.run);
            assertConverged(tenant);
            await recordScenario(t, tenant, {
                scenario: "exhausted, then up",
                injected: "none",
                outcome: "converged, no duplicate",
                started,
                faults: 0,
            });
        });
    });
});
