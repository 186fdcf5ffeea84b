import assert from "node:assert/strict";
import { renderTable } from "../../operate/status/table";
import type { GroupStatus, StatusReport } from "../../operate/status/report";

function group(
    displayName: string,
    users: number,
    states: [number, number, number, number],
    security: [number, number, number, number, number],
    intune: Record<string, number>,
    compliance: Record<string, number>,
): GroupStatus {
    const [pending, activated, disconnected, deactivated] = states;
    const [secure, threatLow, threatMedium, threatHigh, unknown] = security;
    return {
        displayName,
        objectId: `id-${users}`,
        users,
        lookout: {
            total: pending + activated + disconnected + deactivated,
            byState: { pending, activated, disconnected, deactivated },
            bySecurity: { secure, threatLow, threatMedium, threatHigh, unknown },
        },
        intune: {
            total: Object.values(compliance).reduce((a, b) => a + b, 0),
            byThreatState: intune,
            byCompliance: compliance,
        },
    };
}

const longName = "Field Engineering EMEA and APAC, rollout wave 2 (contractors included)";

const report: StatusReport = {
    stack: "contoso-prod",
    generatedAt: "2026-03-02T09:15:00Z",
    entraTenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    settingsMode: "checklist",
    connector: {
        partnerState: "unresponsive",
        lastHeartbeatDateTime: "2026-02-28T07:00:00Z",
        heartbeatAgeMinutes: 2 * 24 * 60 + 2 * 60 + 15,
    },
    groups: [
        group(
            "Sales Mobile",
            1430,
            [9, 1371, 14, 6],
            [1352, 21, 9, 3, 15],
            { secured: 1352, low: 21, medium: 9, high: 3, unknown: 3 },
            { compliant: 1371, noncompliant: 12, inGracePeriod: 5 },
        ),
        group(
            longName,
            120,
            [74, 38, 3, 1],
            [33, 4, 1, 0, 78],
            { secured: 33, unknown: 7 },
            { compliant: 38, noncompliant: 7 },
        ),
        group("Sales\x1b[31m\nOps", 17, [0, 0, 0, 0], [0, 0, 0, 0, 0], {}, {}),
    ],
    outsideEnrollmentGroups: { lookout: 3, intune: 0 },
    findings: [
        {
            severity: "warning",
            group: "Sales\x1b[31m\nOps",
            message: 'Lookout\'s enrollment group is named "Sales Ops"',
        },
        { severity: "info", message: "3 devices in Lookout belong to users in no enrollment group" },
    ],
    skipped: ["users' last sign-in: AuditLog.Read.All is not granted"],
    calls: { graph: 23, lookout: 7 },
};

const numberHeadings = [
    "users",
    "pend",
    "activ",
    "disc",
    "deact",
    "secure",
    "low",
    "med",
    "high",
    "devices",
    "compl",
    "noncompl",
];

/** The table's lines: the heading, one per group, and the totals. */
function tableLines(text: string) {
    const lines = text.split("\n");
    const heading = lines.findIndex((l) => l.startsWith("group "));
    const total = lines.findIndex((l) => l.startsWith("Total "));
    return {
        lines,
        heading: lines[heading],
        rows: lines.slice(heading + 1, total - 1),
        rule: lines[total - 1],
        total: lines[total],
    };
}

/** Where each number column ends in the heading (they are right-aligned). */
function columnEnds(heading: string): number[] {
    let from = 0;
    return numberHeadings.map((h) => {
        const at = heading.indexOf(` ${h} `, from) + 1 || heading.indexOf(` ${h}`, from) + 1;
        from = at + h.length;
        return from;
    });
}

/** The numbers of a row, read at the heading's column ends. */
function numbersAt(row: string, ends: number[]): number[] {
    return ends.map((end) => {
        const cell = row.slice(0, end).match(/(\d+)$/);
        assert.ok(cell, `a number ends at column ${end} of ${JSON.stringify(row)}`);
        assert.ok(
            end === row.length || row[end] === " ",
            `nothing runs on after column ${end} of ${JSON.stringify(row)}`,
        );
        return Number(cell[1]);
    });
}

describe("renderTable", () => {
    const text = renderTable(report);
    const { lines, heading, rows, rule, total } = tableLines(text);

    it("fits 120 columns", () => {
        for (const line of lines) assert.ok(Array.from(line).length <= 120, `${Array.from(line).length}: ${line}`);
        assert.equal(rule, "-".repeat(120));
    });

    it("right-aligns every number under its heading", () => {
        const ends = columnEnds(heading);
        assert.deepEqual(numbersAt(rows[0], ends), [1430, 9, 1371, 14, 6, 1352, 21, 9, 3, 1388, 1371, 12]);
        assert.deepEqual(numbersAt(rows[1], ends), [120, 74, 38, 3, 1, 33, 4, 1, 0, 45, 38, 7]);
        assert.deepEqual(numbersAt(rows[2], ends), [17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        const threats = heading.indexOf("Intune threat states");
        assert.ok(
            rows.every((r) => r.indexOf(r.slice(threats).trimStart()) === threats),
            "the threat states start in one column",
        );
    });

    it("adds up the groups in the totals row", () => {
        const ends = columnEnds(heading);
        const sums = ends.map((_, i) => rows.reduce((sum, r) => sum + numbersAt(r, ends)[i], 0));
        assert.deepEqual(numbersAt(total, ends), sums);
        assert.match(total, /secured 1385, low 21,…$/);
    });

    it("puts section headings over their first column", () => {
        const sections = lines[lines.indexOf(heading) - 1];
        const ends = columnEnds(heading);
        const startOf = (h: string) => ends[numberHeadings.indexOf(h)] - h.length;
        assert.equal(sections.indexOf("Lookout devices"), heading.lastIndexOf(" ", startOf("pend")) + 1);
        assert.equal(sections.indexOf("Lookout security"), startOf("secure"));
        assert.equal(sections.indexOf("Intune"), startOf("devices"));
    });

    it("truncates a long group name with an ellipsis and keeps its row aligned", () => {
        const groupWidth = heading.indexOf("users") - 2;
        const name = rows[1].slice(0, groupWidth);
        assert.ok(name.endsWith("…") && longName.startsWith(name.slice(0, -1)), name);
        assert.ok(groupWidth >= 12 && groupWidth <= 32, `group column of ${groupWidth}`);
        assert.equal(rows[0].slice(0, groupWidth).trimEnd(), "Sales Mobile");
    });

    it("replaces control characters in names, so a name cannot break the table or the terminal", () => {
        assert.ok(!text.includes("\x1b"));
        assert.ok(rows[2].startsWith("Sales?[31m?Ops "));
        assert.ok(lines.includes(`! Sales?[31m?Ops: Lookout's enrollment group is named "Sales Ops"`));
    });

    it("lists the connector, findings, skipped reads and calls, one line each", () => {
        assert.ok(lines.includes("Connector: unresponsive, last heartbeat 2026-02-28T07:00:00Z (2 d 2 h ago)"));
        assert.ok(lines.includes("- 3 devices in Lookout belong to users in no enrollment group"));
        assert.ok(lines.includes("outside enrollment groups: 3 devices in Lookout, 0 in Intune"));
        assert.ok(lines.includes("- users' last sign-in: AuditLog.Read.All is not granted"));
        assert.ok(lines.includes("Calls: 23 Microsoft Graph, 7 Lookout"));
        assert.match(lines[1], /settings mode checklist/);
    });

    it("says when there is no connector or no heartbeat yet", () => {
        assert.match(
            renderTable({ ...report, connector: null }),
            /^Connector: no Mobile Threat Defense connector for Lookout in Intune$/m,
        );
        assert.match(
            renderTable({
                ...report,
                connector: { partnerState: "available", lastHeartbeatDateTime: null, heartbeatAgeMinutes: null },
            }),
            /^Connector: available, no heartbeat yet$/m,
        );
    });

    it("colours only when asked, without moving a column", () => {
        const coloured = renderTable(report, { color: true });
        assert.ok(coloured.includes("\x1b[31munresponsive"));
        assert.ok(coloured.includes("\x1b[33m! Sales"));
        // eslint-disable-next-line no-control-regex
        assert.equal(coloured.replace(/\x1b\[\d+m/g, ""), text);
    });

    it("says the Conditional Access policy's mode and the rings it covers, when the stack has one", () => {
        assert.doesNotMatch(text, /Conditional Access/);
        assert.match(
            renderTable({ ...report, conditionalAccess: { mode: "reportOnly", rings: ["pilot"] } }),
            /^Conditional Access: report-only \(logged, blocks nobody\), covering pilot$/m,
        );
        assert.match(
            renderTable({ ...report, conditionalAccess: { mode: "enforced", rings: ["pilot", "sales"] } }),
            /^Conditional Access: enforced \(a non-compliant device loses access\), covering pilot, sales$/m,
        );
    });
});
