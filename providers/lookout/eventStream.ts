/**
 * The client of Lookout's event stream, `GET /mra/stream/v2/events` (contract/lookout/events.ts):
 * Server-Sent Events read as the WHATWG specification frames them (`id`, `event`, `data`, `retry`,
 * comments, any line ending), with what a long-lived reader needs:
 *
 * - **Resume without counting twice.** Every reconnection asks for the events after the last one
 *   handed out (`id=`), or, before any, from the first connection's time; an event at or before the
 *   last id is dropped, however the server reads `id` (Lookout's text says both "from that id
 *   onwards" and "the last id processed"). UUIDv7 ids are time-ordered, so the comparison is textual.
 * - **Reconnection**: after a dropped connection, a `reconnect` message, a stream that went quiet
 *   (no byte for `idleTimeoutMs`, heartbeats included) or a refusal worth retrying (429 with its
 *   `Retry-After`, 5xx, no connection), waiting the server's `retry:` at first and longer after each
 *   failure in a row; `end` ends the stream. 401 renews the token (the client's, as for requests).
 * - **Bounded**: nothing is read from the socket before the consumer asks for the next item (the
 *   stream's own backpressure), and a message larger than `maxMessageBytes` is an error.
 */
import {
    eventBatchSchema,
    eventStreamQuery,
    isAfter,
    type LookoutEvent,
    sseMessages,
    type StreamEventType,
} from "../../contract/lookout/events";
import type { LookoutClient } from "./client";

/** One message as the SSE framing dispatches it. */
export interface SseMessage {
    event: string;
    data: string;
    /** The `id:` of the message, when it had one. */
    id?: string;
    /** A `retry:` it carried (ms). */
    retry?: number;
}

/**
 * The SSE parser: text in, messages out. A field-less `retry:` message is dispatched with an empty
 * `event`, so the reader learns the reconnection time.
 */
export function sseParser(maxMessageBytes = 8 * 1024 * 1024) {
    let buffer = "";
    let data: string[] = [];
    let size = 0;
    let event = "";
    let id: string | undefined;
    let retry: number | undefined;
    const reset = () => {
        data = [];
        size = 0;
        event = "";
        id = undefined;
        retry = undefined;
    };
    function line(text: string, out: SseMessage[]) {
        if (text === "") {
            if (data.length > 0 || retry !== undefined)
                out.push({ event: event || (data.length > 0 ? "message" : ""), data: data.join("\n"), id, retry });
            reset();
            return;
        }
        if (text.startsWith(":")) return;
        const colon = text.indexOf(":");
        const field = colon < 0 ? text : text.slice(0, colon);
        let value = colon < 0 ? "" : text.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "data") {
            size += value.length;
            if (size > maxMessageBytes)
                throw new Error(`Lookout's event stream sent a message over ${maxMessageBytes} bytes; stopped`);
            data.push(value);
        } else if (field === "event") event = value;
        else if (field === "id" && !value.includes("\u0000")) id = value;
        else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
    }
    return {
        /** Feeds decoded text; returns the messages it completed. */
        push(text: string): SseMessage[] {
            buffer += text;
            if (buffer.length > maxMessageBytes)
                throw new Error(`Lookout's event stream sent a line over ${maxMessageBytes} bytes; stopped`);
            const out: SseMessage[] = [];
            let start = 0;
            for (let i = 0; i < buffer.length; i++) {
                const c = buffer.charCodeAt(i);
                if (c !== 10 && c !== 13) continue;
                // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
                if (c === 13 && i === buffer.length - 1) break;
                line(buffer.slice(start, i), out);
                if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++;
                start = i + 1;
            }
            buffer = buffer.slice(start);
            return out;
        },
    };
}

/** What the stream reader hands out. */
export type StreamItem =
    /** Events after the last one handed out, in id order; `id` is the last of them. */
    | { kind: "events"; id: string; events: LookoutEvent[] }
    | { kind: "heartbeat" }
    /** A connection opened: the service's clock then (its `Date`), and how many opened before it. */
    | { kind: "connected"; date?: number; reconnections: number }
    /** A connection ended other than by `end`: why, and when the next is tried. */
    | { kind: "disconnected"; reason: string; retryInMs: number };

export interface EventStreamOptions {
    types?: readonly StreamEventType[];
    /** Resume strictly after this event id. */
    after?: string;
    /** Or start at this time (ISO 8601); neither: from now on. */
    startTime?: string;
    signal?: AbortSignal;
    /** A connection silent this long (no event, no heartbeat) is presumed dead and reopened. */
    idleTimeoutMs?: number;
    /** Failed connection attempts in a row before the reader gives up with the last error. */
    maxFailures?: number;
    /** The longest wait between attempts. */
    maxDelayMs?: number;
    maxMessageBytes?: number;
}

/** A refusal that no retry changes: a bad request, a key Lookout refuses (after the token's renewal), a missing scope. */
const fatal = (status: number | undefined) => status !== undefined && status >= 400 && status < 500 && status !== 429;

const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        }
        signal?.addEventListener("abort", done, { once: true });
    });

/** How one connection ended. */
interface Ending {
    /** `end`: the stream is over. */
    ended?: boolean;
    reason: string;
    /** A wait the server asked for (`reconnect`: none; 429: its Retry-After). */
    delay?: number;
    /** Whether the connection was opened and said anything (a heartbeat counts). */
    heard: boolean;
}

/**
 * Lookout's events, for as long as the consumer reads (or until `end`, or `signal` aborts):
 * reconnecting and resuming as the file's comment says. Throws when a connection is refused for
 * good or fails `maxFailures` times in a row.
 */
export async function* lookoutEventStream(
    client: LookoutClient,
    options: EventStreamOptions = {},
): AsyncGenerator<StreamItem, void, void> {
    const maxFailures = options.maxFailures ?? 10;
    const maxDelayMs = options.maxDelayMs ?? 60_000;
    const state: StreamState = { lastId: options.after, startTime: options.startTime, retryMs: 1_000 };
    let failures = 0;
    for (let reconnections = 0; !options.signal?.aborted; reconnections++) {
        const connection = new AbortController();
        const stop = () => connection.abort(options.signal?.reason);
        options.signal?.addEventListener("abort", stop, { once: true });
        let ending: Ending;
        try {
            ending = yield* connectOnce(client, options, state, connection, reconnections);
        } finally {
            options.signal?.removeEventListener("abort", stop);
            connection.abort();
        }
        if (ending.ended || options.signal?.aborted) return;
        failures = ending.heard ? 0 : failures + 1;
        if (failures >= maxFailures)
            throw new Error(`Lookout's event stream failed ${failures} times in a row; last: ${ending.reason}`);
        const backoff = state.retryMs * 2 ** Math.max(0, failures - 1) * (0.5 + Math.random() / 2);
        const wait = Math.round(Math.min(maxDelayMs, ending.delay ?? backoff));
        yield { kind: "disconnected", reason: ending.reason, retryInMs: wait };
        await sleep(wait, options.signal);
    }
}

/** What outlives a connection: the last event handed out, where to start before any, the server's `retry:`. */
interface StreamState {
    lastId?: string;
    startTime?: string;
    retryMs: number;
}

/** One connection: opened, read until it ends; the events handed out as they come. */
async function* connectOnce(
    client: LookoutClient,
    options: EventStreamOptions,
    state: StreamState,
    connection: AbortController,
    reconnections: number,
): AsyncGenerator<StreamItem, Ending, void> {
    const idleTimeoutMs = options.idleTimeoutMs ?? 90_000;
    let opened;
    try {
        opened = await client.openStream(
            eventStreamQuery({
                types: options.types,
                id: state.lastId,
                startTime: state.lastId ? undefined : state.startTime,
            }),
            { signal: connection.signal },
        );
    } catch (err) {
        const e = err as Error & { status?: number; retryAfterSeconds?: number };
        if (options.signal?.aborted) return { reason: "stopped", heard: false };
        if (fatal(e.status)) throw err;
        return {
            reason: e.message,
            heard: false,
            delay: e.retryAfterSeconds === undefined ? undefined : e.retryAfterSeconds * 1000,
        };
    }
    // Before any event, a reconnection starts where this first connection did (its service time).
    if (!state.lastId && !state.startTime && opened.date !== undefined)
        state.startTime = new Date(opened.date).toISOString();
    yield { kind: "connected", date: opened.date, reconnections };
    const reader = opened.body.getReader();
    const decoder = new TextDecoder("utf-8");
    const parser = sseParser(options.maxMessageBytes);
    // Built once per connection: building a zod schema costs more than the parse of a page.
    const batchSchema = eventBatchSchema();
    let heard = false;
    try {
        for (;;) {
            let idle: ReturnType<typeof setTimeout> | undefined;
            const chunk = await Promise.race([
                reader.read(),
                new Promise<"idle">((resolve) => (idle = setTimeout(() => resolve("idle"), idleTimeoutMs))),
            ]).finally(() => clearTimeout(idle));
            if (chunk === "idle") return { reason: `no event or heartbeat for ${idleTimeoutMs / 1000} s`, heard };
            if (chunk.done) return { reason: "the connection closed", heard };
            let messages: SseMessage[];
            try {
                messages = parser.push(decoder.decode(chunk.value, { stream: true }));
            } catch (err) {
                throw new Error(`Lookout's event stream: ${(err as Error).message}`, { cause: err });
            }
            for (const message of messages) {
                heard = true;
                if (message.retry !== undefined) state.retryMs = message.retry;
                if (message.event === sseMessages.end) return { ended: true, reason: "end", heard };
                if (message.event === sseMessages.reconnect)
                    return { reason: "Lookout asked to reconnect", delay: 0, heard };
                if (message.event === sseMessages.heartbeat) {
                    yield { kind: "heartbeat" };
                    continue;
                }
                if (message.event !== sseMessages.events && message.event !== sseMessages.eventsAlias) continue;
                let batch;
                try {
                    batch = batchSchema.parse(JSON.parse(message.data));
                } catch (err) {
                    throw new Error(
                        `Lookout's event stream sent an '${message.event}' message whose data is not {"events": [...]}: ${(err as Error).message.slice(0, 200)}`,
                        { cause: err },
                    );
                }
                const events = batch.events
                    .filter((e) => isAfter(e.id, state.lastId))
                    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
                if (events.length === 0) continue;
                const id = events[events.length - 1].id;
                yield { kind: "events", id, events };
                // Handed out and asked past: processed. A reconnection resumes after it.
                state.lastId = id;
            }
        }
    } catch (err) {
        if (options.signal?.aborted) return { reason: "stopped", heard };
        if ((err as Error).message.startsWith("Lookout's event stream")) throw err;
        return { reason: `the connection failed (${(err as Error).message})`, heard };
    } finally {
        await reader.cancel().catch(() => undefined);
    }
}

export interface RecentEvents {
    events: LookoutEvent[];
    /** The service's clock when the read began (its `Date`), when it said. */
    date?: number;
    /** More than `maxEvents` were there: the rest was not read. */
    truncated: boolean;
}

/**
 * The events from `startTime` (or after `after`) up to now, then stops: at the first heartbeat
 * (the service is caught up), at `end`, at an event newer than the service's clock at the start,
 * or when the stream is quiet for `quietMs`. At most `maxEvents` are read.
 */
export async function readRecentEvents(
    client: LookoutClient,
    options: Omit<EventStreamOptions, "signal"> & {
        maxEvents?: number;
        quietMs?: number;
        /** Each event as it comes, instead of keeping it: memory stays whatever the number (`maxEvents` still bounds the read). */
        onEvent?: (event: LookoutEvent) => void;
    },
): Promise<RecentEvents> {
    const maxEvents = options.maxEvents ?? 10_000;
    const abort = new AbortController();
    const events: LookoutEvent[] = [];
    let date: number | undefined;
    let truncated = false;
    let read = 0;
    const stream = lookoutEventStream(client, {
        ...options,
        idleTimeoutMs: options.quietMs ?? 5_000,
        maxFailures: options.maxFailures ?? 3,
        signal: abort.signal,
    });
    try {
        for await (const item of stream) {
            if (item.kind === "connected") {
                date ??= item.date;
                continue;
            }
            // Quiet (or dropped) with nothing more to come: what was read is all there is.
            if (item.kind === "heartbeat" || (item.kind === "disconnected" && /no event/.test(item.reason))) break;
            if (item.kind !== "events") continue;
            const upTo = date === undefined ? Infinity : date + 1000;
            for (const event of item.events) {
                const at = Date.parse(event.created_time ?? "");
                if (at > upTo) return { events, date, truncated };
                if (read >= maxEvents) {
                    truncated = true;
                    return { events, date, truncated };
                }
                read++;
                if (options.onEvent) options.onEvent(event);
                else events.push(event);
            }
        }
        return { events, date, truncated };
    } finally {
        abort.abort();
        await stream.return(undefined);
    }
}
