import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { killSession, processesMarked, processesOfSession, reapMarked, testRunVariable } from "../kit/processes";

/** Resolves once `find` returns something (a spawned shell needs a moment to start its children). */
async function eventually<T>(find: () => T[]): Promise<T[]> {
    for (;;) {
        const found = find();
        if (found.length > 0) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe("the test-run process guard", () => {
    const started: ChildProcess[] = [];
    afterEach(() => {
        for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    });

    it("finds a process left behind by its run's mark, names it, and kills it", async () => {
        const run = randomUUID();
        const leaked = spawn("sleep", ["30"], { env: { ...process.env, [testRunVariable]: run }, stdio: "ignore" });
        started.push(leaked);
        const other = spawn("sleep", ["30"], {
            env: { ...process.env, [testRunVariable]: randomUUID() },
            stdio: "ignore",
        });
        started.push(other);
        const [found] = await eventually(() => processesMarked(testRunVariable, run));
        assert.equal(found.pid, leaked.pid);
        assert.equal(found.command, "sleep 30");

        const killed = await reapMarked(testRunVariable, run, 100);
        assert.deepEqual(
            killed.map((p) => p.pid),
            [leaked.pid],
            "only the process of this run",
        );
        assert.deepEqual(processesMarked(testRunVariable, run), []);
        assert.equal(other.exitCode, null, "another run's process is left alone");
    });

    it("lets a process that exits within the grace period go", async () => {
        const run = randomUUID();
        started.push(spawn("sleep", ["0.3"], { env: { ...process.env, [testRunVariable]: run }, stdio: "ignore" }));
        await eventually(() => processesMarked(testRunVariable, run));
        assert.deepEqual(await reapMarked(testRunVariable, run, 5_000), []);
    });

    it("kills a session whole, also the process groups its leader started", async () => {
        const run = randomUUID();
        // As the engine starts its plugins: a child in a process group of its own (job control), same session.
        const leader = spawn("bash", ["-c", "set -m; sleep 30 & exec sleep 31"], {
            detached: true,
            env: { ...process.env, [testRunVariable]: run },
            stdio: "ignore",
        });
        started.push(leader);
        await eventually(() => processesOfSession(leader.pid!).filter((p) => p.command === "sleep 30"));
        const groups = new Set(processesOfSession(leader.pid!).map((p) => p.pgid));
        assert.equal(groups.size, 2, "the child is in a group of its own");

        process.kill(-leader.pid!, "SIGKILL");
        await new Promise((resolve) => leader.once("exit", resolve));
        assert.deepEqual(
            processesOfSession(leader.pid!).map((p) => p.command),
            ["sleep 30"],
            "killing the leader's group leaves the child",
        );
        await killSession(leader.pid!, run);
        assert.deepEqual(processesOfSession(leader.pid!), []);
    });
});
