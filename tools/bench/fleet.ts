/** `--only fleet`: ups over N tenants, one at a time and `--concurrency` at once. */
import { startEmulatedTenant } from "../../tests/kit/lookoutEmulator";
import { createTestStack } from "../../tests/kit/testStack";
import { type Bench, log } from "./bench";

export async function fleet(bench: Bench): Promise<void> {
    log("5/5 fleet: N tenants, sequential vs parallel");
    const figures: Array<Record<string, unknown>> = [];
    for (const n of bench.fleet) {
        for (const mode of ["sequential", "parallel"] as const) {
            const concurrency = mode === "sequential" ? 1 : bench.concurrency;
            const seconds = await fleetUp(n, { mode, concurrency, disposeConcurrency: bench.concurrency });
            figures.push({ tenants: n, mode, concurrency, seconds, perTenant: seconds / n });
            bench.table.push([
                `fleet of ${n}, ${mode}`,
                `${seconds.toFixed(1)} s`,
                `${(seconds / n).toFixed(2)} s per tenant`,
            ]);
        }
    }
    bench.results.fleet = figures;
}

/** Seconds for an up of `n` stacks, each on its own tenant, `concurrency` at once. */
async function fleetUp(
    n: number,
    options: { mode: "sequential" | "parallel"; concurrency: number; disposeConcurrency: number },
): Promise<number> {
    const tenants = await Promise.all(
        Array.from({ length: n }, () => startEmulatedTenant({ rateLimitPerMinute: 100 })),
    );
    const stacks = await Promise.all(tenants.map((tn, i) => createTestStack(`fleet-${options.mode}-${n}-${i}`, tn)));
    const started = performance.now();
    await pool(stacks, options.concurrency, async (s) => {
        await s.stack.up();
    });
    const seconds = (performance.now() - started) / 1000;
    await pool(stacks, options.disposeConcurrency, (s) => s.dispose());
    await Promise.all(tenants.map((tn) => tn.emulator.close()));
    return seconds;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
    const queue = [...items];
    await Promise.all(
        Array.from({ length: Math.min(concurrency, items.length) }, async () => {
            for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
        }),
    );
}
