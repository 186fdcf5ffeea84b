/** Counting the tests a runner's output reports, for the one closing line `npm test` prints. */
export interface Tally {
    passed: number;
    failed: number;
    skipped: number;
}

/**
 * The tests a script's output reports: mocha's closing lines (`N passing`, `N failing`,
 * `N pending`) and the line a passed schemathesis run prints through tools/fuzz/lib.sh
 * (`…; N generated, N passed, N skipped (report: …)`). A failed schemathesis run prints its
 * whole report instead, and `npm test` counts it by the script's exit code.
 */
export function tally(output: string): Tally {
    const sum = (pattern: RegExp) => [...output.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
    const cases = [...output.matchAll(/^[\w-]+: .*; (\d+ generated, .*) \(report: [^)]*\)$/gm)].map((m) => m[1]);
    const inCases = (word: string) =>
        cases.reduce((n, line) => n + Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0), 0);
    return {
        passed: sum(/^\s*(\d+) passing\b/gm) + inCases("passed"),
        failed: sum(/^\s*(\d+) failing\b/gm),
        skipped: sum(/^\s*(\d+) pending\b/gm) + inCases("skipped"),
    };
}
