/** Timing helpers for the benchmarks: run a step several times, keep median, min and max. */

export interface Sample {
    median: number;
    min: number;
    max: number;
    runs: number;
}

export function summarize(values: number[]): Sample {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** Runs `step` `runs` times (after `warmup` unmeasured runs) and returns seconds. */
export async function measure(runs: number, step: () => Promise<unknown>, warmup = 1): Promise<Sample> {
    for (let i = 0; i < warmup; i++) await step();
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await step();
        seconds.push((performance.now() - started) / 1000);
    }
    return summarize(seconds);
}

export const fmt = (s: Sample, digits = 2) =>
    `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;

/**
 * Runs each of `steps` `runs` times in turns (after one unmeasured run each) and returns seconds
 * per step: on a shared machine, the load of the moment falls on every step alike.
 */
export async function measureInTurns<K extends string>(
    runs: number,
    steps: Record<K, () => Promise<unknown>>,
): Promise<Record<K, Sample>> {
    const entries = Object.entries(steps) as Array<[K, () => Promise<unknown>]>;
    for (const [, step] of entries) await step();
    const seconds = new Map<K, number[]>(entries.map(([key]) => [key, []]));
    for (let i = 0; i < runs; i++) {
        for (const [key, step] of entries) {
            const started = performance.now();
            await step();
            seconds.get(key)!.push((performance.now() - started) / 1000);
        }
    }
    return Object.fromEntries(entries.map(([key]) => [key, summarize(seconds.get(key)!)])) as Record<K, Sample>;
}
