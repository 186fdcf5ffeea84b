/**
 * `--only watch`: `npm run status -- --watch` (operate/status/watch.ts) against the emulator's event
 * stream, in this process (the emulator's stream with its default timings: pages of 100, a 100 ms
 * look for new device steps once caught up):
 *
 * - **throughput**: how many events a second the watch applies when Lookout has a backlog for it
 *   (10,000 devices' listing, activation, threat and disconnection events from the last day);
 * - **lag**: 1,000 devices activating within one real minute, each activation's event applied by
 *   the watch how long after the emulator's clock reached it (target: at most 1 s behind).
 */
import { devDirectory } from "../../emulator/devTenant";
import { seedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { parseStackConfig } from "../../config/stackConfig";
import { graphClientFor } from "../../providers/graph/connection";
import { createLookoutClient } from "../../providers/lookout/client";
import { readRecentEvents } from "../../providers/lookout/eventStream";
import { watchedEventTypes, watchStatus, type WatchChange } from "../../operate/status/watch";
import { asRawConfig, validGraphConfig } from "../../tests/kit/configFixtures";
import { type EmulatedTenant, startEmulatedTenant } from "../../tests/kit/lookoutEmulator";
import { type Bench, log } from "./bench";
import { fmt, summarize } from "./stats";

const minute = 60_000;

/** A tenant whose Lookout lists the dev directory's pilot group, with `users` generated users in it. */
async function watchTenant(users: number): Promise<{ tnt: EmulatedTenant; pilotId: string }> {
    const tnt = await startEmulatedTenant();
    const tenant = tnt.emulator.store.tenantById(tnt.tenantId)!;
    tenant.directory = devDirectory();
    const pilot = tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!;
    pilot.generatedUsers = users;
    configureIntuneConnector(
        tenant,
        {
            heartbeatFrequencyMinutes: 60,
            enrollmentGroups: ["Lookout Pilot", "Sales Mobile"],
            newDeviceCheckIntervalMinutes: 5,
            disconnectedDeviceThresholdDays: null,
            stateSync: { deviceStatus: true, threatStatus: true },
            errorReportEmail: "sec@contoso.example",
        },
        tnt.emulator.now() - 48 * 60 * minute,
    );
    return { tnt, pilotId: pilot.id };
}

function watchOptions(tnt: EmulatedTenant) {
    const parsed = parseStackConfig(asRawConfig(validGraphConfig()), () => true);
    if (!parsed.ok) throw new Error(parsed.errors.join("; "));
    return {
        stack: "bench-watch",
        config: parsed.config,
        graph: graphClientFor(tnt.graph),
        lookout: createLookoutClient({ ...tnt.connection, applicationKey: tnt.applicationKey }),
    };
}

/** The backlog from the watch's start: the events a watch started a day ago applies as fast as it can. */
async function measureThroughput(bench: Bench): Promise<void> {
    const { tnt, pilotId } = await watchTenant(10_000);
    const tenant = tnt.emulator.store.tenantById(tnt.tenantId)!;
    seedDevices(tenant, [pilotId], tnt.emulator.now() - 24 * 60 * minute);
    const since = new Date(tnt.emulator.now() - 25 * 60 * minute).toISOString();
    const backlog = await readRecentEvents(watchOptions(tnt).lookout, {
        types: watchedEventTypes,
        startTime: since,
        maxEvents: 1_000_000,
    });
    const total = backlog.events.length;
    const rates: number[] = [];
    for (let run = 0; run < Math.max(3, Math.min(bench.runs, 5)); run++) {
        const abort = new AbortController();
        let started = 0;
        let applied = 0;
        const done = new Promise<void>((resolve) => {
            void watchStatus({
                ...watchOptions(tnt),
                // The stream from a day back: the whole backlog comes through it.
                startTime: since,
                signal: abort.signal,
                onSnapshot: () => {
                    started = performance.now();
                },
                onQuiet: (w) => {
                    applied = w.tally.events;
                    if (applied >= total) resolve();
                },
            }).catch(() => resolve());
        });
        await done;
        const seconds = (performance.now() - started) / 1000;
        abort.abort();
        rates.push(applied / seconds);
    }
    const sample = summarize(rates);
    bench.results.watchThroughput = { events: total, devices: tenant.devices!.length, eventsPerSecond: sample };
    bench.table.push([
        `watch: events applied per second, backlog of ${total.toLocaleString("en-US")} events`,
        fmt(sample, 0),
        `${tenant.devices!.length.toLocaleString("en-US")} devices; emulator and watch in one process`,
    ]);
    await tnt.emulator.close();
}

/** 1,000 devices listed now, activating one every 60 ms: how far behind the emulator's clock the watch applies each activation. */
async function measureLag(bench: Bench): Promise<void> {
    const { tnt, pilotId } = await watchTenant(1_000);
    const tenant = tnt.emulator.store.tenantById(tnt.tenantId)!;
    // Enrolled a check interval ago: Lookout lists them now; the i-th opens the app i * 60 ms later.
    const devices = seedDevices(tenant, [pilotId], tnt.emulator.now() - 5 * minute);
    devices.forEach((d, i) =>
        Object.assign(d, { activatesAfterMinutes: (i * 60) / 1000 / 60, disconnectsAfterMinutes: null }),
    );
    const lags: number[] = [];
    const abort = new AbortController();
    const watching = watchStatus({
        ...watchOptions(tnt),
        signal: abort.signal,
        onChange: (change: WatchChange) => {
            if (change.kind === "device" && change.to === "activated")
                lags.push((tnt.emulator.now() - Date.parse(change.at)) / 1000);
        },
    });
    const deadline = Date.now() + 3 * minute;
    while (lags.length < devices.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    abort.abort();
    await watching;
    const sorted = [...lags].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    bench.results.watchLag = {
        devices: devices.length,
        activationsSeen: lags.length,
        seconds: { median: p(0.5), p95: p(0.95), max: sorted.at(-1) },
    };
    bench.table.push([
        `watch: lag behind 1,000 devices activating within a minute`,
        `${p(0.5).toFixed(2)} median, ${p(0.95).toFixed(2)} p95, ${(sorted.at(-1) ?? NaN).toFixed(2)} max`,
        `${lags.length} of ${devices.length} activations seen; target: at most 1 s behind`,
    ]);
    await tnt.emulator.close();
}

export async function watch(bench: Bench): Promise<void> {
    log("watch: events per second the status watch applies, and its lag behind 1,000 activations in a minute");
    await measureThroughput(bench);
    await measureLag(bench);
}
