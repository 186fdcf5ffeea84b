/**
 * `npm run status -- --watch` in-process against the emulator (operate/status/watch.ts): the
 * snapshot, then Lookout's event stream as devices are listed, activate, disconnect and are
 * deactivated and the console changes, with the emulator's clock moved on; at the end the watch's
 * counts are those of a snapshot taken then, with or without dropped connections, and no event is
 * counted twice (the watch's events are exactly the stream's, read again independently).
 */
import assert from "node:assert/strict";
import { lookoutPaths } from "../../contract/lookout/routes";
import { seedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import type { Tenant } from "../../emulator/store";
import { graphClientFor } from "../../providers/graph/connection";
import { createLookoutClient } from "../../providers/lookout/client";
import { readRecentEvents } from "../../providers/lookout/eventStream";
import { collectStatus } from "../../operate/status/collect";
import { renderWatch, type Watch, watchStatus, type WatchChange, watchedEventTypes } from "../../operate/status/watch";
import { parsedConfig, sampleConnectorSettings, sampleDirectory, validGraphConfig } from "../kit/configFixtures";
import { type EmulatedTenant, fastRetry, useEmulatedTenant } from "../kit/lookoutEmulator";

const minute = 60_000;

function tenantOf(t: EmulatedTenant): Tenant {
    return t.emulator.store.tenantById(t.tenantId)!;
}

/** Lookout's side of a report, which the watch keeps up to date. */
const lookoutSide = (report: Watch["report"]) => ({
    groups: report.groups.map((g) => ({ name: g.displayName, lookout: g.lookout })),
    totals: report.totals!.lookout,
    outside: report.outsideEnrollmentGroups.lookout,
});

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
};

describe("the status watch (npm run status -- --watch)", function () {
    this.timeout(60_000);
    const t = useEmulatedTenant({
        eachTest: true,
        emulator: { streams: { heartbeatMs: 100, pollMs: 10, pageSize: 20, retryMs: 20 } },
        prepare: (t) => {
            const tenant = tenantOf(t);
            tenant.directory = sampleDirectory();
            const group = (name: string) => tenant.directory.groups.find((g) => g.displayName === name)!;
            group("Lookout Pilot").generatedUsers = 40;
            Object.assign(group("Sales Mobile"), { members: [], generatedUsers: 30 });
            // Enrolled by Lookout's connector but no enrollment group of the stack: devices outside every group.
            Object.assign(group("Field Mobile"), { members: [], generatedUsers: 10 });
            configureIntuneConnector(
                tenant,
                { ...sampleConnectorSettings(), enrollmentGroups: ["Lookout Pilot", "Sales Mobile", "Field Mobile"] },
                t.emulator.now() - 60 * minute,
            );
            // Enrolled now: listed in 5 minutes, activating over the 50 after; a few deactivated later.
            seedDevices(
                tenant,
                ["Lookout Pilot", "Sales Mobile", "Field Mobile"].map((name) => group(name).id),
                t.emulator.now(),
            );
            tenant.devices!.filter((_, i) => i % 17 === 4).forEach((d) => (d.deactivatesAfterMinutes = 45));
        },
    });

    const options = () => ({
        stack: "watch",
        config: parsedConfig(validGraphConfig()),
        graph: graphClientFor(t.graph),
        lookout: createLookoutClient({ baseUrl: t.emulator.url, applicationKey: t.applicationKey, retry: fastRetry }),
    });

    /** Runs the watch while `steps` move the emulator on; the watch, its changes and a snapshot taken at the end. */
    async function watchWhile(steps: (watch: Watch) => Promise<void>) {
        const abort = new AbortController();
        const changes: WatchChange[] = [];
        let snapshot: Watch | undefined;
        const done = watchStatus({
            ...options(),
            signal: abort.signal,
            stream: { idleTimeoutMs: 2000 },
            onSnapshot: (w) => (snapshot = w),
            onChange: (c) => changes.push(c),
        });
        await until("the snapshot", () => snapshot !== undefined);
        const before = structuredClone(lookoutSide(snapshot!.report));
        await steps(snapshot!);
        // Caught up when the watch's counts are a fresh snapshot's (what the device list says now).
        let expected = lookoutSide(await collectStatus(options()));
        await until("the watch to catch up", async () => {
            expected = lookoutSide(await collectStatus(options()));
            return JSON.stringify(lookoutSide(snapshot!.report)) === JSON.stringify(expected);
        });
        abort.abort();
        const watch = await done;
        return { watch, changes, before, expected };
    }

    /** The clock moved on in steps, each a moment for the stream to catch up. */
    async function rollOut(watch: Watch, between: () => void = () => undefined) {
        for (let step = 0; step < 8; step++) {
            t.emulator.advanceClock(10 * minute);
            await until("events", () => watch.tally.lastEventAt !== undefined || step < 1);
            between();
            await new Promise((resolve) => setTimeout(resolve, 60));
        }
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { SIDELOADED_APP: "low" } },
        });
        t.emulator.advanceClock(60 * minute);
    }

    it("reaches the counts of a snapshot taken at the end", async () => {
        const { watch, changes, before, expected } = await watchWhile((w) => rollOut(w));
        assert.deepEqual(lookoutSide(watch.report), expected);
        assert.equal(before.totals.total, 0, "nothing listed at the start: the devices enrolled just now");
        assert.ok(expected.totals.byState.activated > 0 && expected.totals.byState.pending > 0);
        assert.ok(expected.totals.byState.disconnected > 0 && expected.totals.byState.deactivated > 0);
        assert.ok(expected.outside > 0, "devices outside every enrollment group");
        const kinds = new Set(changes.map((c) => c.kind));
        assert.deepEqual([...kinds].sort(), ["console", "device", "threat"]);
        const activations = changes.filter(
            (c) => c.kind === "device" && c.from?.toString() === "pending" && c.to === "activated",
        );
        assert.ok(activations.length > 0);
        const [console] = changes.filter((c) => c.kind === "console");
        assert.deepEqual(console.kind === "console" && console.changes, [
            { name: "SIDELOADED_APP", from: "MEDIUM", to: "LOW" },
        ]);
        assert.match(renderWatch(watch), /Lookout Pilot .*\[#+-*\]/);
        assert.match(renderWatch(watch), /console .* CLASSIFICATION_POLICY: SIDELOADED_APP 'MEDIUM' -> 'LOW'/);
    });

    it("resumes after dropped connections without counting an event twice", async () => {
        let drops = 0;
        const { watch, expected } = await watchWhile((w) =>
            rollOut(w, () => {
                drops++;
                t.emulator.streams.dropAll();
            }),
        );
        assert.equal(drops, 8);
        assert.ok(watch.tally.reconnections >= 4, `${watch.tally.reconnections} reconnections`);
        assert.deepEqual(lookoutSide(watch.report), expected);
        // The events the watch applied are exactly the stream's since its start, each once.
        const stream = await readRecentEvents(options().lookout, {
            types: watchedEventTypes,
            startTime: watch.tally.since!,
            maxEvents: 100_000,
        });
        assert.equal(watch.tally.events, stream.events.length);
        assert.equal(watch.tally.lastEventId, stream.events.at(-1)!.id);
    });
});
