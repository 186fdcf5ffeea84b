/**
 * The HTML status report as a browser renders it, with JavaScript disabled: what an admin sees in a
 * mail client or a pipeline's artifact viewer. Checks the drawn chart (bars, segment widths on
 * screen), the escaping of group names, the connector card, the layout at 1280 px and that the page
 * loads nothing but itself; then writes the screenshot the README shows (docs/images/status-report.png).
 *
 * Chromium comes from tools/browser.sh (CHROMIUM_PATH, PATH, or Debian's package); without one
 * the suite fails, it does not skip.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
    copyFileSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    renameSync,
    rmSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { renderHtml } from "../../operate/status/html";
import { lookoutDeviceStates, type GroupStatus, type StatusReport } from "../../operate/status/report";

const root = join(__dirname, "../..");
const screenshot = join(root, "docs/images/status-report.png");
const hostile = `<script>alert(1)</script> & "Sales"`;

function group(
    displayName: string,
    users: number,
    lookout: Omit<GroupStatus["lookout"], "total">,
    intune: Omit<GroupStatus["intune"], "total">,
): GroupStatus {
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const objectId = `0000000${users}-aaaa-4bbb-8ccc-${String(users).padStart(12, "0")}`;
    return {
        displayName,
        objectId,
        users,
        lookout: { ...lookout, total: sum(lookout.byState) },
        intune: { ...intune, total: sum(intune.byCompliance) },
    };
}

/** A tenant three groups into its rollout: one nearly done, one waiting on its users, one misnamed in Lookout. */
const report: StatusReport = {
    stack: "contoso-prod",
    generatedAt: "2026-03-02T09:15:00Z",
    entraTenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    settingsMode: "api",
    connector: { partnerState: "enabled", lastHeartbeatDateTime: "2026-03-02T08:58:00Z", heartbeatAgeMinutes: 17 },
    groups: [
        group(
            "Sales Mobile",
            430,
            {
                byState: { pending: 9, activated: 371, disconnected: 14, deactivated: 6 },
                bySecurity: { secure: 352, threatLow: 21, threatMedium: 9, threatHigh: 3, unknown: 15 },
            },
            {
                byThreatState: { secured: 352, low: 21, medium: 9, high: 3, unknown: 3 },
                byCompliance: { compliant: 371, noncompliant: 12, inGracePeriod: 5 },
            },
        ),
        group(
            "Field Engineering EMEA",
            120,
            {
                byState: { pending: 74, activated: 38, disconnected: 3, deactivated: 1 },
                bySecurity: { secure: 33, threatLow: 4, threatMedium: 1, threatHigh: 0, unknown: 78 },
            },
            {
                byThreatState: { secured: 33, low: 4, medium: 1, unknown: 7 },
                byCompliance: { compliant: 38, noncompliant: 7 },
            },
        ),
        group(
            hostile,
            17,
            {
                byState: { pending: 0, activated: 0, disconnected: 0, deactivated: 0 },
                bySecurity: { secure: 0, threatLow: 0, threatMedium: 0, threatHigh: 0, unknown: 0 },
            },
            { byThreatState: { unknown: 12 }, byCompliance: { noncompliant: 9, inGracePeriod: 3 } },
        ),
    ],
    outsideEnrollmentGroups: { lookout: 3, intune: 2 },
    findings: [
        {
            severity: "warning",
            group: hostile,
            message: `Lookout's enrollment group is named "Sales", not "${hostile}": Lookout matches groups by display name, so none of its 17 users can enroll`,
        },
        {
            severity: "warning",
            group: "Field Engineering EMEA",
            message:
                "74 of 116 devices (64%) are pending: their users installed Lookout for Work but have not opened it",
        },
        { severity: "info", message: "3 devices in Lookout belong to users in no enrollment group" },
    ],
    skipped: ["users' last sign-in: AuditLog.Read.All is not granted to the signed-in identity"],
    calls: { graph: 23, lookout: 7 },
};

/** What the page draws, read in the browser. */
interface DrawnBar {
    group: string | null;
    text: string;
    segments: Array<{ state: string | null; count: number; width: number; height: number; title: string }>;
}

describe("The HTML status report in a browser", () => {
    let browser: Browser;
    let page: Page;
    let folder: string;
    let loaded: { url: string; requests: string[] };

    before(async function () {
        this.timeout(300_000);
        // Fails the suite (not skips it) when no Chromium can be found or installed.
        const executablePath = execFileSync(join(root, "tools/browser.sh"), {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
        }).trim();
        browser = await puppeteer.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
        folder = mkdtempSync(join(tmpdir(), "status-report-"));
    });

    after(async () => {
        await browser?.close();
        if (folder) rmSync(folder, { recursive: true, force: true });
    });

    /** Opens a rendered report from a file, with scripts disabled, recording every request. */
    async function open(name: string, r: StatusReport): Promise<{ page: Page; url: string; requests: string[] }> {
        const file = join(folder, name);
        writeFileSync(file, renderHtml(r));
        const p = await browser.newPage();
        await p.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
        await p.setJavaScriptEnabled(false);
        const seen: string[] = [];
        p.on("request", (request) => seen.push(request.url()));
        const url = pathToFileURL(file).href;
        await p.goto(url, { waitUntil: "load" });
        return { page: p, url, requests: seen };
    }

    before(async () => {
        const opened = await open("report.html", report);
        page = opened.page;
        loaded = opened;
    });

    const bars = () =>
        page.$$eval("#device-states .group-bar", (gs) =>
            gs.map((g): DrawnBar => ({
                group: g.getAttribute("data-group"),
                text: g.textContent ?? "",
                segments: Array.from(g.querySelectorAll("rect.segment")).map((s) => {
                    const box = s.getBoundingClientRect();
                    return {
                        state: s.getAttribute("data-state"),
                        count: Number(s.getAttribute("data-count")),
                        width: box.width,
                        height: box.height,
                        title: s.querySelector("title")?.textContent ?? "",
                    };
                }),
            })),
        );

    it("draws one bar per enrollment group, with a segment per non-zero state", async () => {
        const drawn = await bars();
        assert.deepEqual(
            drawn.map((b) => b.group),
            report.groups.map((g) => g.displayName),
        );
        drawn.forEach((bar, i) => {
            const byState = report.groups[i].lookout.byState;
            assert.deepEqual(
                bar.segments.map((s) => [s.state, s.count]),
                lookoutDeviceStates.filter((s) => byState[s] > 0).map((s) => [s, byState[s]]),
            );
        });
        assert.ok(
            await page.$eval(
                "svg#device-states",
                (svg) =>
                    svg.getAttribute("role") === "img" &&
                    (svg.getAttribute("aria-label") ?? "").includes("Sales Mobile"),
            ),
        );
    });

    it("draws segment widths on one scale across groups, proportional to their counts", async () => {
        const segments = (await bars()).flatMap((b) => b.segments);
        const largest = segments.reduce((a, b) => (b.count > a.count ? b : a));
        const pxPerDevice = largest.width / largest.count;
        // The chart is not squeezed: the largest group's bar spans most of the page's width.
        assert.ok(pxPerDevice * 400 > 500, `${pxPerDevice} px per device`);
        let proportional = 0;
        for (const s of segments) {
            assert.ok(
                s.width >= 2.5 && s.height >= 20,
                `a ${s.state} segment of ${s.count} is visible (${s.width} x ${s.height} px)`,
            );
            if (s.count * pxPerDevice >= 4) {
                assert.ok(
                    Math.abs(s.width - s.count * pxPerDevice) <= 1.5,
                    `${s.state} ${s.count}: ${s.width} px, expected ${s.count * pxPerDevice}`,
                );
                proportional++;
            } else {
                assert.ok(
                    s.width <= 4,
                    `a small ${s.state} segment of ${s.count} keeps its minimum width (${s.width} px)`,
                );
            }
        }
        assert.ok(proportional >= 6, "most segments are drawn to scale");
        assert.ok(
            segments.some((s) => s.count * pxPerDevice < 2.5),
            "the fixture has a segment below the minimum width",
        );
        assert.ok(
            segments.every((s) => s.title.includes(`${s.count} ${s.state}`)),
            "each segment has a tooltip with its count",
        );
    });

    it("prints the number inside segments wide enough for it", async () => {
        const labels = await page.$$eval("#device-states .segment-group", (gs) =>
            gs.map((g) => {
                const segment = g.querySelector("rect.segment")!.getBoundingClientRect();
                const label = g.querySelector(".segment-label");
                const box = label?.getBoundingClientRect();
                return {
                    text: label?.textContent,
                    inside:
                        !box ||
                        (box.left >= segment.left &&
                            box.right <= segment.right &&
                            box.top >= segment.top &&
                            box.bottom <= segment.bottom),
                };
            }),
        );
        assert.deepEqual(
            labels.map((l) => l.text),
            ["9", "371", "14", undefined, "74", "38", undefined, undefined],
        );
        assert.ok(
            labels.every((l) => l.inside),
            "each number fits inside its segment",
        );
    });

    it("shows an empty bar saying so for a group with no devices in Lookout", async () => {
        const drawn = await bars();
        assert.equal(drawn[2].segments.length, 0);
        assert.match(drawn[2].text, /no devices in Lookout \(17 users in the group\)/);
        assert.equal(
            await page.$$eval(
                ".group-bar .track",
                (tracks) => new Set(tracks.map((t) => t.getBoundingClientRect().width)).size,
            ),
            1,
            "every group has the same track",
        );
    });

    it("lists the four device states in the legend", async () => {
        const legend = await page.$$eval("#device-states .legend-item", (items) =>
            items.map((i) => [i.getAttribute("data-state"), i.textContent]),
        );
        assert.deepEqual(legend, [
            ["pending", "Pending (83)"],
            ["activated", "Activated (409)"],
            ["disconnected", "Disconnected (17)"],
            ["deactivated", "Deactivated (7)"],
        ]);
    });

    it("shows a hostile group name as text and runs nothing", async () => {
        assert.equal(await page.$$eval("script", (s) => s.length), 0);
        assert.equal(await page.$eval(".group-card:nth-child(3) h3 .name", (h) => h.textContent), hostile);
        const text = await page.$eval("body", (b) => b.innerText);
        assert.ok(text.includes(hostile), "the name is shown as typed");
        assert.equal(await page.$$eval(".finding.warning", (f) => f.length), 2);
        assert.ok(await page.$eval(".finding.warning", (f, name) => f.textContent!.includes(`not "${name}"`), hostile));
    });

    it("shows the connector's state in green when enabled, with its heartbeat", async () => {
        const card = await page.$eval("#connector", (c) => ({
            state: c.querySelector(".state")!.textContent,
            colour: getComputedStyle(c.querySelector(".state")!).backgroundColor,
            text: (c as HTMLElement).innerText,
        }));
        assert.equal(card.state, "enabled");
        assert.equal(card.colour, "rgb(26, 127, 55)");
        assert.match(card.text, /Last heartbeat 2 March 2026, 08:58 UTC, 17 min ago/);
    });

    it("shows an unresponsive connector in red and a missing one as missing", async () => {
        const unresponsive = await open("unresponsive.html", {
            ...report,
            connector: {
                partnerState: "unresponsive",
                lastHeartbeatDateTime: "2026-02-20T10:00:00Z",
                heartbeatAgeMinutes: 16995,
            },
        });
        assert.equal(
            await unresponsive.page.$eval("#connector .state", (s) => getComputedStyle(s).backgroundColor),
            "rgb(207, 34, 46)",
        );
        assert.match(await unresponsive.page.$eval("#connector", (c) => (c as HTMLElement).innerText), /11 d 19 h ago/);
        const missing = await open("missing.html", { ...report, connector: null });
        assert.equal(await missing.page.$eval("#connector .state", (s) => s.textContent), "missing");
        await Promise.all([unresponsive.page.close(), missing.page.close()]);
    });

    it("fits 1280 px without horizontal scrolling", async () => {
        const { scrollWidth, clientWidth } = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
        }));
        assert.ok(scrollWidth <= clientWidth, `page is ${scrollWidth} px wide in a ${clientWidth} px window`);
    });

    it("loads nothing but itself", () => {
        assert.deepEqual(loaded.requests, [loaded.url]);
    });

    it("writes the screenshot the README shows", async () => {
        // Every run, at the fixed viewport, so the docs' picture follows the renderer. Taken into
        // this run's folder and moved into place by a rename only when it differs: a run at the
        // same time as another never reads a half-written picture, and an unchanged renderer
        // leaves the working tree as it is.
        const taken = join(folder, "status-report.png");
        await page.screenshot({ path: taken as `${string}.png`, fullPage: true });
        if (existsSync(screenshot) && readFileSync(screenshot).equals(readFileSync(taken))) return;
        mkdirSync(dirname(screenshot), { recursive: true });
        const next = `${screenshot}.${process.pid}.tmp`;
        copyFileSync(taken, next);
        renameSync(next, screenshot);
    });
});
