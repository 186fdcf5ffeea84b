/**
 * Lookout's event stream, `GET /mra/stream/v2/events` (contract/lookout/events.ts), as Lookout's
 * Swagger documents it: Server-Sent Events whose `event` messages carry `{"events": [...]}` and the
 * last event's id, `heartbeat`s while nothing happens, `reconnect` when the server closes a stream
 * (its token expired, or it has been open long enough) and `end` when the emulator shuts down;
 * `types`, `id`, `start_time` and `Last-Event-ID`, at most 10 days back.
 *
 * - DEVICE and THREAT events are derived from the per-device timeline of emulator/devices.ts, the
 *   one the device list is computed from: whenever the stream is read (or a setting changes), the
 *   devices as listed at the emulator's clock are compared with what the events said so far, and
 *   each step since is appended (a device listed: CREATED, PENDING; activated, disconnected,
 *   deactivated: UPDATED; no longer listed: DELETED; a threat verdict: a THREAT event). Replaying
 *   the events therefore always ends where the device list is. A step that becomes visible late (a
 *   user added to an enrollment group) is dated when it is first seen, so ids never go back in time.
 * - AUDIT events are appended by the settings routes and the console hooks (`recordAudit`), with
 *   the attribute changes of contract/lookout/events.ts's mapping and who made them.
 * - Ids are UUIDv7 of the event's time and a per-tenant sequence: time-ordered, strictly increasing.
 *
 * Bounded: events older than the horizon are dropped; a stream writes one page of events at a time
 * and waits for the socket to drain before the next, so a client that reads slowly costs a page.
 */
import type { ServerResponse } from "node:http";
import {
    eventStreamHorizonMs,
    type StreamEventType,
    streamEventTypes,
    sseMessages,
    uuidV7Time,
} from "../../contract/lookout/events";
import { deviceTimelines, type LookoutDeviceState, openThreatOf, uuidV7 } from "../devices";
import type { Reply } from "../http";
import type { EmulatedDevice, StoredAuditEvent, Tenant } from "../store";
import { MraError } from "./devices";
import { threatGuidOf } from "./threats";
import { guidOf, type LookoutActor, type LookoutSession } from "./token";

/** A DEVICE or THREAT event as the emulator keeps it: small, rendered when sent. */
interface DeviceEvent {
    id: string;
    ms: number;
    type: "DEVICE" | "THREAT";
    changeType: "CREATED" | "UPDATED" | "DELETED";
    actor: { guid: string; type: string };
    guid: string;
    device: EmulatedDevice;
    state: LookoutDeviceState;
}

/** What the events said of a device so far. */
interface Said {
    steps: number;
    state: LookoutDeviceState;
    device: EmulatedDevice;
}

interface EventLog {
    devices: DeviceEvent[];
    said: Map<string, Said>;
    /** The clock of the last comparison; steps seen later are dated no earlier. */
    materializedAt: number | undefined;
    /** The time of the last id handed out. */
    lastMs: number;
}

const logs = new WeakMap<Tenant, EventLog>();

function logOf(tenant: Tenant): EventLog {
    let log = logs.get(tenant);
    if (!log) {
        const audits = tenant.auditLog ?? [];
        log = { devices: [], said: new Map(), materializedAt: undefined, lastMs: audits.at(-1)?.at ?? 0 };
        logs.set(tenant, log);
    }
    return log;
}

/** The next id of the tenant's stream at `at` (never before the last one). */
function nextId(tenant: Tenant, log: EventLog, at: number): { id: string; ms: number } {
    const ms = Math.max(Math.floor(at), log.lastMs);
    log.lastMs = ms;
    tenant.eventSequence = (tenant.eventSequence ?? 0) + 1;
    return { id: uuidV7(ms, tenant.eventSequence), ms };
}

const isThreat = (s: LookoutDeviceState | undefined) => !!s?.security && s.security !== "SECURE";
const stateKey = (s: LookoutDeviceState) => `${s.activation}|${s.protection}|${s.security}`;

/** The connector, as the actor of what Lookout's Intune sync does. */
const connectorActor = (tenant: Tenant) => ({ guid: guidOf(`connector:${tenant.id}`), type: "SYSTEM" });

/** Who moved a device: Lookout's sync lists and drops it, the device activates, an admin deactivates it. */
function actorOfStep(tenant: Tenant, kind: string, guid: string): DeviceEvent["actor"] {
    if (kind === "activated") return { guid, type: "DEVICE" };
    if (kind === "deactivated") return { guid: guidOf(`admin:console:${tenant.id}`), type: "ADMIN" };
    return connectorActor(tenant);
}

/**
 * Appends the device steps that happened up to `now` and the events have not said yet: the
 * devices as listed at `now` (emulator/devices.ts) against what was said of each.
 */
export function materialize(tenant: Tenant, now: number): void {
    const log = logOf(tenant);
    const floor = log.materializedAt ?? -Infinity;
    const due: Array<Omit<DeviceEvent, "id" | "ms"> & { at: number }> = [];
    const push = (at: number, event: Omit<DeviceEvent, "id" | "ms">, before: LookoutDeviceState | undefined) => {
        due.push({ ...event, at: Math.max(at, floor) });
        // A verdict that is a threat, where there was none: a THREAT event beside the device's. An open
        // threat whose classification was re-rated: a THREAT event with its new severity.
        const reRated = isThreat(before) && event.state.security !== null && event.state.security !== before?.security;
        if ((isThreat(event.state) && !isThreat(before)) || reRated)
            due.push({
                ...event,
                type: "THREAT",
                changeType: reRated ? "UPDATED" : "CREATED",
                actor: reRated ? connectorActor(tenant) : { guid: event.guid, type: "DEVICE" },
                at: Math.max(at, floor),
            });
    };
    const seen = new Set<string>();
    for (const timeline of deviceTimelines(tenant)) {
        if (timeline.listedAt > now) continue;
        const { guid, device, transitions } = timeline;
        seen.add(guid);
        let steps = 0;
        while (steps < transitions.length && transitions[steps].at <= now) steps++;
        const current = transitions[steps - 1].state;
        const said = log.said.get(guid);
        if (!said || steps > said.steps) {
            for (let i = said?.steps ?? 0; i < steps; i++) {
                const step = transitions[i];
                push(
                    step.at,
                    {
                        type: "DEVICE",
                        changeType: i === 0 ? "CREATED" : "UPDATED",
                        actor: actorOfStep(tenant, step.kind, guid),
                        guid,
                        device,
                        state: step.state,
                    },
                    i === 0 ? undefined : transitions[i - 1].state,
                );
            }
        } else if (stateKey(said.state) !== stateKey(current)) {
            // The seed changed under a listed device: say where it stands now.
            push(
                now,
                { type: "DEVICE", changeType: "UPDATED", actor: connectorActor(tenant), guid, device, state: current },
                said.state,
            );
        }
        log.said.set(guid, { steps: Math.max(steps, said?.steps ?? 0), state: current, device });
    }
    for (const [guid, said] of log.said) {
        if (seen.has(guid)) continue;
        push(
            now,
            {
                type: "DEVICE",
                changeType: "DELETED",
                actor: connectorActor(tenant),
                guid,
                device: said.device,
                state: said.state,
            },
            said.state,
        );
        log.said.delete(guid);
    }
    due.sort((a, b) => a.at - b.at);
    for (const { at, ...event } of due) log.devices.push({ ...nextId(tenant, log, at), ...event });
    log.materializedAt = Math.max(now, floor);
    prune(log.devices, now);
}

/** Drops events beyond the horizon, a batch at a time (what is left beyond it is never served). */
function prune(events: Array<{ ms?: number; at?: number }>, now: number): void {
    const horizon = now - eventStreamHorizonMs;
    const stale = firstIndex(events, (e) => (e.ms ?? e.at!) >= horizon);
    if (stale >= 1024 || (stale > 0 && stale >= events.length / 4)) events.splice(0, stale);
}

/** The first index whose event passes `ok` (events are in id order, so `ok` turns true once). */
function firstIndex<T>(events: readonly T[], ok: (event: T) => boolean): number {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ok(events[mid])) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/** Audit trail entries kept per tenant at most, beside the horizon (the state file stays bounded). */
const maxAuditEvents = 10_000;

/**
 * Appends an AUDIT event for a console change at `now`, once the device steps up to then are in;
 * a change that changes no attribute is not audited.
 */
export function recordAudit(
    tenant: Tenant,
    now: number,
    audit: Omit<StoredAuditEvent, "id" | "at" | "actor"> & { actor: LookoutActor },
): void {
    if (audit.changes.length === 0) return;
    materialize(tenant, now);
    const log = logOf(tenant);
    const { id, ms } = nextId(tenant, log, now);
    const trail = (tenant.auditLog ??= []);
    trail.push({ ...audit, actor: { guid: audit.actor.guid, type: audit.actor.type }, id, at: ms });
    prune(trail, now);
    if (trail.length > maxAuditEvents) trail.splice(0, trail.length - maxAuditEvents);
    wakeStreams();
}

/** The guid of the tenant's Intune connector, the target of MDM_CONNECTOR audits. */
export const connectorGuid = (tenant: Tenant) => guidOf(`connector:${tenant.id}`);

/** Where a stream stands: after an event id, or from a time on. */
type Cursor = { after: string } | { from: number };

const platformOf = (device: EmulatedDevice) => (device.operatingSystem === "iOS" ? "IOS" : "ANDROID");
const severityOf: Record<string, string> = {
    SECURE: "NONE",
    THREATS_LOW: "LOW",
    THREATS_MEDIUM: "MEDIUM",
    THREATS_HIGH: "HIGH",
};

/** `models.Event`: a device's or a threat's change. */
function deviceEventBody(tenant: Tenant, e: DeviceEvent) {
    const common = {
        id: e.id,
        type: e.type,
        change_type: e.changeType,
        created_time: new Date(e.ms).toISOString(),
        enterprise_guid: tenant.id,
        actor: e.actor,
    };
    const info = { email: e.device.userPrincipalName };
    if (e.type === "THREAT") {
        const severity = severityOf[e.state.security!];
        // The threats list's GUID and classification (emulator/lookout/threats.ts); the severity as it stood then.
        const threatGuid = threatGuidOf(e.guid);
        const classification = openThreatOf(tenant, e.device)?.mraClassification ?? "UNKNOWN";
        return {
            ...common,
            target: { guid: threatGuid, type: "THREAT" },
            threat: {
                guid: threatGuid,
                type: "APPLICATION",
                severity,
                status: "OPEN",
                classifications: [classification],
            },
            device: { guid: e.guid, platform: platformOf(e.device), info },
        };
    }
    return {
        ...common,
        target: { guid: e.guid, type: "DEVICE" },
        device: {
            guid: e.guid,
            platform: platformOf(e.device),
            status: {
                activation_status: e.state.activation,
                ...(e.state.protection ? { protection_status: e.state.protection } : {}),
                ...(e.state.security ? { security_status: e.state.security } : {}),
            },
            info,
            hardware: { model: e.device.deviceName },
            software: { os_version: e.device.osVersion },
        },
    };
}

/** `models.Event` of type AUDIT. */
function auditEventBody(tenant: Tenant, e: StoredAuditEvent) {
    return {
        id: e.id,
        type: "AUDIT",
        change_type: e.changeType,
        created_time: new Date(e.at).toISOString(),
        enterprise_guid: tenant.id,
        actor: e.actor,
        target: e.target,
        audit: { type: e.auditType, attribute_changes: e.changes },
    };
}

/** The next events after `cursor` that the filter keeps: at most `limit`, and how far the scan got. */
function eventsAfter(tenant: Tenant, cursor: Cursor, limit: number, types: ReadonlySet<string>) {
    const devices = logOf(tenant).devices;
    const audits = tenant.auditLog ?? [];
    const past = (e: { id: string; ms?: number; at?: number }) =>
        "after" in cursor ? e.id > cursor.after : (e.ms ?? e.at!) >= cursor.from;
    let d = firstIndex(devices, past);
    let a = firstIndex(audits, past);
    const events: unknown[] = [];
    let lastScanned: string | undefined;
    let lastSent: string | undefined;
    // Skipping what the filter drops is bounded too: a page never scans more than this.
    for (let scanned = 0; events.length < limit && scanned < limit * 50; scanned++) {
        const nextDevice = devices[d];
        const nextAudit = audits[a];
        if (!nextDevice && !nextAudit) break;
        if (nextAudit && (!nextDevice || nextAudit.id < nextDevice.id)) {
            a++;
            lastScanned = nextAudit.id;
            if (types.has("AUDIT")) {
                events.push(auditEventBody(tenant, nextAudit));
                lastSent = nextAudit.id;
            }
        } else {
            d++;
            lastScanned = nextDevice.id;
            if (types.has(nextDevice.type)) {
                events.push(deviceEventBody(tenant, nextDevice));
                lastSent = nextDevice.id;
            }
        }
    }
    return { events, lastScanned, lastSent, more: d < devices.length || a < audits.length };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How the emulator's streams behave in time (wall-clock milliseconds). */
export interface StreamSettings {
    /** Events per `event` message at most. */
    pageSize: number;
    /** A heartbeat once caught up, then every so often while nothing happens. */
    heartbeatMs: number;
    /** How often a caught-up stream looks for new device steps (the clock moves on by itself). */
    pollMs: number;
    /** A stream open this long is closed with `reconnect`. */
    maxConnectionMs: number;
    /** The `retry:` the stream announces. */
    retryMs: number;
}

export const defaultStreamSettings: StreamSettings = {
    pageSize: 100,
    heartbeatMs: 15_000,
    pollMs: 100,
    maxConnectionMs: 10 * 60_000,
    retryMs: 2_000,
};

const waiters = new Set<() => void>();

/** Wakes every caught-up stream (a setting changed, the clock moved): they look for new events at once. */
export function wakeStreams(): void {
    for (const wake of [...waiters]) wake();
}

/** An open stream, for tests that look at what the emulator holds for a slow reader. */
export interface OpenStream {
    tenantId: string;
    /** Events written so far. */
    sent: number;
    /** Bytes written and not yet taken by the socket. */
    buffered(): number;
    drop(): void;
    end(): void;
}

/** The stream service of one emulator: answers the route, and keeps what it has open. */
export function createEventStreams(settings: StreamSettings, now: () => number) {
    const open = new Set<OpenStream>();

    /** The subscription's start, from `Last-Event-ID`, `id` or `start_time`, within the horizon. */
    function startOf(url: URL, lastEventId: string | undefined, at: number): Cursor {
        const horizon = at - eventStreamHorizonMs;
        const id = lastEventId ?? url.searchParams.get("id") ?? undefined;
        if (id !== undefined) {
            if (!uuid.test(id))
                throw new MraError(
                    400,
                    "VALIDATION_ERROR",
                    `${lastEventId !== undefined ? "Last-Event-ID" : "id"} must be the id of an earlier event (a UUID)`,
                );
            const time = uuidV7Time(id);
            return time !== undefined && time < horizon ? { from: horizon } : { after: id.toLowerCase() };
        }
        const start = url.searchParams.get("start_time");
        if (start !== null) {
            const time = Date.parse(start);
            if (Number.isNaN(time))
                throw new MraError(
                    400,
                    "VALIDATION_ERROR",
                    `start_time must be an ISO 8601 time, urlencoded (a '+' as %2B); got '${start}'`,
                );
            return { from: Math.max(time, horizon) };
        }
        return { from: at };
    }

    function typesOf(url: URL): Set<string> {
        const raw = url.searchParams.get("types");
        if (raw === null) return new Set(streamEventTypes);
        const types = raw.split(",").map((t) => t.trim());
        const unknown = types.filter((t) => !(streamEventTypes as readonly string[]).includes(t));
        if (unknown.length > 0 || types.length === 0)
            throw new MraError(
                400,
                "VALIDATION_ERROR",
                `types must be one or more of ${streamEventTypes.join(", ")}, comma-separated; got '${raw}'`,
            );
        return new Set(types as StreamEventType[]);
    }

    /** `GET /mra/stream/v2/events` for an authenticated call: refused up front, or a stream. */
    function subscribe(session: LookoutSession, url: URL, lastEventIdHeader: string | string[] | undefined): Reply {
        const types = typesOf(url);
        const header = Array.isArray(lastEventIdHeader) ? lastEventIdHeader[0] : lastEventIdHeader;
        const start = startOf(url, header?.trim() || undefined, now());
        return {
            status: 200,
            headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
            tenantId: session.tenant.id,
            stream: (res) => run(res, session, types, start),
        };
    }

    async function run(res: ServerResponse, session: LookoutSession, types: Set<string>, start: Cursor) {
        const { tenant } = session;
        let closed = false;
        let wake: (() => void) | undefined;
        /** The last message, then the end of the response. */
        const finish = (message: string) => {
            if (closed) return;
            closed = true;
            res.end(message);
            wake?.();
        };
        const entry: OpenStream = {
            tenantId: tenant.id,
            sent: 0,
            buffered: () => res.writableLength,
            drop: () => res.socket?.destroy(),
            end: () => finish(`event:${sseMessages.end}\ndata:{}\n\n`),
        };
        open.add(entry);
        res.on("close", () => {
            closed = true;
            wake?.();
        });
        // Backpressure: nothing more is made until the socket took what was written.
        const write = async (text: string) => {
            if (closed || res.write(text)) return;
            await new Promise<void>((resolve) => {
                const done = () => {
                    res.off("drain", done);
                    res.off("close", done);
                    resolve();
                };
                res.on("drain", done);
                res.on("close", done);
            });
        };
        try {
            const openedAt = Date.now();
            let cursor = start;
            let lastBeat: number | undefined;
            await write(`retry:${settings.retryMs}\n\n`);
            // Device steps are looked for when the stream starts and whenever it caught up, not per page of a backlog.
            let look = true;
            while (!closed) {
                const at = now();
                if (look) materialize(tenant, at);
                look = false;
                if ("after" in cursor && (uuidV7Time(cursor.after) ?? at) < at - eventStreamHorizonMs)
                    cursor = { from: at - eventStreamHorizonMs };
                const page = eventsAfter(tenant, cursor, settings.pageSize, types);
                if (page.lastScanned) cursor = { after: page.lastScanned };
                if (page.events.length > 0) {
                    entry.sent += page.events.length;
                    lastBeat = undefined;
                    await write(
                        `id:${page.lastSent}\nevent:${sseMessages.events}\ndata:${JSON.stringify({ events: page.events })}\n\n`,
                    );
                }
                if (page.more) continue;
                if (lastBeat === undefined || Date.now() - lastBeat >= settings.heartbeatMs) {
                    lastBeat = Date.now();
                    await write(`event:${sseMessages.heartbeat}\ndata:{}\n\n`);
                }
                // A token that expired, or a stream open long enough: the client reconnects from its last id.
                if (!session.valid() || Date.now() - openedAt >= settings.maxConnectionMs) {
                    finish(`event:${sseMessages.reconnect}\ndata:{}\n\n`);
                    return;
                }
                look = true;
                await new Promise<void>((resolve) => {
                    const timer = setTimeout(done, settings.pollMs);
                    function done() {
                        clearTimeout(timer);
                        waiters.delete(done);
                        wake = undefined;
                        resolve();
                    }
                    wake = done;
                    waiters.add(done);
                });
            }
        } finally {
            open.delete(entry);
        }
    }

    return {
        subscribe,
        /** The streams open now. */
        open: (): readonly OpenStream[] => [...open],
        /** Drops every open stream's connection, as a network failure would. */
        dropAll: () => [...open].forEach((s) => s.drop()),
        /** Ends every open stream with `end` (the emulator shuts down). */
        endAll: () => [...open].forEach((s) => s.end()),
    };
}

export type EventStreams = ReturnType<typeof createEventStreams>;
