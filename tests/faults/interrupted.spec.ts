/**
 * The engine is killed in the middle of an `up`. A user then runs `pulumi cancel` and
 * `pulumi refresh --clear-pending-creates`, as the CLI advises; the next `up` converges and
 * `destroy` leaves nothing behind in the tenant.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { type EmulatedTenant, startEmulatedTenant } from "../../testkit/lookoutEmulator";
import { createTestStack, type TestStack } from "../../testkit/testStack";
import { recordFault } from "./summary";
import { assertConverged, assertEmpty, fastRetryEnv, faultCount, findLeaks } from "./support";

function pulumiCli(t: TestStack, args: string[]) {
    const child = spawn("pulumi", [...args, "--stack", "interrupted", "--non-interactive"], { cwd: t.dir, env: t.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on("close", resolve));
    return { child, done, output: () => output };
}

describe("interrupted run (real engine)", function () {
    this.timeout(300_000);
    let tenant: EmulatedTenant;
    let t: TestStack;
    before(async () => {
        tenant = await startEmulatedTenant();
        t = await createTestStack("interrupted", tenant, {}, fastRetryEnv);
    });
    after(async () => {
        tenant.emulator.faults.clear();
        await tenant.emulator.close();
    });

    it("recovers after the engine is killed mid-up, and destroy leaves nothing", async () => {
        const started = Date.now();
        // Slow Intune creates, so the kill lands while some resources are created and others are in flight.
        tenant.emulator.faults.set([{ kind: "delay", delayMs: 4000, pathPrefix: "/graph/v1.0/deviceManagement/deviceCompliancePolicies", methods: ["POST"] }]);
        const up = pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        const deadline = Date.now() + 120_000;
        while (!tenant.emulator.requests().some((r) => r.method === "POST" && r.path.endsWith("/deviceCompliancePolicies"))) {
            assert.ok(Date.now() < deadline, `the up never reached Intune:\n${up.output()}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        process.kill(-up.child.pid!, "SIGKILL");
        await up.done;
        tenant.emulator.faults.clear();
        assert.ok(tenant.settings().intuneConnector, "the Lookout side was written before the kill");

        // What a user does after an interrupted update.
        const cancel = pulumiCli(t, ["cancel", "--yes"]);
        await cancel.done;
        const refresh = pulumiCli(t, ["refresh", "--yes", "--clear-pending-creates", "--skip-preview"]);
        const refreshCode = await refresh.done;
        assert.equal(refreshCode, 0, refresh.output());

        await t.stack.up(t.run);
        assertConverged(tenant);
        await t.stack.destroy(t.run);
        assertEmpty(tenant);
        const leaks = await findLeaks(t, tenant);
        await t.dispose();
        recordFault({
            scenario: "interrupted",
            injected: "SIGKILL of the engine mid-up",
            outcome: "cancel + refresh, up converged, destroy clean",
            requests: tenant.emulator.requests().length,
            faults: faultCount(tenant),
            seconds: (Date.now() - started) / 1000,
            leaks: leaks.length,
        });
        assert.deepEqual(leaks, []);
    });
});
