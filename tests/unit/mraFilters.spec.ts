/**
 * Lookout's device list as its Swagger (`GET /mra/api/v2/devices`) documents the parts that clients
 * the project did not write exercised: each documented filter selects (with the `!` prefix where
 * documented), a cursor is any UUID, a pending device leaves out what it does not have yet (the
 * Swagger types those fields as strings, never null), and the token answer says `Bearer` and
 * carries `expires_at`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mraPaths } from "../../contract/lookout/mra";
import { seedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { sampleConnectorSettings, sampleDirectory } from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

type Device = Record<string, unknown>;

describe("Lookout's device list filters and fields, as Lookout's Swagger documents them", () => {
    const t = useEmulatedTenant({
        prepare: (t) => {
            const tenant = t.emulator.store.tenantById(t.tenantId)!;
            tenant.directory = sampleDirectory();
            const pilot = tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!;
            pilot.generatedUsers = 30;
            seedDevices(tenant, [pilot.id], t.emulator.now() - 3 * 3600_000);
            configureIntuneConnector(tenant, sampleConnectorSettings(), t.emulator.now() - 3 * 3600_000);
        },
    });
    const list = async (query: string) =>
        ((await t.console.request("GET", `${mraPaths.devices}?limit=1000&${query}`))!.body as { devices: Device[] })
            .devices;
    const status = async (query: string) => {
        try {
            await t.console.request("GET", `${mraPaths.devices}?${query}`);
            return 200;
        } catch (err) {
            return Number(/\b(4\d\d)\b/.exec((err as Error).message)?.[1] ?? 0);
        }
    };

    it("filters by platform, state, protection and security status, with ! as not-equal", async () => {
        const all = await list("");
        assert.ok(all.some((d) => d.platform === "IOS") && all.some((d) => d.platform === "ANDROID"));
        assert.ok((await list("platform=IOS")).every((d) => d.platform === "IOS"));
        const pending = await list("state=PENDING");
        assert.ok(pending.length > 0 && pending.every((d) => d.activation_status === "PENDING"));
        assert.equal((await list("state=!PENDING")).length, all.length - pending.length);
        assert.ok((await list("security_status=!SECURE")).every((d) => d.security_status !== "SECURE"));
        assert.ok((await list("protection_status=PROTECTED")).every((d) => d.protection_status === "PROTECTED"));
        assert.equal((await list("group=0f0e0d0c-0b0a-4000-8000-000000000000")).length, 0);
    });

    it("matches email partially", async () => {
        const all = await list("");
        const email = String(all[0].email);
        const part = email.slice(1, 6);
        const found = await list(`email=${encodeURIComponent(part)}`);
        assert.ok(found.length > 0 && found.every((d) => String(d.email).includes(part)));
    });

    it("leaves out of a pending device what it does not have yet, never null", async () => {
        for (const device of await list("state=PENDING")) {
            for (const field of ["activated_at", "protection_status", "security_status"])
                assert.ok(!(field in device), `${field} on a pending device`);
            assert.ok(Object.values(device).every((v) => v !== null));
        }
    });

    it("takes any UUID as the cursor and refuses values the Swagger does not allow", async () => {
        assert.equal(await status("oid=00000000-0000-4000-8000-000000000000"), 200);
        assert.equal(await status("oid=not-a-uuid"), 400);
        assert.equal(await status("platform=WINDOWS"), 400);
        assert.equal(await status("state=UNKNOWN"), 400);
    });

    it("answers the token as the Swagger's Token Response says: Bearer, with expires_at", async () => {
        const response = await fetch(`${t.emulator.url}/oauth2/token`, {
            method: "POST",
            headers: {
                authorization: `Bearer ${t.applicationKey}`,
                "content-type": "application/x-www-form-urlencoded",
            },
            body: "grant_type=client_credentials",
        });
        const body = (await response.json()) as Record<string, unknown>;
        const documented = (
            JSON.parse(readFileSync(join(__dirname, "../../contract/lookout/fixtures/mra.token.json"), "utf8")) as {
                response: { body: Record<string, unknown> };
            }
        ).response.body;
        assert.deepEqual(Object.keys(body).sort(), Object.keys(documented).sort());
        assert.equal(body.token_type, documented.token_type);
        for (const key of Object.keys(documented)) assert.equal(typeof body[key], typeof documented[key], key);
        assert.ok(Math.abs((body.expires_at as number) - Date.now() - 7200_000) < 60_000, "expires_at in ms");
    });
});
