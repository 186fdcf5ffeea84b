/**
 * `npm run status -- --watch`: the enrollment status report once, then kept up to date from
 * Lookout's event stream (providers/lookout/eventStream.ts) as devices are listed, activate,
 * disconnect, are deactivated or report a threat, and as the console changes.
 *
 * - **Counted once.** A DEVICE event carries the device's whole status, so applying it sets where
 *   the device stands rather than adding to a count: an event read twice (the stream starts at the
 *   device list's time, which the list may already reflect) changes nothing, and the stream client
 *   never hands out an event twice after a reconnection.
 * - **Bounded**: one small record per device Lookout lists, whatever the number of events; the
 *   console changes shown are the last few.
 * - Intune's side (managed devices, compliance) is as the snapshot read it: the stream is Lookout's.
 */
import { type LookoutEvent, type StreamEventType } from "../../contract/lookout/events";
import { type EventStreamOptions, lookoutEventStream } from "../../providers/lookout/eventStream";
import { type CollectOptions, collectStatusReads, deviceState, securityOf, type StatusReads } from "./collect";
import {
    type GroupStatus,
    type LookoutDeviceState,
    lookoutDeviceStates,
    type LookoutSecurityStatus,
    lookoutSecurityStatuses,
    type StatusReport,
} from "./report";
import { clean } from "./table";

type LookoutCounts = GroupStatus["lookout"];

/** One change the watch applied, as `--json` prints it (one line each). */
export type WatchChange =
    | {
          kind: "device";
          at: string;
          id: string;
          device: string;
          email: string | null;
          /** null: the device was not listed before (or is not any more). */
          from: LookoutDeviceState | null;
          to: LookoutDeviceState | null;
          security: LookoutSecurityStatus | null;
          groups: string[];
          /** The Lookout counts of the groups it concerns, after the change. */
          counts: Record<string, LookoutCounts>;
      }
    | { kind: "threat"; at: string; id: string; device: string | null; email: string | null; severity: string }
    | {
          kind: "console";
          at: string;
          id: string;
          actor: string;
          audit: string;
          changes: Array<{ name: string; from: string; to: string }>;
      };

/** What the watch read so far: events by type, connections, the last event. */
export interface WatchTally {
    /** Where the stream started (ISO): the device list's time. */
    since?: string;
    events: number;
    byType: Record<string, number>;
    /** Changes applied (an event that changed nothing, read again, is not one). */
    changes: number;
    reconnections: number;
    lastEventAt?: string;
    lastEventId?: string;
    /** The service's clock minus this machine's, from the last connection's `Date`. */
    clockOffsetMs: number;
}

interface Seen {
    groups: readonly number[];
    state: LookoutDeviceState;
    security: LookoutSecurityStatus;
}

/** The report kept up to date, event by event. */
export interface Watch {
    report: StatusReport;
    tally: WatchTally;
    /** The last few console changes, newest last. */
    console: Array<Extract<WatchChange, { kind: "console" }>>;
    /** Devices Lookout lists now, as the watch knows them. */
    devices(): number;
    apply(event: LookoutEvent): WatchChange | undefined;
}

const shownConsoleChanges = 5;

/** The watch over a snapshot's reads; the report in `reads` is updated in place. */
export function createWatch(reads: StatusReads): Watch {
    const report = reads.report;
    const totals = report.totals!;
    const devices = new Map<string, Seen>();
    const groupsOf = (email: string | null | undefined) => [
        ...(reads.groupsOfAddress.get((email ?? "").toLowerCase()) ?? []),
    ];
    const add = (into: LookoutCounts, seen: Seen, sign: 1 | -1) => {
        into.total += sign;
        into.byState[seen.state] += sign;
        into.bySecurity[seen.security] += sign;
    };
    const count = (seen: Seen, sign: 1 | -1) => {
        if (seen.groups.length === 0) report.outsideEnrollmentGroups.lookout += sign;
        else add(totals.lookout, seen, sign);
        for (const i of seen.groups) add(report.groups[i].lookout, seen, sign);
    };
    for (const d of reads.lookoutDevices)
        devices.set(d.guid, { groups: groupsOf(d.email), state: deviceState(d), security: securityOf(d) });
    const tally: WatchTally = { events: 0, byType: {}, changes: 0, reconnections: 0, clockOffsetMs: 0 };
    const consoleChanges: Watch["console"] = [];

    function apply(event: LookoutEvent): WatchChange | undefined {
        tally.events++;
        tally.byType[event.type] = (tally.byType[event.type] ?? 0) + 1;
        tally.lastEventAt = event.created_time ?? tally.lastEventAt;
        // An event from the service's future says its clock is at least that far ahead of ours.
        const at = Date.parse(event.created_time ?? "");
        if (Number.isFinite(at)) tally.clockOffsetMs = Math.max(tally.clockOffsetMs, at - Date.now());
        tally.lastEventId = event.id;
        const change = changeOf(event, event.created_time ?? "");
        if (change) tally.changes++;
        return change;
    }

    function changeOf(event: LookoutEvent, at: string): WatchChange | undefined {
        if (event.type === "DEVICE") {
            const guid = event.device?.guid ?? event.target?.guid;
            if (!guid) return undefined;
            const before = devices.get(guid);
            const email = event.device?.info?.email ?? null;
            const status = event.device?.status ?? {};
            const after: Seen | undefined =
                event.change_type === "DELETED" || event.change_type === "PURGED"
                    ? undefined
                    : {
                          groups: before?.groups ?? groupsOf(email),
                          state: deviceState(status),
                          security: securityOf(status),
                      };
            if (before && after && before.state === after.state && before.security === after.security) return;
            if (!before && !after) return undefined;
            if (before) count(before, -1);
            if (after) {
                count(after, 1);
                devices.set(guid, after);
            } else devices.delete(guid);
            const groups = (after ?? before)!.groups;
            return {
                kind: "device",
                at,
                id: event.id,
                device: guid,
                email,
                from: before?.state ?? null,
                to: after?.state ?? null,
                security: after?.security ?? null,
                groups: groups.map((i) => report.groups[i].displayName),
                counts: Object.fromEntries(
                    groups.map((i) => [report.groups[i].displayName, structuredClone(report.groups[i].lookout)]),
                ),
            };
        }
        if (event.type === "THREAT") {
            return {
                kind: "threat",
                at,
                id: event.id,
                device: event.device?.guid ?? event.actor?.guid ?? null,
                email: event.device?.info?.email ?? null,
                severity: event.threat?.severity ?? "unknown",
            };
        }
        if (event.type === "AUDIT") {
            const change: Extract<WatchChange, { kind: "console" }> = {
                kind: "console",
                at,
                id: event.id,
                actor: `${event.actor?.type ?? "unknown"} ${event.actor?.guid ?? ""}`.trim(),
                audit: event.audit?.type ?? "unknown",
                changes: (event.audit?.attribute_changes ?? []).map((c) => ({
                    name: c.name,
                    from: c.from ?? "",
                    to: c.to ?? "",
                })),
            };
            consoleChanges.push(change);
            if (consoleChanges.length > shownConsoleChanges) consoleChanges.shift();
            return change;
        }
        return undefined;
    }

    return { report, tally, console: consoleChanges, devices: () => devices.size, apply };
}

export interface WatchOptions extends CollectOptions {
    /** Stops the watch (Ctrl-C). */
    signal: AbortSignal;
    onSnapshot?(watch: Watch): void;
    onChange?(change: WatchChange, watch: Watch): void;
    /** A connection opened (`reconnections` > 0: after a drop) or ended. */
    onConnection?(line: string, watch: Watch): void;
    /** After each batch of events and each heartbeat: a moment to redraw. */
    onQuiet?(watch: Watch): void;
    /** The stream reader's settings (tests shorten its timeouts). */
    stream?: Omit<EventStreamOptions, "signal" | "types" | "after" | "startTime">;
    /** Start the stream here (ISO) instead of at the device list's time: what came since is applied again. */
    startTime?: string;
}

/** The event types the watch reads. */
export const watchedEventTypes: readonly StreamEventType[] = ["DEVICE", "THREAT", "AUDIT"];

/**
 * Takes the snapshot, then applies the stream's events from the device list's time on, until
 * `signal` aborts; resolves to the watch as it ends.
 */
export async function watchStatus(options: WatchOptions): Promise<Watch> {
    const reads = await collectStatusReads(options);
    const watch = createWatch(reads);
    options.onSnapshot?.(watch);
    // The device list's time, whole seconds (the `Date` header's): an event the list already holds is applied again, harmlessly.
    const start = options.startTime
        ? Date.parse(options.startTime)
        : (reads.lookoutReadAt ?? options.now?.() ?? Date.now());
    watch.tally.since = new Date(start).toISOString();
    const stream = lookoutEventStream(options.lookout, {
        ...options.stream,
        types: watchedEventTypes,
        startTime: new Date(start).toISOString(),
        signal: options.signal,
    });
    for await (const item of stream) {
        if (item.kind === "connected") {
            if (item.date !== undefined) watch.tally.clockOffsetMs = item.date - Date.now();
            if (item.reconnections > 0) {
                watch.tally.reconnections++;
                options.onConnection?.(
                    `reconnected (${item.reconnections}), resuming after ${watch.tally.lastEventId ?? "the start"}`,
                    watch,
                );
            }
        } else if (item.kind === "disconnected") {
            options.onConnection?.(`disconnected: ${item.reason}; retrying in ${item.retryInMs} ms`, watch);
        } else if (item.kind === "events") {
            for (const event of item.events) {
                const change = watch.apply(event);
                if (change) options.onChange?.(change, watch);
            }
        }
        options.onQuiet?.(watch);
    }
    return watch;
}

const n = (count: number) => count.toLocaleString("en-US");

/** A bar of `width` cells, filled in proportion. */
export function progressBar(part: number, whole: number, width = 24): string {
    const filled = whole > 0 ? Math.round((Math.min(part, whole) / whole) * width) : 0;
    return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

const securityHeadings: Record<Exclude<LookoutSecurityStatus, "unknown">, string> = {
    secure: "secure",
    threatLow: "low",
    threatMedium: "med",
    threatHigh: "high",
};

/** The live part of the watch, a few lines that fit 120 columns: per group its activation and security, then the rest. */
export function renderWatch(watch: Watch, now = Date.now()): string {
    const { report, tally } = watch;
    const width = Math.min(28, Math.max(12, ...report.groups.map((g) => Array.from(clean(g.displayName)).length)));
    const name = (text: string) => {
        const chars = Array.from(clean(text));
        return (chars.length > width ? chars.slice(0, width - 1).join("") + "…" : chars.join("")).padEnd(width);
    };
    const num = (value: number, w: number) => n(value).padStart(w);
    const counts = (users: number, c: LookoutCounts) => {
        const activated = c.byState.activated;
        const share = c.total > 0 ? Math.round((activated / c.total) * 100) : 0;
        return [
            num(users, 6),
            `  ${progressBar(activated, c.total)} ${String(share).padStart(3)}% of ${n(c.total).padEnd(6)}`,
            ...lookoutDeviceStates.map((s) => num(c.byState[s], 5)),
            " ",
            ...lookoutSecurityStatuses.filter((s) => s !== "unknown").map((s) => num(c.bySecurity[s], 6)),
        ].join(" ");
    };
    const behind = tally.lastEventAt
        ? Math.max(0, (now + tally.clockOffsetMs - Date.parse(tally.lastEventAt)) / 1000)
        : undefined;
    const types = Object.entries(tally.byType)
        .map(([type, count]) => `${n(count)} ${type.toLowerCase()}`)
        .join(", ");
    const lines = [
        `watching ${clean(report.stack)}: ${n(tally.events)} events${types ? ` (${types})` : ""}, ${n(tally.reconnections)} reconnections` +
            (behind === undefined ? "" : `, last event ${behind < 10 ? behind.toFixed(1) : Math.round(behind)} s ago`),
        [
            "group".padEnd(width),
            "users".padStart(6),
            `  ${"activated".padEnd(26)} ${"".padEnd(11)}`,
            ...lookoutDeviceStates.map((s) =>
                ({ pending: "pend", activated: "activ", disconnected: "disc", deactivated: "deact" })[s].padStart(5),
            ),
            " ",
            ...Object.values(securityHeadings).map((h) => h.padStart(6)),
        ].join(" "),
        ...report.groups.map((g) => `${name(g.displayName)} ${counts(g.users, g.lookout)}`),
        `${"Total".padEnd(width)} ${counts(report.totals!.users, report.totals!.lookout)}`,
        `outside every enrollment group: ${n(report.outsideEnrollmentGroups.lookout)} devices in Lookout`,
    ];
    for (const c of watch.console)
        lines.push(
            `console ${c.at.replace(/\.\d+Z$/, "Z")} ${clean(c.actor)} ${clean(c.audit)}: ${c.changes
                .map((x) => `${clean(x.name)} '${clean(x.from)}' -> '${clean(x.to)}'`)
                .join(", ")}`,
        );
    return lines.map((l) => l.trimEnd()).join("\n") + "\n";
}

/** What Ctrl-C prints: how long, how many events, and where the counts stand. */
export function renderSummary(watch: Watch, startedAt: number, now = Date.now()): string {
    const seconds = Math.round((now - startedAt) / 1000);
    const duration = seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
    return (
        `\nwatched ${duration}: ${n(watch.tally.events)} events, ${n(watch.tally.changes)} changes applied, ${n(watch.tally.reconnections)} reconnections` +
        `${watch.tally.lastEventId ? `; last event ${watch.tally.lastEventId}` : ""}\n\n${renderWatch(watch, now)}` +
        `(Intune's devices and compliance as the snapshot at ${watch.report.generatedAt} read them.)\n`
    );
}
