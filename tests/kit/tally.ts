/** Counting the tests a runner's output reports, for the one closing line `npm test` prints. */
export interface Tally {
    passed: number;
    failed: number;
    skipped: number;
}

/**
 * The tests a script's output reports: mocha's closing lines (`N passing`, `N failing`,
 * `N pending`) and schemathesis's (`Test cases:` and, on it or the next line,
 * `N generated, N passed, N failed, N skipped`).
 */
export function tally(output: string): Tally {
    const sum = (pattern: RegExp) => [...output.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
    const cases = [...output.matchAll(/^\s*Test cases:[ \t]*\n?[ \t]*(.*)$/gm)].map((m) => m[1]);
    const inCases = (word: string) =>
        cases.reduce((n, line) => n + Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0), 0);
    return {
        passed: sum(/^\s*(\d+) passing\b/gm) + inCases("passed"),
        failed: sum(/^\s*(\d+) failing\b/gm) + inCases("failed"),
        skipped: sum(/^\s*(\d+) pending\b/gm) + inCases("skipped"),
    };
}
