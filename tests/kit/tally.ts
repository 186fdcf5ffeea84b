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

/**
 * A line as `npm test` prints it. Schemathesis frames its headings and closing lines in `=` as
 * pytest does (`===== 2 warnings in 75.03s =====`); CI reads such a closing line as pytest's,
 * which counts no test, so every framed line loses its frame and keeps its words.
 */
export function unframe(line: string): string {
    const framed = /^(\s*)=+ (.+?) =+\s*$/.exec(line);
    return framed ? `${framed[1]}${framed[2]}` : line;
}

/**
 * Splits what a process writes into lines for `unframe`. Text that cannot start a framed line is
 * written at once, so a line written in parts (progress dots) shows as it comes; `end` writes
 * what is left.
 */
export class Lines {
    private rest = "";
    constructor(private readonly write: (text: string) => void) {}
    push(chunk: string): void {
        const parts = (this.rest + chunk).split("\n");
        this.rest = parts.pop() ?? "";
        const whole = parts.length > 0 ? `${parts.map(unframe).join("\n")}\n` : "";
        const partial = /^\s*=/.test(this.rest) ? "" : this.rest;
        if (partial) this.rest = "";
        if (whole || partial) this.write(whole + partial);
    }
    end(): void {
        if (this.rest) this.write(unframe(this.rest));
        this.rest = "";
    }
}
