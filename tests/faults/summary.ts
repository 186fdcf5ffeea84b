/**
 * Collects one row per fault scenario and prints the table when the suite ends (a mocha root hook
 * plugin, loaded with --require).
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

function table(): string {
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
        const leaks = rows.reduce((n, r) => n + (r.leaks ?? 0), 0);
        console.log("\nFault suite summary\n");
        console.log(table());
        console.log(`\nscenarios: ${rows.length}; credential leaks found: ${leaks}`);
    },
};
