/** Rollout rings with health gates (components/onboarding/rollout.ts): which rings are enrolled, and why the others are held. */
import assert from "node:assert/strict";
import { seedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import {
    judgeRollout,
    readRolloutHealth,
    releaseOverride,
    type RolloutHealth,
} from "../../components/onboarding/rollout";
import { runPreflight } from "../../components/onboarding/preflight";
import { graphClientFor } from "../../providers/graph/connection";
import { parsedConfig, sampleConnectorSettings, sampleDirectory, validGraphConfig } from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

const day = 86_400_000;
const now = Date.parse("2026-12-01T12:00:00Z");
const withRings = (gate: Record<string, number> = { minActivatedShare: 0.8, minSoakDays: 7 }) =>
    parsedConfig({
        ...validGraphConfig(),
        "lookout-mtp:rollout": {
            rings: [
                { name: "pilot", groups: ["Lookout Pilot"], gate },
                { name: "sales", groups: ["Sales Mobile"] },
            ],
        },
    });
const health = (over: Partial<RolloutHealth> = {}): RolloutHealth => ({
    now,
    ringUsers: [100, 40_112],
    activated: 90,
    noncompliant: 0,
    ...over,
});
const record = (pilotEnrolledDaysAgo: number) => ({
    rings: [
        {
            name: "pilot",
            groups: ["Lookout Pilot"],
            released: true,
            enrolledAt: new Date(now - pilotEnrolledDaysAgo * day).toISOString(),
        },
        { name: "sales", groups: ["Sales Mobile"], released: false, enrolledAt: null },
    ],
});

describe("rollout rings", () => {
    describe("judging the gates", () => {
        const rollout = withRings().rollout!;

        it("enrolls ring 1 on the first update and holds ring 2 until ring 1 has soaked", () => {
            const decision = judgeRollout(rollout, health(), undefined);
            assert.deepEqual(decision.enrolledGroups, ["Lookout Pilot"]);
            assert.equal(decision.record.rings[0].enrolledAt, new Date(now).toISOString());
            assert.deepEqual(decision.lines, ["ring 2 'sales' (Sales Mobile, 40,112 users) held: soaked 0 of 7 days"]);
        });

        it("holds the next ring while the ring before it is below its activation gate, saying both measures", () => {
            const decision = judgeRollout(rollout, health({ activated: 62 }), record(3));
            assert.deepEqual(decision.enrolledGroups, ["Lookout Pilot"]);
            assert.deepEqual(decision.lines, [
                "ring 2 'sales' (Sales Mobile, 40,112 users) held: ring 1 'pilot' at 62% activated (gate 80%), soaked 3 of 7 days",
            ]);
            assert.equal(decision.record.rings[1].enrolledAt, null);
        });

        it("releases the next ring once the gate passes, recording when, and keeps it released afterwards", () => {
            const released = judgeRollout(rollout, health(), record(8));
            assert.deepEqual(released.enrolledGroups, ["Lookout Pilot", "Sales Mobile"]);
            assert.deepEqual(released.lines, []);
            assert.equal(released.record.rings[1].enrolledAt, new Date(now).toISOString());
            const later = judgeRollout(rollout, health({ activated: 0, now: now + day }), released.record);
            assert.deepEqual(later.enrolledGroups, ["Lookout Pilot", "Sales Mobile"], "never un-enrolls a ring");
            assert.equal(later.record.rings[1].enrolledAt, new Date(now).toISOString());
        });

        it("holds on the share of devices the threat-level policies make non-compliant", () => {
            const strict = withRings({ maxNoncompliantShare: 0.05 }).rollout!;
            const decision = judgeRollout(strict, health({ activated: 90, noncompliant: 9 }), record(1));
            assert.deepEqual(decision.lines, [
                "ring 2 'sales' (Sales Mobile, 40,112 users) held: ring 1 'pilot' at 10% non-compliant (gate at most 5%)",
            ]);
        });

        it("holds a ring whose gate cannot be read, naming what the read needs", () => {
            const decision = judgeRollout(
                rollout,
                health({
                    activated: undefined,
                    unreadable:
                        "Lookout refused its device list (403): the application key needs the Mobile Risk API's device read",
                }),
                record(30),
            );
            assert.deepEqual(decision.enrolledGroups, ["Lookout Pilot"]);
            assert.match(
                decision.lines[0],
                /held: ring 1 'pilot' cannot be judged: Lookout refused its device list \(403\)/,
            );
        });

        it("releases a held ring on an explicit override, saying the reason", () => {
            const override = releaseOverride(rollout, {
                LOOKOUT_MTP_RELEASE_RING: "sales: CISO approved the wider rollout",
            });
            const decision = judgeRollout(rollout, health({ activated: 10 }), record(1), override);
            assert.deepEqual(decision.enrolledGroups, ["Lookout Pilot", "Sales Mobile"]);
            assert.deepEqual(decision.lines, [
                "ring 2 'sales' (Sales Mobile, 40,112 users) released by override: CISO approved the wider rollout",
            ]);
            assert.deepEqual(decision.record.override, { ring: "sales", reason: "CISO approved the wider rollout" });
        });

        it("refuses an override that names no ring, before anything is judged", () => {
            assert.throws(
                () => releaseOverride(rollout, { LOOKOUT_MTP_RELEASE_RING: "everyone: now" }),
                /^Error: LOOKOUT_MTP_RELEASE_RING='everyone: now': expected '<ring>: <reason>' naming one of pilot, sales; nothing was changed\.$/,
            );
        });
    });

    describe("reading the gate (against the emulator)", () => {
        const pilotId = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
        const salesId = "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091";
        const t = useEmulatedTenant({ eachTest: true });
        /** A pilot ring of `users` users, each with a phone listed in Lookout since three hours. */
        const tenantWithPilot = (users: number) => {
            const tenant = t.emulator.store.tenantById(t.tenantId)!;
            tenant.directory = sampleDirectory();
            tenant.directory.groups.find((g) => g.id === pilotId)!.generatedUsers = users;
            tenant.directory.groups.find((g) => g.id === salesId)!.generatedUsers = 40_112;
            const enrolled = t.emulator.now() - 3 * 3600_000;
            seedDevices(tenant, [pilotId], enrolled);
            configureIntuneConnector(
                tenant,
                { ...sampleConnectorSettings(), enrollmentGroups: ["Lookout Pilot"] },
                enrolled,
            );
        };
        const gateReads = async () => {
            t.emulator.clearRequests();
            const preflight = await runPreflight(withRings(), graphClientFor(t.graph), t.console);
            const reads = t.emulator
                .requests()
                .filter((r) => r.path === "/mra/api/v2/devices" || r.path.endsWith("$count"));
            return {
                preflight,
                reads: reads.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "{id}")}${r.query}`),
            };
        };

        it("judges a ring from counts: the same requests for 20 users as for 10,000, whatever their devices", async () => {
            tenantWithPilot(20);
            const small = await gateReads();
            tenantWithPilot(10_000);
            const large = await gateReads();
            assert.deepEqual([...large.reads].sort(), [...small.reads].sort());
            assert.deepEqual(
                large.reads.filter((r) => r.includes("/mra/")),
                [
                    "GET /mra/api/v2/devices?limit=1&state=ACTIVATED",
                    "GET /mra/api/v2/devices?limit=1&state=ACTIVATED&security_status=THREATS_MEDIUM",
                    "GET /mra/api/v2/devices?limit=1&state=ACTIVATED&security_status=THREATS_HIGH",
                ],
            );
            assert.match(
                large.preflight.rollout!.lines[0],
                /^ring 2 'sales' \(Sales Mobile, 40,11\d users\) held: (ring 1 'pilot' at \d+% activated \(gate 80%\), )?soaked 0 of 7 days$/,
            );
        });

        it("takes the time from Lookout's answers, the service's clock", async () => {
            tenantWithPilot(2);
            t.emulator.advanceClock(10 * day);
            const h = await readRolloutHealth(withRings(), {}, t.console);
            assert.ok(Math.abs(h.now - t.emulator.now()) < 5_000, "the Date header follows the emulator's clock");
        });
    });
});
