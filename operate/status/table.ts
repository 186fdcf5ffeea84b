/**
 * The status report as the terminal shows it (`npm run status`): a fixed-width table, one row per
 * enrollment group and a totals row, then the connector, findings, skipped reads and calls. Plain
 * text that fits 120 columns, so it reads the same in a CI log as in a terminal; ANSI colour only
 * when asked for. The facts both renderers derive (totals, the connector's health, ages) are here.
 */
import type { partnerStates } from "../../contract/graph/schemas";
import {
    type GroupStatus,
    type LookoutDeviceState,
    type LookoutSecurityStatus,
    lookoutDeviceStates,
    lookoutSecurityStatuses,
    type StatusReport,
} from "./report";

/** The counts of a row: a group's, or the sum of all groups'. */
export interface Counts {
    users: number;
    lookout: GroupStatus["lookout"];
    intune: GroupStatus["intune"];
}

/** The counts of all enrollment groups together (a user in two groups is counted in both). */
export function totalCounts(groups: readonly GroupStatus[]): Counts {
    const byState = Object.fromEntries(lookoutDeviceStates.map((s) => [s, 0])) as Record<LookoutDeviceState, number>;
    const bySecurity = Object.fromEntries(lookoutSecurityStatuses.map((s) => [s, 0])) as Record<
        LookoutSecurityStatus,
        number
    >;
    const total: Counts = {
        users: 0,
        lookout: { total: 0, byState, bySecurity },
        intune: { total: 0, byThreatState: {}, byCompliance: {} },
    };
    for (const g of groups) {
        total.users += g.users;
        total.lookout.total += g.lookout.total;
        total.intune.total += g.intune.total;
        for (const s of lookoutDeviceStates) byState[s] += g.lookout.byState[s] ?? 0;
        for (const s of lookoutSecurityStatuses) bySecurity[s] += g.lookout.bySecurity[s] ?? 0;
        addInto(total.intune.byThreatState, g.intune.byThreatState);
        addInto(total.intune.byCompliance, g.intune.byCompliance);
    }
    return total;
}

function addInto(into: Record<string, number>, from: Record<string, number>): void {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

/** Non-zero counts, largest first (ties by name, so the order is stable). */
export function largestFirst(counts: Record<string, number>): Array<[string, number]> {
    return Object.entries(counts)
        .filter(([, n]) => n > 0)
        .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

type PartnerState = (typeof partnerStates)[number];
const healthyStates: readonly PartnerState[] = ["enabled"];
const brokenStates: readonly PartnerState[] = ["unresponsive", "unavailable"];

/**
 * How the connector stands: `ok` when Intune has it enabled, `bad` when it is unresponsive,
 * unavailable or missing (no device's threat level reaches Intune), `attention` for any other state.
 */
export function connectorHealth(connector: StatusReport["connector"]): "ok" | "attention" | "bad" {
    if (!connector) return "bad";
    if ((healthyStates as readonly string[]).includes(connector.partnerState)) return "ok";
    if ((brokenStates as readonly string[]).includes(connector.partnerState)) return "bad";
    return "attention";
}

/** An age in minutes as people say it: "4 min", "3 h 5 min", "2 d 4 h". */
export function formatAge(minutes: number): string {
    const m = Math.max(0, Math.round(minutes));
    if (m < 60) return `${m} min`;
    if (m < 24 * 60) return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
    const d = Math.floor(m / (24 * 60));
    const h = Math.floor((m % (24 * 60)) / 60);
    return h ? `${d} d ${h} h` : `${d} d`;
}

/** The connector in one sentence, the same in the table and the page. */
export function describeConnector(connector: StatusReport["connector"]): string {
    if (!connector) return "no Mobile Threat Defense connector for Lookout in Intune";
    const heartbeat = connector.lastHeartbeatDateTime
        ? `last heartbeat ${connector.lastHeartbeatDateTime}${connector.heartbeatAgeMinutes === null ? "" : ` (${formatAge(connector.heartbeatAgeMinutes)} ago)`}`
        : "no heartbeat yet";
    return `${connector.partnerState}, ${heartbeat}`;
}

export interface TableOptions {
    /** ANSI colour (bold headings, connector state, warnings); off by default. */
    color?: boolean;
}

interface Column {
    heading: string;
    /** The heading above a run of columns, written over the first of them. */
    section?: string;
    cell: (c: Counts) => string;
}

const stateHeadings: Record<LookoutDeviceState, string> = {
    pending: "pend",
    activated: "activ",
    disconnected: "disc",
    deactivated: "deact",
};
const securityHeadings: Record<Exclude<LookoutSecurityStatus, "unknown">, string> = {
    secure: "secure",
    threatLow: "low",
    threatMedium: "med",
    threatHigh: "high",
};

const numberColumns: Column[] = [
    { heading: "users", section: "", cell: (c) => String(c.users) },
    ...lookoutDeviceStates.map((s, i) => ({
        heading: stateHeadings[s],
        section: i === 0 ? "Lookout devices" : undefined,
        cell: (c: Counts) => String(c.lookout.byState[s] ?? 0),
    })),
    ...(Object.keys(securityHeadings) as Array<keyof typeof securityHeadings>).map((s, i) => ({
        heading: securityHeadings[s],
        section: i === 0 ? "Lookout security" : undefined,
        cell: (c: Counts) => String(c.lookout.bySecurity[s] ?? 0),
    })),
    { heading: "devices", section: "Intune", cell: (c) => String(c.intune.total) },
    { heading: "compl", cell: (c) => String(c.intune.byCompliance.compliant ?? 0) },
    { heading: "noncompl", cell: (c) => String(c.intune.byCompliance.noncompliant ?? 0) },
];

/** Two spaces before the first column of a section, one between the columns inside it. */
const gapOf = (col: Column) => (col.section === undefined ? 1 : 2);

/** The longest line: the group and threat-state columns give way to the numbers to stay within it. */
const lineWidth = 120;

const ansi = {
    bold: "\x1b[1m",
    green: "\x1b[32m",
    yellow: "\x1b[33m",
    red: "\x1b[31m",
    dim: "\x1b[2m",
    reset: "\x1b[0m",
};

type Paint = (code: keyof typeof ansi, text: string) => string;

interface Row {
    name: string;
    counts: Counts;
}

/** A column as laid out: its width in characters and which side it aligns to. */
type SizedColumn = Column & { width: number; right: boolean };

/** The enrollment status report as fixed-width text. */
export function renderTable(report: StatusReport, options: TableOptions = {}): string {
    const paint: Paint = (code, text) => (options.color ? `${ansi[code]}${text}${ansi.reset}` : text);
    const totals = report.totals ?? totalCounts(report.groups);
    const rows: Row[] = report.groups.map((g) => ({ name: clean(g.displayName), counts: g }));
    const columns = layOut([...rows, { name: "Total", counts: totals }]);
    const out = [
        paint(
            "bold",
            `Lookout MTP enrollment status: stack ${clean(report.stack)}, tenant ${clean(report.entraTenantId)}`,
        ),
        `generated ${clean(report.generatedAt)}, settings mode ${report.settingsMode}`,
        "",
        ...countsLines({ columns, rows, totals, paint }),
    ];
    const outside = report.outsideEnrollmentGroups;
    if (outside.lookout || outside.intune)
        out.push(`outside enrollment groups: ${outside.lookout} devices in Lookout, ${outside.intune} in Intune`);
    out.push("", ...notesLines(report, paint));
    return out.join("\n") + "\n";
}

/** The columns sized to the rows (`rows` includes the totals row). */
function layOut(rows: readonly Row[]): SizedColumn[] {
    const numbers = numberColumns.map((col) => ({
        ...col,
        width: Math.max(col.heading.length, ...rows.map((r) => col.cell(r.counts).length)),
    }));
    const numbersWidth = numbers.reduce((sum, col) => sum + gapOf(col) + col.width, 0);
    // The group column takes up to 32 characters of what the numbers leave, keeping at least 22
    // for the threat states, which get the rest of the line.
    const groupWidth = Math.max(
        12,
        Math.min(32, Math.max(5, ...rows.map((r) => length(r.name))), lineWidth - numbersWidth - 2 - 22),
    );
    const threatsWidth = Math.max(12, lineWidth - groupWidth - numbersWidth - 2);
    return [
        { heading: "group", cell: () => "", width: groupWidth, right: false },
        ...numbers.map((c) => ({ ...c, right: true })),
        {
            heading: "Intune threat states",
            section: "",
            cell: (c) => threatSummary(c.intune.byThreatState),
            width: threatsWidth,
            right: false,
        },
    ];
}

/** The section headings, the column headings, a row per group, a rule and the totals row. */
function countsLines(table: { columns: SizedColumn[]; rows: readonly Row[]; totals: Counts; paint: Paint }): string[] {
    const { columns, paint } = table;
    const row = (name: string, counts: Counts) => line(columns, [name, ...columns.slice(1).map((c) => c.cell(counts))]);
    const headings = line(
        columns,
        columns.map((c) => c.heading),
    );
    return [
        paint("dim", sectionHeadings(columns)),
        paint("bold", headings),
        ...table.rows.map((r) => row(r.name, r.counts)),
        "-".repeat(columns.reduce((sum, col, i) => sum + (i ? gapOf(col) : 0) + col.width, 0)),
        paint("bold", row("Total", table.totals)),
    ];
}

function line(columns: readonly SizedColumn[], cells: string[]): string {
    return columns
        .map((col, i) => (i ? " ".repeat(gapOf(col)) : "") + pad(truncate(cells[i], col.width), col.width, col.right))
        .join("")
        .trimEnd();
}

/** A section's heading starts over its first column and runs over the others. */
function sectionHeadings(columns: readonly SizedColumn[]): string {
    let sections = "";
    columns.reduce((at, col, i) => {
        const start = at + (i ? gapOf(col) : 0);
        if (col.section) sections = sections.padEnd(start) + col.section;
        return start + col.width;
    }, 0);
    return sections;
}

/** The Conditional Access policy: enforced (a non-compliant device loses access) or report-only, and the rings it covers. */
function conditionalAccessLine(ca: NonNullable<StatusReport["conditionalAccess"]>, paint: Paint): string {
    const mode =
        ca.mode === "enforced"
            ? paint("green", "enforced (a non-compliant device loses access)")
            : paint("yellow", "report-only (logged, blocks nobody)");
    return `Conditional Access: ${mode}, covering ${ca.rings.map(clean).join(", ") || "no ring"}`;
}

/** The connector, the findings, the skipped reads and the calls, below the table. */
function notesLines(report: StatusReport, paint: Paint): string[] {
    const health = connectorHealth(report.connector);
    const out = [
        `Connector: ${paint(health === "ok" ? "green" : health === "bad" ? "red" : "yellow", clean(describeConnector(report.connector)))}`,
    ];
    if (report.conditionalAccess) out.push(conditionalAccessLine(report.conditionalAccess, paint));
    if (report.rollout) {
        out.push("", "Rollout rings:");
        report.rollout.rings.forEach((r, i) => {
            const since = r.enrolledAt ? `enrolled ${r.enrolledAt.slice(0, 10)}` : "held";
            out.push(`${i + 1}. ${clean(r.name)} (${r.groups.map(clean).join(", ")}): ${since}`);
        });
        for (const line of report.rollout.lines) out.push(paint("yellow", `! ${clean(line)}`));
    }
    if (report.findings.length) {
        out.push("", "Findings:");
        for (const f of report.findings) {
            const text = `${f.severity === "warning" ? "!" : "-"} ${f.group ? `${clean(f.group)}: ` : ""}${clean(f.message)}`;
            out.push(f.severity === "warning" ? paint("yellow", text) : text);
        }
    }
    if (report.skipped.length) {
        out.push("", "Skipped reads:");
        for (const s of report.skipped) out.push(`- ${clean(s)}`);
    }
    out.push("", `Calls: ${report.calls.graph} Microsoft Graph, ${report.calls.lookout} Lookout`);
    return out;
}

/** The largest threat states, "secured 40, low 3", as many as fit (the cell truncates the rest). */
function threatSummary(counts: Record<string, number>): string {
    const top = largestFirst(counts);
    return top.length ? top.map(([state, n]) => `${state} ${n}`).join(", ") : "-";
}

/** Characters as the terminal counts them (code points, not UTF-16 units). */
const length = (text: string) => Array.from(text).length;

function pad(text: string, width: number, right: boolean): string {
    const fill = " ".repeat(Math.max(0, width - length(text)));
    return right ? fill + text : text + fill;
}

/** Text cut to `width` characters, its last one an ellipsis when anything was cut. */
function truncate(text: string, width: number): string {
    const chars = Array.from(text);
    return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join("") + "…";
}

/**
 * Text from the tenant (group names are anyone's input) with control characters replaced, so a
 * name cannot move the cursor, recolour the terminal or break a row in two.
 */
export function clean(text: string): string {
    // eslint-disable-next-line no-control-regex
    return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}
