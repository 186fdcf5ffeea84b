/**
 * The status report's reads against services that answer less kindly than the emulator: a Lookout
 * that pages 20 devices whatever the limit (as one third-party client reports), and one that ignores
 * the cursor. Graph is the emulated tenant.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { uuidV7 } from "../../emulator/devices";
import { graphClientFor } from "../../providers/graph/connection";
import { createLookoutClient } from "../../providers/lookout/client";
import { collectStatus } from "../../operate/status/collect";
import { sampleDirectory, validGraphConfig, parsedConfig } from "../kit/configFixtures";
import { fastRetry, useEmulatedTenant } from "../kit/lookoutEmulator";

const config = () => parsedConfig(validGraphConfig());

/** 45 devices of the Sales Mobile group's generated users, newest first, pages of at most 20. */
function lookoutWithShortPages(honourCursor: boolean): Promise<Server> {
    const devices = Array.from({ length: 45 }, (_, i) => ({
        guid: `g-${i}`,
        oid: uuidV7(1_700_000_000_000 + i * 1000, i),
        email: `user${String(i + 1).padStart(6, "0")}.4e9c5f60@generated.example`,
        platform: "IOS",
        activation_status: i % 3 === 0 ? "PENDING" : "ACTIVATED",
        protection_status: i % 3 === 0 ? null : "PROTECTED",
        security_status: "SECURE",
    })).reverse();
    const server = createServer((req, res) => {
        res.setHeader("content-type", "application/json");
        if (req.url === "/oauth2/token") {
            res.end(JSON.stringify({ access_token: "t", token_type: "bearer", expires_in: 7200 }));
            return;
        }
        const url = new URL(req.url ?? "/", "http://x");
        const before = url.searchParams.get("oid");
        const rest = devices.filter((d) => !honourCursor || before === null || d.oid < before);
        res.end(JSON.stringify({ count: rest.length, devices: rest.slice(0, 20) }));
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("status report reads", () => {
    const t = useEmulatedTenant({
        prepare: (t) => {
            const tenant = t.emulator.store.tenantById(t.tenantId)!;
            tenant.directory = sampleDirectory();
            tenant.directory.groups.find((g) => g.displayName === "Sales Mobile")!.generatedUsers = 50;
        },
    });
    let server: Server | undefined;
    afterEach(() => server?.close());
    const lookout = (s: Server) =>
        createLookoutClient({
            baseUrl: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
            applicationKey: "lk_test",
            retry: fastRetry,
        });

    it("reads every page when Lookout answers fewer devices than asked for", async () => {
        server = await lookoutWithShortPages(true);
        const report = await collectStatus({
            stack: "s",
            config: config(),
            graph: graphClientFor(t.graph),
            lookout: lookout(server),
        });
        const sales = report.groups.find((g) => g.displayName === "Sales Mobile")!;
        assert.equal(sales.lookout.total, 45);
        assert.equal(sales.lookout.byState.pending, 15);
        assert.equal(
            report.calls.lookout,
            3,
            "45 devices in pages of 20: three pages, the last one saying none remain",
        );
    });

    it("stops, naming the cause, when Lookout ignores the cursor instead of reading forever", async () => {
        server = await lookoutWithShortPages(false);
        await assert.rejects(
            collectStatus({ stack: "s", config: config(), graph: graphClientFor(t.graph), lookout: lookout(server) }),
            /did not move past oid/,
        );
    });

    /** The report of a stack whose pilot ring was enrolled `daysAgo` days ago (soak gate: a week), sales held. */
    async function reportWithRings(daysAgo: number) {
        server = await lookoutWithShortPages(true);
        const withRings = parsedConfig({
            ...validGraphConfig(),
            "lookout-mtp:rollout": {
                rings: [
                    { name: "pilot", groups: ["Lookout Pilot"], gate: { minSoakDays: 7 } },
                    { name: "sales", groups: ["Sales Mobile"] },
                ],
            },
        });
        const enrolledAt = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
        const report = await collectStatus({
            stack: "s",
            config: withRings,
            graph: graphClientFor(t.graph),
            lookout: lookout(server),
            rollout: {
                rings: [
                    { name: "pilot", groups: ["Lookout Pilot"], released: true, enrolledAt },
                    { name: "sales", groups: ["Sales Mobile"], released: false, enrolledAt: null },
                ],
            },
        });
        return { report, enrolledAt };
    }

    it("shows the rollout rings, and expects no device of a held ring's groups", async () => {
        const { report, enrolledAt } = await reportWithRings(3);
        assert.deepEqual(report.rollout!.rings, [
            { name: "pilot", groups: ["Lookout Pilot"], enrolled: true, enrolledAt },
            { name: "sales", groups: ["Sales Mobile"], enrolled: false, enrolledAt: null },
        ]);
        assert.deepEqual(report.rollout!.lines, ["ring 2 'sales' (Sales Mobile, 51 users) held: soaked 3 of 7 days"]);
        assert.deepEqual(report.rollout!.releasable, []);
        assert.ok(
            !report.findings.some((f) => f.group === "Sales Mobile"),
            "a held ring's group is not reported as a name mismatch",
        );
    });

    it("names the held ring whose gate passes, which the next up enrolls", async () => {
        const { report } = await reportWithRings(8);
        assert.deepEqual(report.rollout!.lines, []);
        assert.deepEqual(report.rollout!.releasable, ["sales"]);
    });
});
