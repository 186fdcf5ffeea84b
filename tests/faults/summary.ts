/**
 * Collects one row per fault scenario and prints the table when the suite ends (a mocha root hook
 * plugin, loaded with --require). In mocha's parallel mode root hooks run after each file, so each
 * fault file prints its own table.
 */
export interface FaultRow {
    scenario: string;
    injected: string;
    outcome: string;
    requests: number;
    faults: number;
    seconds: number;
    /** Credentials found in the engine's output and state; absent when the scenario ran in-process (nothing to scan). */
    leaks?: number;
}

const rows: FaultRow[] = [];

export function recordFault(row: FaultRow): void {
    rows.push(row);
}

function table(rows: FaultRow[]): string {
    const header = ["scenario", "injected", "outcome", "requests", "faults", "s", "leaks"];
    const body = rows.map((r) => [
        r.scenario,
        r.injected,
        r.outcome,
        String(r.requests),
        String(r.faults),
        r.seconds.toFixed(1),
        r.leaks === undefined ? "-" : String(r.leaks),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export const mochaHooks = {
    afterAll() {
        if (rows.length === 0) return;
        // A parallel worker runs several files in one process: each table holds its file's rows only.
        const printed = rows.splice(0);
        const leaks = printed.reduce((n, r) => n + (r.leaks ?? 0), 0);
        console.log("\nFault suite summary\n");
        console.log(table(printed));
        console.log(`\nscenarios: ${printed.length}; credential leaks found: ${leaks}`);
    },
};
