/**
 * Transient faults at increasing shares of all calls (Lookout, Graph and both token endpoints):
 * the onboarding's resources are created in one go and the tenant converges. A share that
 * exhausts the retry budget fails with a clear message, and the next run converges with nothing
 * duplicated or lost.
 *
 * In-process: the stack's providers, called as the engine calls them (tests/faults/support.ts),
 * against the emulator. Retries, backoff and Retry-After are the HTTP clients' (providers/http),
 * which run the same inside the engine's provider process (how long each wait is, Retry-After
 * included, is unit-tested: tests/unit/client.spec.ts, graphClient.spec.ts); what the engine adds when a
 * provider fails (the error on the resource, a later `up` creating only what is missing) is seen
 * on the real engine by tests/faults/interrupted.spec.ts and concurrentEdits.spec.ts.
 */
import assert from "node:assert/strict";
import type { FaultPlanInput } from "../../emulator/faults";
import { useEmulatedTenant } from "../kit/lookoutEmulator";
import { assertConverged, assertEmpty, faultCount, inProcessOnboarding, recordInProcess } from "./support";

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

describe("transient faults (in-process providers against the emulator)", function () {
    this.timeout(120_000);
    const tenant = useEmulatedTenant({ eachTest: true });

    for (const [injected, plan] of scenarios) {
        it(`creates everything in one run with ${injected}, and deletes it all`, async () => {
            const started = Date.now();
            const onboarding = inProcessOnboarding(tenant);
            tenant.emulator.faults.set([plan]);
            await onboarding.up();
            const faults = faultCount(tenant);
            tenant.emulator.faults.clear();
            assertConverged(tenant);
            assert.ok(faults > 0, "faults were injected");
            recordInProcess(tenant, { scenario: "transient", injected, outcome: "converged", started, faults });
            await onboarding.destroy();
            assertEmpty(tenant);
        });
    }

    it("fails with a message saying what failed and what to do when faults exhaust the retries, then converges with nothing duplicated or lost", async () => {
        const started = Date.now();
        const onboarding = inProcessOnboarding(tenant);
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
        await assert.rejects(onboarding.up(), (err: Error) => {
            assert.match(
                err.message,
                /Microsoft Graph (POST|PATCH) \/deviceManagement\/\S+ did not succeed \(last: HTTP 503; retries: at most 6 attempts/,
            );
            assert.match(err.message, /run `pulumi up` again when the service recovers/);
            return true;
        });
        assert.ok(tenant.settings().intuneConnector, "the Lookout side was written");
        recordInProcess(tenant, {
            scenario: "exhausted",
            injected: "503 on every Graph write, 100%",
            outcome: "failed with a clear message",
            started,
        });

        tenant.emulator.faults.clear();
        tenant.emulator.clearRequests();
        await onboarding.up();
        assertConverged(tenant);
        recordInProcess(tenant, {
            scenario: "exhausted, then up",
            injected: "none",
            outcome: "converged, no duplicate",
            started,
            faults: 0,
        });
        await onboarding.destroy();
    });
});
