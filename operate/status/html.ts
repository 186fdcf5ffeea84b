/**
 * The status report as one self-contained HTML page (`npm run status -- --html`), to mail or attach
 * to a pipeline run: inline CSS and inline SVG only, no script, font, image or stylesheet from
 * anywhere, so it looks the same offline, printed, or in a mail client that blocks scripts. The
 * chart is drawn here, as SVG, rather than by a charting library in the browser for the same reason.
 *
 * Every text of the report is escaped: group names, messages and even the tenant's values are input
 * from the tenant, not from us.
 */
import {
    lookoutDeviceStates,
    lookoutSecurityStatuses,
    type GroupStatus,
    type LookoutDeviceState,
    type LookoutSecurityStatus,
    type StatusReport,
} from "./report";
import { connectorHealth, type Counts, describeConnector, formatAge, largestFirst, totalCounts } from "./table";

/** Okabe and Ito's colour-blind-safe palette; the text colour keeps each number readable on its segment. */
const stateStyle: Record<LookoutDeviceState, { label: string; fill: string; text: "dark" | "light" }> = {
    pending: { label: "Pending", fill: "#E69F00", text: "dark" },
    activated: { label: "Activated", fill: "#009E73", text: "light" },
    disconnected: { label: "Disconnected", fill: "#D55E00", text: "light" },
    deactivated: { label: "Deactivated", fill: "#9E9E9E", text: "dark" },
};

const securityLabels: Record<LookoutSecurityStatus, string> = {
    secure: "Secure",
    threatLow: "Low risk",
    threatMedium: "Medium risk",
    threatHigh: "High risk",
    unknown: "Unknown",
};

/** The chart's geometry, in SVG units (the SVG scales to the page's width). */
const chart = {
    width: 1000,
    labelWidth: 250,
    barX: 260,
    barWidth: 610,
    rowHeight: 46,
    barHeight: 24,
    top: 44,
    /** Narrowest a non-zero segment is drawn, so one device in a thousand still shows. */
    minSegment: 3,
    /** Longest group name drawn before the ellipsis (the full name is in the tooltip). */
    maxLabel: 32,
};

/** The enrollment status report as a self-contained HTML page. */
export function renderHtml(report: StatusReport): string {
    const totals = report.totals ?? totalCounts(report.groups);
    const title = `Lookout MTP enrollment status: ${report.stack}`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lookout-mtp npm run status">
<title>${esc(title)}</title>
<style>${css}</style>
</head>
<body>
<main>
${header(report)}
${summary(report, totals)}
<section id="chart" aria-labelledby="chart-title">
<h2 id="chart-title">Devices in Lookout by state, per enrollment group</h2>
${deviceChart(report)}
${outsideNote(report)}
</section>
<section id="groups" aria-labelledby="groups-title">
<h2 id="groups-title">Enrollment groups</h2>
<div class="group-cards">
${report.groups.map((g) => groupCard(g, report)).join("\n")}
</div>
</section>
${findings(report)}
${skipped(report)}
<footer id="calls">Read-only report built from Microsoft Graph and Lookout's Mobile Risk API: ${count(report.calls.graph)} Microsoft Graph and ${count(report.calls.lookout)} Lookout requests.</footer>
</main>
</body>
</html>
`;
}

function header(report: StatusReport): string {
    const mode =
        report.settingsMode === "api"
            ? "API (the stack configures Lookout)"
            : "checklist (an admin configures Lookout in its console)";
    return `<header>
<p class="eyebrow">Lookout Mobile Threat Protection for Intune</p>
<h1>Enrollment status</h1>
<dl class="meta">
<div><dt>Stack</dt><dd>${esc(report.stack)}</dd></div>
<div><dt>Entra tenant</dt><dd><code>${esc(report.entraTenantId)}</code></dd></div>
<div><dt>Generated</dt><dd><time datetime="${esc(report.generatedAt)}">${esc(formatTime(report.generatedAt))}</time></dd></div>
<div><dt>Settings mode</dt><dd>${esc(mode)}</dd></div>
</dl>
</header>`;
}

function summary(report: StatusReport, totals: Counts): string {
    const warnings = report.findings.filter((f) => f.severity === "warning").length;
    const activated = totals.lookout.byState.activated;
    const compliant = totals.intune.byCompliance.compliant ?? 0;
    const tile = (id: string, label: string, value: string, note: string, tone = "") =>
        `<div class="tile${tone ? ` ${tone}` : ""}" id="${id}"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div><div class="note">${esc(note)}</div></div>`;
    return `<section id="summary" aria-label="Summary">
${connectorCard(report)}
<div class="tiles">
${tile("tile-users", "Users", count(totals.users), `in ${report.groups.length} enrollment ${report.groups.length === 1 ? "group" : "groups"}`)}
${tile("tile-lookout", "Devices in Lookout", count(totals.lookout.total), `${percent(activated, totals.lookout.total)} activated`)}
${tile("tile-intune", "Intune managed devices", count(totals.intune.total), `${percent(compliant, totals.intune.total)} compliant`)}
${tile("tile-findings", "Warnings", count(warnings), warnings ? "see Findings below" : "nothing needs attention", warnings ? "warn" : "")}
</div>
</section>`;
}

function connectorCard(report: StatusReport): string {
    const c = report.connector;
    const health = connectorHealth(c);
    const state = c ? c.partnerState : "missing";
    const heartbeat = !c
        ? "Intune has no Mobile Threat Defense connector for Lookout."
        : c.lastHeartbeatDateTime
          ? `Last heartbeat ${formatTime(c.lastHeartbeatDateTime)}${c.heartbeatAgeMinutes === null ? "" : `, ${formatAge(c.heartbeatAgeMinutes)} ago`}.`
          : "Lookout has not sent a heartbeat yet.";
    return `<div class="connector ${health}" id="connector" title="${esc(describeConnector(c))}">
<div class="label">Intune connector for Lookout</div>
<div class="state-line"><span class="state" data-health="${health}">${esc(state)}</span></div>
<div class="heartbeat">${esc(heartbeat)}</div>
</div>`;
}

/** The stacked bars: one per group, widths on one scale (the largest group's total) so groups compare. */
function deviceChart(report: StatusReport): string {
    const groups = report.groups;
    const largest = Math.max(0, ...groups.map((g) => g.lookout.total));
    // Room is kept for minimum-width segments, so the largest bar never leaves the track.
    const scale = largest ? (chart.barWidth - chart.minSegment * lookoutDeviceStates.length) / largest : 0;
    const height = chart.top + Math.max(1, groups.length) * chart.rowHeight + 8;
    const label = `Devices in Lookout by state for ${groups.length} enrollment ${groups.length === 1 ? "group" : "groups"}: ${groups
        .map(
            (g) =>
                `${g.displayName}: ${lookoutDeviceStates.map((s) => `${g.lookout.byState[s] ?? 0} ${s}`).join(", ")}`,
        )
        .join("; ")}`;
    const totals = totalCounts(groups);
    // Each entry as wide as its text (about 7.5 units a character at 13 px), so long labels never collide.
    let legendX = chart.barX;
    const legend = lookoutDeviceStates
        .map((s) => {
            const text = `${stateStyle[s].label} (${count(totals.lookout.byState[s])})`;
            const item = `<g class="legend-item" data-state="${s}" transform="translate(${legendX} 8)"><rect width="14" height="14" rx="3" fill="${stateStyle[s].fill}"/><text x="20" y="12">${text}</text></g>`;
            legendX += 20 + text.length * 7.5 + 28;
            return item;
        })
        .join("");
    const rows = groups.map((g, i) => groupBar(g, chart.top + i * chart.rowHeight, scale)).join("\n");
    const empty = groups.length
        ? ""
        : `<text class="no-devices" x="${chart.barX}" y="${chart.top + 20}">no enrollment groups</text>`;
    return `<svg id="device-states" role="img" aria-label="${esc(label)}" viewBox="0 0 ${chart.width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
<g class="legend" aria-hidden="true">${legend}</g>
${rows}${empty}
</svg>`;
}

function groupBar(g: GroupStatus, y: number, scale: number): string {
    const barY = y + (chart.rowHeight - chart.barHeight) / 2;
    const name = truncate(g.displayName, chart.maxLabel);
    const parts: string[] = [];
    let x = chart.barX;
    for (const s of lookoutDeviceStates) {
        const n = g.lookout.byState[s] ?? 0;
        if (!n) continue;
        const width = round(Math.max(n * scale, chart.minSegment));
        const style = stateStyle[s];
        const tip = `${g.displayName}: ${count(n)} ${s} (${percent(n, g.lookout.total)} of ${count(g.lookout.total)})`;
        // The number goes inside the segment when it fits there.
        const digits = count(n);
        const text =
            width >= digits.length * 7 + 6
                ? `<text class="segment-label ${style.text}" x="${round(x + width / 2)}" y="${barY + chart.barHeight / 2 + 4.5}" text-anchor="middle">${digits}</text>`
                : "";
        parts.push(
            `<g class="segment-group"><rect class="segment" data-state="${s}" data-count="${n}" x="${round(x)}" y="${barY}" width="${width}" height="${chart.barHeight}" fill="${style.fill}"><title>${esc(tip)}</title></rect>${text}</g>`,
        );
        x += width;
    }
    const body = g.lookout.total
        ? parts.join("")
        : `<text class="no-devices" x="${chart.barX + 10}" y="${barY + chart.barHeight / 2 + 4.5}">no devices in Lookout${g.users ? ` (${count(g.users)} ${g.users === 1 ? "user" : "users"} in the group)` : ""}</text>`;
    const right = g.lookout.total ? `${count(g.lookout.total)} devices` : "0 devices";
    const rightNote = g.lookout.total ? `${percent(g.lookout.byState.activated, g.lookout.total)} activated` : "";
    return `<g class="group-bar" data-group="${esc(g.displayName)}" data-total="${g.lookout.total}">
<title>${esc(g.displayName)}</title>
<text class="group-name" x="0" y="${barY + 10}">${esc(name)}</text>
<text class="group-note" x="0" y="${barY + 25}">${esc(`${count(g.users)} users · ${count(g.intune.total)} in Intune`)}</text>
<rect class="track" x="${chart.barX}" y="${barY}" width="${chart.barWidth}" height="${chart.barHeight}" rx="2"/>
${body}
<text class="group-total" x="${chart.barX + chart.barWidth + 12}" y="${barY + 10}">${esc(right)}</text>
<text class="group-note" x="${chart.barX + chart.barWidth + 12}" y="${barY + 25}">${esc(rightNote)}</text>
</g>`;
}

function outsideNote(report: StatusReport): string {
    const o = report.outsideEnrollmentGroups;
    if (!o.lookout && !o.intune) return "";
    return `<p class="note" id="outside">Outside the enrollment groups: ${count(o.lookout)} devices in Lookout and ${count(o.intune)} in Intune belong to users in no enrollment group (for example a user who left one).</p>`;
}

function groupCard(g: GroupStatus, report: StatusReport): string {
    const warnings = report.findings.filter((f) => f.group === g.displayName && f.severity === "warning").length;
    const badge = warnings
        ? ` <span class="badge warn">${warnings} ${warnings === 1 ? "warning" : "warnings"}</span>`
        : "";
    // The four levels always show when there are devices (a 0 for high risk is news); unknown only when it occurs.
    const security = g.lookout.total
        ? lookoutSecurityStatuses
              .filter((s) => s !== "unknown" || g.lookout.bySecurity[s] > 0)
              .map((s) => [securityLabels[s], g.lookout.bySecurity[s] ?? 0] as [string, number])
        : [];
    return `<article class="group-card" data-group="${esc(g.displayName)}">
<h3><span class="name">${esc(g.displayName)}</span>${badge}</h3>
<p class="group-meta">${count(g.users)} users · ${count(g.lookout.total)} devices in Lookout · ${count(g.intune.total)} Intune managed devices</p>
<div class="group-tables">
${countTable("Lookout security status", security, g.lookout.total, "security")}
${countTable("Intune threat state (reported by Lookout)", largestFirst(g.intune.byThreatState), g.intune.total, "threat")}
${countTable("Intune compliance", largestFirst(g.intune.byCompliance), g.intune.total, "compliance")}
</div>
</article>`;
}

function countTable(caption: string, rows: Array<[string, number]>, total: number, kind: string): string {
    const body = rows.length
        ? rows
              .map(
                  ([k, n]) =>
                      `<tr><th scope="row">${esc(k)}</th><td>${count(n)}</td><td class="share">${percent(n, total)}</td></tr>`,
              )
              .join("")
        : `<tr><td colspan="3" class="none">no devices${kind === "security" ? " in Lookout" : " in Intune"}</td></tr>`;
    return `<table class="counts" data-kind="${kind}"><caption>${esc(caption)}</caption><tbody>${body}</tbody></table>`;
}

function findings(report: StatusReport): string {
    const items = report.findings.length
        ? report.findings
              .map(
                  (f) =>
                      `<li class="finding ${f.severity}"><span class="severity">${f.severity === "warning" ? "Warning" : "Info"}</span>${f.group ? `<span class="finding-group">${esc(f.group)}</span>` : ""}<span class="message">${esc(f.message)}</span></li>`,
              )
              .join("\n")
        : `<li class="finding none">No findings: every enrollment group looks as expected.</li>`;
    return `<section id="findings" aria-labelledby="findings-title">
<h2 id="findings-title">Findings</h2>
<ul class="findings">
${items}
</ul>
</section>`;
}

function skipped(report: StatusReport): string {
    const items = report.skipped.length
        ? report.skipped.map((s) => `<li>${esc(s)}</li>`).join("\n")
        : `<li class="none">None: every read succeeded.</li>`;
    return `<section id="skipped" aria-labelledby="skipped-title">
<h2 id="skipped-title">Skipped reads</h2>
<ul class="skipped">
${items}
</ul>
</section>`;
}

const css = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --amber: #9a6700; --amber-bg: #fff8c5; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef1f4; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 1120px; margin: 24px auto; padding: 28px 32px 20px; background: #fff; border: 1px solid var(--line); border-radius: 10px; }
h1 { margin: 0 0 12px; font-size: 26px; }
h2 { margin: 28px 0 12px; font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { margin: 0 0 4px; font-size: 15px; overflow-wrap: anywhere; }
code { font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
.eyebrow { margin: 0 0 2px; color: var(--muted); font-size: 12px; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; }
.meta { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; }
.meta div { min-width: 0; }
.meta dt { color: var(--muted); font-size: 12px; }
.meta dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
#summary { display: grid; grid-template-columns: minmax(260px, 1.1fr) 3fr; gap: 14px; margin-top: 22px; }
.tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 14px; }
.tile, .connector { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: var(--panel); min-width: 0; }
.tile .label, .connector .label { color: var(--muted); font-size: 12px; }
.tile .value { font-size: 26px; font-weight: 700; line-height: 1.2; }
.tile .note { color: var(--muted); font-size: 12.5px; }
.tile.warn { background: var(--amber-bg); border-color: #d4a72c; }
.connector { border-left-width: 6px; }
.connector.ok { border-left-color: var(--ok); }
.connector.bad { border-left-color: var(--bad); background: var(--bad-bg); }
.connector.attention { border-left-color: #d4a72c; background: var(--amber-bg); }
.state-line { margin: 4px 0; }
.state { display: inline-block; padding: 2px 12px; border-radius: 999px; font-weight: 700; font-size: 15px; color: #fff; }
.ok .state { background: var(--ok); }
.bad .state { background: var(--bad); }
.attention .state { background: var(--amber); }
.heartbeat { font-size: 12.5px; }
#device-states { display: block; max-width: 100%; height: auto; }
#device-states text { font-size: 13px; fill: var(--ink); font-family: inherit; }
#device-states .group-name { font-weight: 600; }
#device-states .group-note { font-size: 11.5px; fill: var(--muted); }
#device-states .group-total { font-weight: 600; }
#device-states .segment-label { font-weight: 700; font-size: 12px; pointer-events: none; }
#device-states .segment-label.light { fill: #fff; }
#device-states .segment-label.dark { fill: #1b1b1b; }
#device-states .track { fill: #f0f2f4; stroke: #dde2e7; }
#device-states .no-devices { font-style: italic; fill: var(--muted); }
.note { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
.group-cards { display: grid; gap: 14px; }
.group-card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px 14px; }
.group-meta { margin: 0 0 10px; color: var(--muted); font-size: 12.5px; }
.group-tables { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 18px; align-items: start; }
table.counts { border-collapse: collapse; width: 100%; font-size: 13px; }
table.counts caption { text-align: left; font-weight: 600; font-size: 12px; color: var(--muted); padding-bottom: 4px; }
table.counts th, table.counts td { padding: 3px 6px; border-top: 1px solid #eaeef2; }
table.counts th { text-align: left; font-weight: 400; overflow-wrap: anywhere; }
table.counts td { text-align: right; font-variant-numeric: tabular-nums; width: 4.5em; }
table.counts td.share { color: var(--muted); }
table.counts td.none { text-align: left; color: var(--muted); font-style: italic; width: auto; }
.badge { display: inline-block; margin-left: 8px; padding: 0 8px; border-radius: 999px; font-size: 12px; font-weight: 600; vertical-align: 2px; }
.badge.warn { background: var(--amber-bg); color: var(--amber); border: 1px solid #d4a72c; }
ul.findings, ul.skipped { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.finding { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; padding: 8px 12px; border-radius: 6px; border: 1px solid var(--line); overflow-wrap: anywhere; }
.finding.warning { background: var(--amber-bg); border-color: #d4a72c; border-left: 5px solid #bf8700; }
.finding .severity { font-weight: 700; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.finding.warning .severity { color: var(--amber); }
.finding-group { font-weight: 600; }
ul.skipped li { padding: 6px 12px; border-radius: 6px; background: var(--panel); overflow-wrap: anywhere; }
li.none { color: var(--muted); }
footer { margin-top: 26px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@media (max-width: 900px) { #summary { grid-template-columns: 1fr; } .tiles, .group-tables { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media print { body { background: #fff; } main { border: 0; margin: 0; max-width: none; } .group-card { break-inside: avoid; } }
`;

/** Text safe inside an element or a quoted attribute. */
function esc(text: string): string {
    return text.replace(
        /[&<>"']/g,
        (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
    );
}

function truncate(text: string, max: number): string {
    const chars = Array.from(text);
    return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
}

const count = (n: number) => n.toLocaleString("en-US");
const percent = (n: number, of: number) => (of ? `${Math.round((100 * n) / of)}%` : "–");
const round = (n: number) => Math.round(n * 100) / 100;

/** An ISO time as "2 March 2026, 09:15 UTC"; the report's own text when it does not parse. */
function formatTime(iso: string): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const day = date.toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
    return `${day}, ${date.toISOString().slice(11, 16)} UTC`;
}
