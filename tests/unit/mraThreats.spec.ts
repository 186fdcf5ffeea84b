/**
 * The emulator's Lookout threats list (`GET /mra/api/v2/threats`) against Lookout's Swagger
 * (contract/lookout/fixtures/mra.threats.list.json, from its definitions) and against its own device list: the documented keys,
 * field names and enums, newest first with a strictly lower `oid` on the next page, every threat
 * on a listed device whose verdict is its risk, and a re-rated classification re-rating its open
 * threats and their devices at once, as Lookout's policies documentation says it does.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mraDevicesQuery, mraSecurityOfRisk, mraThreatsQuery } from "../../contract/lookout/mra";
import { lookoutPaths } from "../../contract/lookout/routes";
import { managedDevices } from "../../emulator/devices";
import { enrolledPilot } from "../kit/enrolledPilot";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

interface Documented {
    response: { body: Record<string, unknown> };
    threatFields: { documented: string[]; device: string[]; enums: Record<string, string[]> };
}
const documented = JSON.parse(
    readFileSync(join(__dirname, "../../contract/lookout/fixtures/mra.threats.list.json"), "utf8"),
) as Documented;
const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
type Row = Record<string, any>;

describe("Lookout's threats list in the emulator", () => {
    const t = useEmulatedTenant({
        eachTest: true,
        prepare: enrolledPilot(60),
    });
    const get = async (query: string) => (await t.console.request("GET", query))!.body as Row;
    const devices = async () => (await get(mraDevicesQuery({ limit: 1000 }))).devices as Row[];
    const threats = async (filter: Parameters<typeof mraThreatsQuery>[0] = { limit: 1000 }) =>
        (await get(mraThreatsQuery(filter))).threats as Row[];

    it("answers the documented keys, models.Threat's field names and their enums", async () => {
        const body = await get(mraThreatsQuery({ limit: 1000 }));
        assert.deepEqual(Object.keys(body).sort(), Object.keys(documented.response.body).sort());
        assert.ok(body.threats.length > 0);
        const { threatFields } = documented;
        for (const threat of body.threats as Row[]) {
            for (const field of Object.keys(threat))
                assert.ok(threatFields.documented.includes(field), `undocumented field ${field}`);
            for (const [field, values] of Object.entries(threatFields.enums))
                assert.ok(values.includes(threat[field]), `${field}: ${threat[field]}`);
            for (const field of Object.keys(threat.device))
                assert.ok(threatFields.device.includes(field), `device.${field}`);
            assert.match(threat.oid, uuidV7);
        }
    });

    it("lists one open threat per listed device with a threat verdict, its risk the verdict", async () => {
        const listed = await devices();
        const open = await threats({ limit: 1000, status: "OPEN" });
        const byGuid = new Map(listed.map((d) => [d.guid, d]));
        for (const threat of open) {
            assert.equal(threat.device_guid, threat.device.guid);
            assert.equal(byGuid.get(threat.device_guid)?.security_status, mraSecurityOfRisk[threat.risk]);
        }
        const threatened = listed.filter((d) => d.security_status && d.security_status !== "SECURE");
        assert.deepEqual(open.map((x) => x.device_guid).sort(), threatened.map((d) => d.guid).sort());
        assert.deepEqual(await threats({ limit: 1000, status: "RESOLVED" }), []);
    });

    it("pages newest first by a strictly lower oid, count being what remains, and filters as documented", async () => {
        const all = (await threats()).map((x) => x.oid as string);
        assert.deepEqual(all, [...all].sort().reverse());
        const first = await get(mraThreatsQuery({ limit: 3 }));
        assert.equal(first.count, all.length);
        const second = await get(mraThreatsQuery({ limit: 3, beforeOid: first.threats[2].oid }));
        assert.equal(second.count, all.length - 3);
        assert.deepEqual(
            second.threats.map((x: Row) => x.oid),
            all.slice(3, 6),
        );
        const adware = await threats({ limit: 1000, classification: "ADWARE", platform: "IOS" });
        assert.ok(adware.length > 0 && adware.every((x) => x.classification === "ADWARE" && x.risk === "LOW"));
        const notAdware = await threats({ limit: 1000, classification: "!ADWARE" });
        assert.equal(notAdware.length + (await threats({ limit: 1000, classification: "ADWARE" })).length, all.length);
        const refused = await fetch(`${t.emulator.url}${mraThreatsQuery({ limit: 10 })}&risk=!LOW`, {
            headers: { authorization: `Bearer ${t.emulator.issuedTokens().at(-1)}` },
        });
        assert.equal(refused.status, 400, "risk's schema enum has no negation");
        assert.deepEqual(Object.keys((await refused.json()) as Row).sort(), ["error", "request-id"]);
    });

    it("re-rates a classification's open threats and their devices at once, Intune's compliance with them", async () => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        const before = await threats({ limit: 1000, classification: "ADWARE" });
        const verdicts = new Map((await devices()).map((d) => [d.guid, d.security_status]));
        assert.ok(before.length > 0 && before.every((x) => verdicts.get(x.device_guid) === "THREATS_LOW"));
        const intuneBefore = managedDevices(tenant, t.emulator.now()).filter(
            (d) => d.partnerReportedThreatState === "lowSeverity",
        ).length;
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { ADWARE: "high" } },
        });
        const after = await threats({ limit: 1000, classification: "ADWARE" });
        assert.deepEqual(
            after.map((x) => [x.guid, x.risk]),
            before.map((x) => [x.guid, "HIGH"]),
            "the same open threats, now high",
        );
        const now = new Map((await devices()).map((d) => [d.guid, d.security_status]));
        for (const x of after) assert.equal(now.get(x.device_guid), "THREATS_HIGH");
        const intuneAfter = managedDevices(tenant, t.emulator.now()).filter(
            (d) => d.partnerReportedThreatState === "lowSeverity",
        ).length;
        assert.equal(intuneAfter, intuneBefore - before.length);
    });
});
