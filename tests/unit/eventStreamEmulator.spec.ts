/**
 * The emulator's `GET /mra/stream/v2/events` against Lookout's Swagger (read from
 * ../shared/reference/ when present): the SSE framing (`retry`, `id` = the last event's id,
 * `event`, `data` = `{"events": [...]}`, heartbeats), the documented fields of `models.Event` and
 * its enums, the `types` filter, resume by `id`, `Last-Event-ID` and `start_time`, the 10-day
 * horizon, `reconnect` and `end`, and a reader that does not read: the emulator holds a page for it,
 * not the backlog. The stream is read raw here (its own little parser), not through the project's
 * client, so the framing is judged by the test, not by the code under test.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { eventStreamPath, eventStreamQuery } from "../../contract/lookout/events";
import { mraThreatsQuery } from "../../contract/lookout/mra";
import { lookoutPaths } from "../../contract/lookout/routes";
import { lookoutDevices, lookoutGuid, seedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import type { Tenant } from "../../emulator/store";
import { sampleConnectorSettings, sampleDirectory } from "../kit/configFixtures";
import { type EmulatedTenant, useEmulatedTenant } from "../kit/lookoutEmulator";

const swaggerFile = join(__dirname, "../../../shared/reference/lookout-mra-v2-swagger.json");
const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const hour = 3600_000;

interface Message {
    event?: string;
    id?: string;
    data?: string;
    retry?: string;
}
type Event = Record<string, any>;

/** Messages as the SSE specification frames them, from the raw text (LF line ends, as the emulator writes). */
function messagesOf(text: string): Message[] {
    return text
        .split("\n\n")
        .filter((block) => block.length > 0)
        .map((block) =>
            Object.fromEntries(
                block.split("\n").map((line) => {
                    const colon = line.indexOf(":");
                    return [line.slice(0, colon), line.slice(colon + 1)];
                }),
            ),
        );
}

function tenantOf(t: EmulatedTenant): Tenant {
    return t.emulator.store.tenantById(t.tenantId)!;
}

async function token(t: EmulatedTenant, key = t.applicationKey): Promise<string> {
    const response = await fetch(`${t.emulator.url}${lookoutPaths.token}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
    });
    return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Reads the stream until `until` says so (given the messages so far), or `ms` pass; the text read,
 * split into messages, and the answer's head.
 */
async function read(
    t: EmulatedTenant,
    query: string,
    until: (messages: Message[]) => boolean,
    options: { headers?: Record<string, string>; ms?: number } = {},
) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), options.ms ?? 5000);
    const response = await fetch(`${t.emulator.url}${query}`, {
        headers: { authorization: `Bearer ${await token(t)}`, accept: "text/event-stream", ...options.headers },
        signal: abort.signal,
    });
    let text = "";
    try {
        if (response.ok) {
            const decoder = new TextDecoder();
            const reader = response.body!.getReader();
            for (;;) {
                const chunk = await reader.read();
                if (chunk.done) break;
                text += decoder.decode(chunk.value, { stream: true });
                if (until(messagesOf(text.slice(0, text.lastIndexOf("\n\n") + 2)))) break;
            }
        } else text = await response.text();
    } catch (err) {
        if ((err as Error).name !== "AbortError") throw err;
    } finally {
        clearTimeout(timer);
        abort.abort();
    }
    const complete = text.slice(0, text.lastIndexOf("\n\n") + 2);
    return { response, text, messages: messagesOf(complete) };
}

const eventsOf = (messages: Message[]): Event[] =>
    messages.filter((m) => m.event === "event").flatMap((m) => (JSON.parse(m.data!) as { events: Event[] }).events);
const caughtUp = (messages: Message[]) => messages.some((m) => m.event === "heartbeat");

/** The devices as the events leave them: guid -> status, from CREATED/UPDATED/DELETED in order. */
function replay(events: Event[]): Map<string, Record<string, string>> {
    const devices = new Map<string, Record<string, string>>();
    for (const e of events.filter((e) => e.type === "DEVICE")) {
        if (e.change_type === "DELETED") devices.delete(e.device.guid);
        else devices.set(e.device.guid, e.device.status);
    }
    return devices;
}

/** The devices as the device list says of them at `at`: guid -> status. */
const listedDevices = (tenant: Tenant, at: number) =>
    new Map(
        lookoutDevices(tenant, at).map((v) => [
            lookoutGuid(v.device, v.oid),
            {
                activation_status: v.activation,
                ...(v.protection ? { protection_status: v.protection } : {}),
                ...(v.security ? { security_status: v.security } : {}),
            },
        ]),
    );

describe("Lookout's event stream in the emulator, against Lookout's Swagger", function () {
    const t = useEmulatedTenant({
        eachTest: true,
        emulator: { streams: { heartbeatMs: 200, pollMs: 10, pageSize: 50 } },
        prepare: (t) => {
            const tenant = tenantOf(t);
            tenant.directory = sampleDirectory();
            const pilot = tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!;
            pilot.generatedUsers = 40;
            // Enrolled 20 minutes ago: some listed and activated, some still to activate, disconnections to come.
            seedDevices(tenant, [pilot.id], t.emulator.now() - 20 * 60_000);
            configureIntuneConnector(tenant, sampleConnectorSettings(), t.emulator.now() - 3 * hour);
        },
    });
    const threeHoursAgo = () => new Date(t.emulator.now() - 3 * hour - 60_000).toISOString();

    it("frames Server-Sent Events as the Swagger shows them, with models.Event's fields and enums", async () => {
        const { response, messages } = await read(t, eventStreamQuery({ startTime: threeHoursAgo() }), caughtUp);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get("content-type"), "text/event-stream");
        assert.equal(response.headers.get("cache-control"), "no-cache");
        assert.match(messages[0].retry ?? "", /^\d+$/, "the first message announces the reconnection time");
        const batches = messages.filter((m) => m.event === "event");
        assert.ok(batches.length > 1, "a backlog of more than a page comes in several messages");
        for (const batch of batches) {
            const { events } = JSON.parse(batch.data!) as { events: Event[] };
            assert.ok(events.length >= 1 && events.length <= 50);
            assert.equal(batch.id, events[events.length - 1].id, "id: the last event's id");
        }
        assert.deepEqual(messages.at(-1), { event: "heartbeat", data: "{}" });
        const events = eventsOf(messages);
        const ids = events.map((e) => e.id as string);
        for (const id of ids) assert.match(id, uuidV7);
        assert.deepEqual(ids, [...ids].sort(), "in id order");
        assert.equal(new Set(ids).size, ids.length);
        assert.deepEqual([...new Set(events.map((e) => e.type))].sort(), ["AUDIT", "DEVICE", "THREAT"]);
        if (!existsSync(swaggerFile))
            return void console.log(`      (skipped the Swagger's fields: no ${swaggerFile})`);
        const definitions = JSON.parse(readFileSync(swaggerFile, "utf8")).definitions;
        const oneOf = (definition: string, property: string) =>
            (definitions[definition].properties[property].description as string)
                .replace(/^.*oneof=/s, "")
                .split(/\s+/)
                .filter(Boolean);
        const fields = (definition: string) => Object.keys(definitions[definition].properties);
        for (const e of events) {
            for (const key of Object.keys(e))
                assert.ok(fields("models.Event").includes(key), `models.Event has no ${key}`);
            assert.ok(oneOf("models.Event", "type").includes(e.type));
            assert.ok(oneOf("models.Event", "change_type").includes(e.change_type));
            assert.ok(oneOf("models.Actor", "type").includes(e.actor.type));
            assert.ok(oneOf("models.Target", "type").includes(e.target.type));
            assert.ok(!Number.isNaN(Date.parse(e.created_time)));
            if (e.device) {
                for (const key of Object.keys(e.device))
                    assert.ok(fields("models.DeviceChange").includes(key), `models.DeviceChange has no ${key}`);
                for (const [key, value] of Object.entries(e.device.status ?? {}))
                    assert.ok(oneOf("models.Status", key).includes(value as string), `${key} ${String(value)}`);
            }
            if (e.audit) {
                assert.ok(oneOf("models.Audit", "type").includes(e.audit.type));
                for (const change of e.audit.attribute_changes)
                    assert.deepEqual(Object.keys(change).sort(), fields("models.AttributeChange").sort());
            }
            if (e.threat) assert.ok(oneOf("models.ThreatChange", "severity").includes(e.threat.severity));
        }
    });

    it("says of each device what the device list says, now and after the clock moves on", async () => {
        const first = await read(t, eventStreamQuery({ startTime: threeHoursAgo() }), caughtUp);
        const listed = (at: number) => listedDevices(tenantOf(t), at);
        assert.deepEqual(replay(eventsOf(first.messages)), listed(t.emulator.now()));
        const states = new Set([...replay(eventsOf(first.messages)).values()].map((s) => s.activation_status));
        assert.deepEqual([...states].sort(), ["ACTIVATED", "PENDING"]);
        // A threat event for each device whose verdict is a threat.
        const threats = eventsOf(first.messages).filter((e) => e.type === "THREAT");
        const threatened = [...replay(eventsOf(first.messages)).values()].filter(
            (s) => s.security_status && s.security_status !== "SECURE",
        );
        assert.equal(threats.length, threatened.length);

        // Later: the pending devices that activate, and one disconnected, from the last id on.
        const lastId = eventsOf(first.messages).at(-1)!.id as string;
        t.emulator.advanceClock(2 * hour);
        const second = await read(t, eventStreamQuery({ id: lastId }), caughtUp);
        const later = eventsOf(second.messages);
        assert.ok(later.length > 0 && later.every((e) => e.id > lastId), "only events after the id");
        assert.deepEqual(replay([...eventsOf(first.messages), ...later]), listed(t.emulator.now()));
        assert.ok(later.some((e) => e.type === "DEVICE" && e.device.status.protection_status === "DISCONNECTED"));
    });

    it("re-rates the open threats of a re-rated classification: a THREAT event with the new severity, as the threats list says", async () => {
        t.emulator.advanceClock(2 * hour);
        const first = await read(t, eventStreamQuery({ startTime: threeHoursAgo() }), caughtUp);
        const lastId = eventsOf(first.messages).at(-1)!.id as string;
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { ADWARE: "high" } },
        });
        const after = eventsOf((await read(t, eventStreamQuery({ id: lastId }), caughtUp)).messages);
        const reRated = after.filter((e) => e.type === "THREAT");
        const listed = (
            (await t.console.request("GET", mraThreatsQuery({ limit: 1000, classification: "ADWARE" })))!.body as {
                threats: Event[];
            }
        ).threats;
        assert.ok(listed.length > 0);
        assert.deepEqual(
            reRated.map((e) => [e.change_type, e.target.guid, e.threat.severity, e.threat.classifications]).sort(),
            listed.map((x) => ["UPDATED", x.guid, "HIGH", ["ADWARE"]]).sort(),
        );
        assert.deepEqual(replay([...eventsOf(first.messages), ...after]), listedDevices(tenantOf(t), t.emulator.now()));
    });

    it("filters by types, and refuses a type the Swagger does not list", async () => {
        const audits = await read(t, eventStreamQuery({ types: ["AUDIT"], startTime: threeHoursAgo() }), caughtUp);
        assert.deepEqual([...new Set(eventsOf(audits.messages).map((e) => e.type))], ["AUDIT"]);
        const devices = await read(
            t,
            eventStreamQuery({ types: ["DEVICE", "THREAT"], startTime: threeHoursAgo() }),
            caughtUp,
        );
        assert.deepEqual([...new Set(eventsOf(devices.messages).map((e) => e.type))].sort(), ["DEVICE", "THREAT"]);
        const refused = await read(t, `${eventStreamPath}?types=DEVICE,ALERTS`, () => true);
        assert.equal(refused.response.status, 400);
        const body = JSON.parse(refused.text);
        assert.deepEqual(Object.keys(body).sort(), ["error", "request-id"]);
        assert.match(body.error, /DEVICE, THREAT, AUDIT, SMISHING_ALERT/);
        for (const bad of ["id=42", "start_time=yesterday", "start_time=2026-07-18T17:53:56.556+00:00"]) {
            const answer = await read(t, `${eventStreamPath}?${bad}`, () => true);
            assert.equal(answer.response.status, 400, bad);
        }
        const noToken = await fetch(`${t.emulator.url}${eventStreamPath}`);
        assert.equal(noToken.status, 401);
        assert.deepEqual(Object.keys(await noToken.json()).sort(), ["error", "request-id"]);
    });

    it("resumes strictly after an id, from the id query or Last-Event-ID, and starts at start_time", async () => {
        const all = eventsOf((await read(t, eventStreamQuery({ startTime: threeHoursAgo() }), caughtUp)).messages);
        const middle = all[Math.floor(all.length / 2)];
        const byQuery = eventsOf((await read(t, eventStreamQuery({ id: middle.id }), caughtUp)).messages);
        assert.deepEqual(
            byQuery.map((e) => e.id),
            all.filter((e) => e.id > middle.id).map((e) => e.id),
        );
        // The header wins over the query, as an EventSource resends the first URL with it.
        const byHeader = eventsOf(
            (
                await read(t, eventStreamQuery({ startTime: threeHoursAgo() }), caughtUp, {
                    headers: { "last-event-id": middle.id },
                })
            ).messages,
        );
        assert.deepEqual(
            byHeader.map((e) => e.id),
            byQuery.map((e) => e.id),
        );
        const from = middle.created_time as string;
        const byTime = eventsOf((await read(t, eventStreamQuery({ startTime: from }), caughtUp)).messages);
        assert.deepEqual(
            byTime.map((e) => e.id),
            all.filter((e) => e.created_time >= from).map((e) => e.id),
        );
        // Without id or start_time: from now on, so nothing of the past.
        const now = await read(t, eventStreamPath, caughtUp);
        assert.deepEqual(eventsOf(now.messages), []);
    });

    it("serves at most 10 days back, whatever id or start_time asks for", async () => {
        const first = eventsOf((await read(t, eventStreamQuery({ startTime: threeHoursAgo() }), caughtUp)).messages);
        t.emulator.advanceClock(11 * 24 * hour);
        // A change today, so the horizon holds one event of the tenant.
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { ADWARE: "high" } },
        });
        const horizon = t.emulator.now() - 10 * 24 * hour;
        for (const query of [
            eventStreamQuery({ startTime: new Date(t.emulator.now() - 20 * 24 * hour).toISOString() }),
            eventStreamQuery({ id: first[0].id }),
        ]) {
            const events = eventsOf((await read(t, query, caughtUp)).messages);
            assert.ok(events.length > 0, query);
            assert.ok(
                events.every((e) => Date.parse(e.created_time) >= horizon - 1000),
                `${query}: an event older than 10 days`,
            );
            assert.ok(events.every((e) => !first.some((f) => f.id === e.id)));
        }
    });

    it("audits console changes with the attribute changes and who made them", async () => {
        const since = new Date(t.emulator.now()).toISOString();
        const current = (await t.console.request("GET", lookoutPaths.intuneConnector))!.body as Record<string, unknown>;
        await t.console.request("PUT", lookoutPaths.intuneConnector, {
            body: { ...current, heartbeatFrequencyMinutes: 30, stateSync: { deviceStatus: false, threatStatus: true } },
        });
        await t.console.request("PUT", lookoutPaths.notificationPreferences("SecOps@contoso.example"), {
            body: { emailNotifications: false },
        });
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { SIDELOADED_APP: "low", ADWARE: "low" } },
        });
        const audits = eventsOf(
            (await read(t, eventStreamQuery({ types: ["AUDIT"], startTime: since }), caughtUp)).messages,
        );
        const admin = audits.map((e) => e.actor);
        assert.equal(new Set(admin.map((a) => a.guid)).size, 1, "one console user made them all");
        assert.deepEqual([...new Set(admin.map((a) => a.type))], ["ADMIN"]);
        assert.deepEqual(
            audits.map((e) => [e.change_type, e.audit.type, e.target.type, e.audit.attribute_changes]),
            [
                [
                    "UPDATED",
                    "MDM_CONNECTOR",
                    "CONNECTOR",
                    [
                        { name: "heartbeat_frequency", from: "60", to: "30" },
                        { name: "device_status_sync", from: "true", to: "false" },
                    ],
                ],
                [
                    "CREATED",
                    "ADMIN",
                    "ADMIN",
                    [
                        { name: "email", from: "secops@contoso.example", to: "secops@contoso.example" },
                        { name: "email_notifications", from: "", to: "false" },
                    ],
                ],
                // ADWARE's default is already low: only the classification that changed.
                [
                    "UPDATED",
                    "CLASSIFICATION_POLICY",
                    "ENTERPRISE",
                    [{ name: "SIDELOADED_APP", from: "MEDIUM", to: "LOW" }],
                ],
            ],
        );
        // The stack's own key is not a console user: audited as the key (SYSTEM), never with the key in it.
        const stack = tenantOf(t);
        const before = stack.auditLog!.length;
        const response = await fetch(`${t.emulator.url}${lookoutPaths.threatClassifications}`, {
            method: "PATCH",
            headers: { authorization: `Bearer ${await token(t)}`, "content-type": "application/json" },
            body: JSON.stringify({ riskLevels: { SIDELOADED_APP: "high" } }),
        });
        assert.equal(response.status, 200);
        const byKey = stack.auditLog!.slice(before);
        assert.equal(byKey.length, 1);
        assert.equal(byKey[0].actor.type, "SYSTEM");
        assert.ok(!JSON.stringify(byKey).includes(t.applicationKey));
    });

    it("asks the reader to reconnect when its token expires, and ends the stream when the emulator stops", async () => {
        const expiring = read(t, eventStreamPath, (m) => m.some((x) => x.event === "reconnect"), { ms: 3000 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        t.emulator.expireTokens();
        assert.ok((await expiring).messages.some((m) => m.event === "reconnect"));
        const ending = read(t, eventStreamPath, (m) => m.some((x) => x.event === "end"), { ms: 3000 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        await t.emulator.close();
        assert.ok((await ending).messages.some((m) => m.event === "end"));
    });

    it("holds a page, not the backlog, for a reader that does not read", async function () {
        this.timeout(60_000);
        const tenant = tenantOf(t);
        const pilot = tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!;
        pilot.generatedUsers = 20_000;
        tenant.devices = [];
        seedDevices(tenant, [pilot.id], t.emulator.now() - 3 * hour);
        const url = new URL(`${t.emulator.url}${eventStreamQuery({ startTime: threeHoursAgo() })}`);
        const socket = connect(Number(url.port), "127.0.0.1");
        socket.write(
            `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${await token(t)}\r\nAccept: text/event-stream\r\n\r\n`,
        );
        socket.pause();
        try {
            await new Promise((resolve) => setTimeout(resolve, 1500));
            const [stream] = t.emulator.streams.open();
            const total = tenant.devices.length * 2;
            // What the emulator holds in memory for the reader is at most a page or two; the rest of
            // what it made (a few MB) sits in the loopback socket's kernel buffers.
            assert.ok(stream.buffered() < 256 * 1024, `${stream.buffered()} bytes held`);
            assert.ok(
                stream.sent < total / 4,
                `${stream.sent} of about ${total} events made for a reader that reads nothing`,
            );
            // Reading again: everything arrives.
            let text = "";
            socket.setEncoding("utf8");
            socket.on("data", (chunk: string) => (text += chunk));
            socket.resume();
            const deadline = Date.now() + 30_000;
            while (!text.includes("event:heartbeat") && Date.now() < deadline)
                await new Promise((resolve) => setTimeout(resolve, 50));
            assert.ok(text.includes("event:heartbeat"), "caught up");
            assert.ok(stream.sent >= total, `${stream.sent} events sent`);
        } finally {
            socket.destroy();
        }
    });
});
