/**
 * The engine is killed in the middle of an `up`. A user then runs `pulumi cancel` and
 * `pulumi refresh --clear-pending-creates`, as the CLI advises; the next `up` converges and
 * `destroy` leaves nothing behind in the tenant.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { killSession } from "../kit/processes";
import { type TestStack, useTestStack } from "../kit/testStack";
import { recordFault } from "./summary";
import { assertConverged, assertEmpty, fastRetryEnv, faultCount, findLeaks } from "./support";

/** The sessions of the CLI runs, killed whole when the suite ends however it ended. */
const sessions: number[] = [];

/**
 * Runs the CLI in a session of its own. The engine starts each plugin in a process group of its
 * own, so killing the CLI's group would leave the language host and the dynamic provider running,
 * the provider still writing to the tenant after "the kill"; they all stay in the CLI's session.
 */
function pulumiCli(t: TestStack, args: string[]) {
    const child = spawn("pulumi", [...args, "--stack", "interrupted", "--non-interactive"], {
        cwd: t.dir,
        env: t.env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
    });
    sessions.push(child.pid!);
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on("close", resolve));
    return { child, done, output: () => output };
}

describe("interrupted run (real engine)", function () {
    this.timeout(300_000);
    // Registered first, so it runs first: mocha runs a suite's after hooks in order, and the
    // stack's teardown destroys it with no CLI run left.
    after(async () => {
        for (const sid of sessions) await killSession(sid);
    });
    const { tenant, t } = useTestStack("interrupted", { env: fastRetryEnv });

    it("recovers after the engine is killed mid-up, and destroy leaves nothing", async () => {
        const started = Date.now();
        // Slow Intune creates, so the kill lands while some resources are created and others are in flight.
        tenant.emulator.faults.set([
            {
                kind: "delay",
                delayMs: 4000,
                pathPrefix: "/graph/v1.0/deviceManagement/deviceCompliancePolicies",
                methods: ["POST"],
            },
        ]);
        const up = pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        const deadline = Date.now() + 120_000;
        while (
            !tenant.emulator.requests().some((r) => r.method === "POST" && r.path.endsWith("/deviceCompliancePolicies"))
        ) {
            assert.ok(Date.now() < deadline, `the up never reached Intune:\n${up.output()}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // The whole engine dies at once, as when a CI runner is cancelled: nothing of it writes on.
        await killSession(up.child.pid!);
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
