/**
 * The emulator's Lookout device list against Lookout's own documentation of it
 * (contract/lookout/fixtures/mra.devices.list.json, from Lookout's Mobile Risk API v2 Swagger):
 * the documented keys and field names only, the documented enum values, UUIDv7 `oid`s listed
 * newest first, a next page holding the devices with a strictly lower `oid`, and v2's error shape.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mraDevicesQuery } from "../../contract/lookout/mra";
import { seedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { sampleConnectorSettings, sampleDirectory } from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

interface Documented {
    response: { body: { count: number; devices: Array<Record<string, unknown>> } };
    deviceFields: { documented: string[]; enums: Record<string, string[]> };
}
const documented = JSON.parse(
    readFileSync(join(__dirname, "../../contract/lookout/fixtures/mra.devices.list.json"), "utf8"),
) as Documented;
const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("Lookout's device list in the emulator, against Lookout's Swagger", () => {
    const t = useEmulatedTenant({
        prepare: (t) => {
            const tenant = t.emulator.store.tenantById(t.tenantId)!;
            tenant.directory = sampleDirectory();
            tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!.generatedUsers = 30;
            seedDevices(
                tenant,
                [tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!.id],
                t.emulator.now() - 3 * 3600_000,
            );
            configureIntuneConnector(tenant, sampleConnectorSettings(), t.emulator.now() - 3 * 3600_000);
        },
    });
    const page = async (query: string) =>
        (await t.console.request("GET", query))!.body as Documented["response"]["body"];

    it("answers the documented keys, field names and enum values", async () => {
        const body = await page(mraDevicesQuery({ limit: 1000 }));
        assert.deepEqual(Object.keys(body).sort(), Object.keys(documented.response.body).sort());
        assert.equal(body.devices.length, 32);
        for (const device of body.devices) {
            for (const field of Object.keys(device))
                assert.ok(documented.deviceFields.documented.includes(field), `undocumented field ${field}`);
            for (const [field, values] of Object.entries(documented.deviceFields.enums)) {
                if (device[field] != null)
                    assert.ok(values.includes(device[field] as string), `${field}: ${String(device[field])}`);
            }
            assert.match(device.oid as string, uuidV7);
        }
        assert.ok(
            body.devices.some((d) => d.activation_status === "PENDING") &&
                body.devices.some((d) => d.activation_status === "ACTIVATED"),
        );
    });

    it("lists newest first and pages by a strictly lower oid, count being what remains", async () => {
        const all = (await page(mraDevicesQuery({ limit: 1000 }))).devices.map((d) => d.oid as string);
        assert.deepEqual(all, [...all].sort().reverse());
        const first = await page(mraDevicesQuery({ limit: 10 }));
        assert.equal(first.count, 32);
        const second = await page(mraDevicesQuery({ limit: 10, beforeOid: first.devices[9].oid as string }));
        assert.equal(second.count, 22);
        assert.deepEqual(
            second.devices.map((d) => d.oid),
            all.slice(10, 20),
        );
    });

    it("answers a bad parameter in v2's error shape, {error, request-id}", async () => {
        const response = await fetch(`${t.emulator.url}${mraDevicesQuery({ limit: 5000 })}`, {
            headers: { authorization: `Bearer ${t.emulator.issuedTokens().at(-1)}` },
        });
        assert.equal(response.status, 400);
        const body = (await response.json()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ["error", "request-id"]);
    });
});
