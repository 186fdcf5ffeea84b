/**
 * The project's client of Lookout's event stream (providers/lookout/eventStream.ts): the SSE framing
 * as the WHATWG specification defines it, whatever the chunking; resuming after a dropped connection
 * without handing out an event twice, whether the server resumes after the id or at it; the token
 * renewed on 401; a refusal that no retry changes ends the reader; reading "up to now" stops once
 * caught up.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eventStreamPath, type LookoutEvent } from "../../contract/lookout/events";
import { lookoutPaths } from "../../contract/lookout/routes";
import { seedDevices, uuidV7 } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { createLookoutClient } from "../../providers/lookout/client";
import { lookoutEventStream, readRecentEvents, sseParser, type StreamItem } from "../../providers/lookout/eventStream";
import { sampleConnectorSettings, sampleDirectory } from "../kit/configFixtures";
import { fastRetry, useEmulatedTenant } from "../kit/lookoutEmulator";

const hour = 3600_000;

describe("the SSE parser", () => {
    const text = [
        ": a comment\r\n",
        "retry: 3000\r\n\r\n",
        "id:0190bc7d-974b-7b64-9fa6-5b9ecca6fbc6\r\nevent:events\r\n",
        'data:{"events":\r\ndata: []}\r\n\r\n',
        "event:heartbeat\rdata:{}\r\r",
        "event: heartbeat\ndata\n\n",
        "data:no event name\n\n",
    ].join("");
    const expected = [
        { event: "", data: "", id: undefined, retry: 3000 },
        {
            event: "events",
            data: '{"events":\n[]}',
            id: "0190bc7d-974b-7b64-9fa6-5b9ecca6fbc6",
            retry: undefined,
        },
        { event: "heartbeat", data: "{}", id: undefined, retry: undefined },
        { event: "heartbeat", data: "", id: undefined, retry: undefined },
        { event: "message", data: "no event name", id: undefined, retry: undefined },
    ];

    it("reads fields, comments, multi-line data and every line ending", () => {
        assert.deepEqual(sseParser().push(text), expected);
    });

    it("gives the same messages however the text is cut into chunks", () => {
        for (let size = 1; size <= 7; size++) {
            const parser = sseParser();
            const out = [];
            for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
            assert.deepEqual(out, expected, `chunks of ${size}`);
        }
    });

    it("refuses a message larger than its bound instead of holding it", () => {
        assert.throws(() => sseParser(100).push(`data:${"x".repeat(200)}\n`), /over 100 bytes/);
    });
});

/** Collects `events` items until `enough`, with a deadline. */
async function collect(
    stream: AsyncGenerator<StreamItem>,
    enough: (events: LookoutEvent[], items: StreamItem[]) => boolean,
    ms = 10_000,
): Promise<{ events: LookoutEvent[]; items: StreamItem[] }> {
    const events: LookoutEvent[] = [];
    const items: StreamItem[] = [];
    const deadline = Date.now() + ms;
    for await (const item of stream) {
        items.push(item);
        if (item.kind === "events") events.push(...item.events);
        if (enough(events, items) || Date.now() > deadline) break;
    }
    await stream.return(undefined);
    return { events, items };
}

describe("the event stream client against the emulator", function () {
    this.timeout(30_000);
    const t = useEmulatedTenant({
        eachTest: true,
        emulator: { streams: { heartbeatMs: 200, pollMs: 10, pageSize: 10, retryMs: 20 } },
        prepare: (t) => {
            const tenant = t.emulator.store.tenantById(t.tenantId)!;
            tenant.directory = sampleDirectory();
            const pilot = tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!;
            pilot.generatedUsers = 60;
            seedDevices(tenant, [pilot.id], t.emulator.now() - 3 * hour);
            configureIntuneConnector(tenant, sampleConnectorSettings(), t.emulator.now() - 3 * hour);
        },
    });
    const client = () =>
        createLookoutClient({ baseUrl: t.emulator.url, applicationKey: t.applicationKey, retry: fastRetry });
    const since = () => new Date(t.emulator.now() - 4 * hour).toISOString();

    it("resumes after a dropped connection without handing out an event twice or missing one", async () => {
        // A backlog larger than what the sockets' buffers hold, so a drop loses what was not sent yet.
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!.generatedUsers = 8000;
        tenant.devices = [];
        seedDevices(
            tenant,
            [tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!.id],
            t.emulator.now() - 3 * hour,
        );
        const all = await readRecentEvents(client(), { startTime: since(), maxEvents: 100_000 });
        assert.ok(all.events.length > 16_000 && !all.truncated);
        let drops = 0;
        let sinceConnected = 0;
        const { events, items } = await collect(
            lookoutEventStream(client(), { startTime: since() }),
            (events, items) => {
                // Drop each of the first three connections once it handed out 100 events, the backlog unsent.
                const last = items[items.length - 1];
                if (last.kind === "connected") sinceConnected = 0;
                if (last.kind === "events") sinceConnected += last.events.length;
                if (drops < 3 && drops < items.filter((i) => i.kind === "connected").length && sinceConnected >= 100) {
                    drops++;
                    t.emulator.streams.dropAll();
                }
                return events.length >= all.events.length;
            },
        );
        assert.equal(drops, 3);
        // Each drop but perhaps the last (whose connection may have carried the rest already) reconnects, after the last id.
        assert.ok(items.filter((i) => i.kind === "connected").length >= 3, "reconnected after the drops");
        const resumed = t.emulator.requests().filter((r) => r.path === eventStreamPath && r.query.includes("id="));
        assert.ok(resumed.length >= 2 && resumed.every((r) => !r.query.includes("start_time")));
        assert.deepEqual(
            events.map((e) => e.id),
            all.events.map((e) => e.id),
        );
    });

    it("renews its token when Lookout refuses it, and reconnects when asked to", async () => {
        const lookout = client();
        const done = collect(
            lookoutEventStream(lookout, {}),
            (events) => events.some((e) => e.type === "AUDIT"),
            15_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        const tokensBefore = t.emulator.requests().filter((r) => r.path === lookoutPaths.token).length;
        // The emulator closes the stream with `reconnect`; the next connection's token is refused and renewed.
        t.emulator.expireTokens();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { ADWARE: "high" } },
        });
        const { events, items } = await done;
        assert.equal(events.filter((e) => e.type === "AUDIT").length, 1);
        assert.ok(items.some((i) => i.kind === "disconnected" && /reconnect/.test(i.reason)));
        const streamRequests = t.emulator.requests().filter((r) => r.path === eventStreamPath);
        assert.ok(
            streamRequests.some((r) => r.status === 401),
            "the expired token was refused once",
        );
        assert.ok(t.emulator.requests().filter((r) => r.path === lookoutPaths.token).length > tokensBefore);
    });

    it("stops, naming the refusal, when no retry can help", async () => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        const key = t.emulator.store.addLimitedKey(tenant, ["settings:write"]);
        const lookout = createLookoutClient({ baseUrl: t.emulator.url, applicationKey: key, retry: fastRetry });
        await assert.rejects(
            collect(lookoutEventStream(lookout, {}), () => false),
            /403 .*settings:read/,
        );
        await assert.rejects(
            collect(lookoutEventStream(client(), { startTime: "last tuesday" }), () => false),
            /400.*start_time/,
        );
    });

    it("reads up to now and stops: the console changes since a time", async () => {
        const from = new Date(t.emulator.now()).toISOString();
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { ADWARE: "high" } },
        });
        const started = Date.now();
        const recent = await readRecentEvents(client(), { types: ["AUDIT"], startTime: from });
        assert.ok(Date.now() - started < 2000, "stopped at the heartbeat, not at a timeout");
        assert.deepEqual(
            recent.events.map((e) => e.audit?.type),
            ["CLASSIFICATION_POLICY"],
        );
        assert.equal(recent.truncated, false);
    });
});

describe("the event stream client against a server that resumes at the id, not after it", () => {
    let server: Server;
    const ids = Array.from({ length: 30 }, (_, i) => uuidV7(1_780_000_000_000 + i, i + 1));
    const requested: string[] = [];
    before(async () => {
        server = createServer((req, res) => {
            if (req.url === "/oauth2/token") {
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify({ access_token: "t", token_type: "Bearer", expires_in: 7200 }));
                return;
            }
            const url = new URL(req.url ?? "/", "http://x");
            requested.push(url.search);
            const from = url.searchParams.get("id");
            // Inclusive: from the id on, the id itself included; then ten events, then the connection closes.
            const start = from === null ? 0 : ids.indexOf(from);
            const batch = ids.slice(start, start + 10);
            res.writeHead(200, { "content-type": "text/event-stream", date: new Date().toUTCString() });
            res.write("retry:10\n\n");
            res.write(
                `id:${batch.at(-1)}\nevent:events\ndata:${JSON.stringify({ events: batch.map((id) => ({ id, type: "DEVICE" })) })}\n\n`,
            );
            if (start + 10 >= ids.length) res.end("event:end\ndata:{}\n\n");
            else res.end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    after(() => server.close());

    it("drops the events it already handed out", async () => {
        const lookout = createLookoutClient({
            baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            applicationKey: "lk_test",
            retry: fastRetry,
        });
        const { events } = await collect(
            lookoutEventStream(lookout, { startTime: "2026-01-01T00:00:00Z" }),
            () => false,
        );
        assert.deepEqual(
            events.map((e) => e.id),
            ids,
        );
        assert.equal(requested.length, 4, "three drops, then the stream's end");
        assert.match(requested[1], new RegExp(`id=${ids[9]}`));
    });
});
