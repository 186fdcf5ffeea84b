/** The end of a fleet run, for people: a table on the terminal and a markdown one for GitHub (step summary, PR comment). */
import { type FleetRun, formatChanges, type StackResult } from "./run";

const columns = ["stack", "result", "changes", "seconds", "error"] as const;

/** An error longer than this is cut in the tables (the JSON keeps it whole). */
const errorWidth = 200;

function row(r: StackResult): string[] {
    const error = r.error && r.error.length > errorWidth ? `${r.error.slice(0, errorWidth - 3)}...` : r.error;
    return [
        r.stack,
        r.result,
        formatChanges(r.changes),
        r.result === "skipped" ? "-" : r.seconds.toFixed(1),
        error ?? r.note ?? "",
    ];
}

/** `28 succeeded, 2 failed`. */
export function tally(results: readonly StackResult[]): string {
    const counts = new Map<string, number>();
    for (const r of results) counts.set(r.result, (counts.get(r.result) ?? 0) + 1);
    return (["succeeded", "skipped", "failed"] as const)
        .filter((k) => counts.has(k))
        .map((k) => `${counts.get(k)} ${k}`)
        .join(", ");
}

function heading(run: FleetRun): string {
    const shard = run.shard ? `, shard ${run.shard}` : "";
    return `fleet ${run.operation} (run ${run.runId}${shard}): ${run.results.length} stacks, ${tally(run.results) || "none"}, ${run.seconds.toFixed(0)} s`;
}

/** Failed stacks first, then by name. */
function ordered(run: FleetRun): StackResult[] {
    return [...run.results].sort(
        (a, b) => Number(b.result === "failed") - Number(a.result === "failed") || a.stack.localeCompare(b.stack),
    );
}

/** Console changes shown per stack at most (the JSON keeps them all). */
const consoleLinesShown = 20;

/** Each stack's console changes (consoleDrift.ts's lines), under its name. */
function consoleSection(run: FleetRun, item: (line: string) => string): string[] {
    const stacks = ordered(run).filter((r) => r.consoleChanges?.length);
    if (stacks.length === 0) return [];
    const out = ["", "Lookout console changes to declared settings:"];
    for (const r of stacks) {
        out.push("", r.stack);
        const lines = r.consoleChanges!;
        out.push(...lines.slice(0, consoleLinesShown).map(item));
        if (lines.length > consoleLinesShown)
            out.push(item(`... and ${lines.length - consoleLinesShown} more (in the JSON)`));
    }
    return out;
}

/** A plain aligned table. */
export function textSummary(run: FleetRun): string {
    const rows = [[...columns], ...ordered(run).map(row)];
    const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const lines = rows.map((r) =>
        r
            .map((cell, i) => (i === columns.length - 1 ? cell : cell.padEnd(widths[i])))
            .join("  ")
            .trimEnd(),
    );
    return (
        [
            heading(run),
            "",
            lines[0],
            widths.map((w) => "-".repeat(w)).join("  "),
            ...lines.slice(1),
            ...consoleSection(run, (line) => `  - ${line}`),
        ].join("\n") + "\n"
    );
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ");

/** A markdown section: the heading, then the table (unchanged stacks folded away when there are many). */
export function markdownSummary(run: FleetRun): string {
    const table = (results: StackResult[]) => [
        "| " + columns.join(" | ") + " |",
        "| " + columns.map(() => "---").join(" | ") + " |",
        ...results.map((r) => "| " + row(r).map(cell).join(" | ") + " |"),
    ];
    const all = ordered(run);
    const quiet = (r: StackResult) => r.result !== "failed" && Object.keys(r.changes).every((op) => op === "same");
    const shown = all.length > 20 ? all.filter((r) => !quiet(r)) : all;
    const folded = all.filter((r) => !shown.includes(r));
    const parts = [`### ${cell(heading(run))}`, ""];
    if (shown.length > 0) parts.push(...table(shown), "");
    const changed = consoleSection(run, (line) => `- ${cell(line)}`);
    if (changed.length > 0)
        parts.push(
            `#### ${changed[1]}`,
            ...changed.slice(2).map((l) => (l && !l.startsWith("- ") ? `**${cell(l)}**` : l)),
            "",
        );
    if (folded.length > 0)
        parts.push(
            `<details><summary>${folded.length} stacks without changes</summary>`,
            "",
            ...table(folded),
            "",
            "</details>",
            "",
        );
    return parts.join("\n");
}
