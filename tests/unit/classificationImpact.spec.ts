/**
 * What a re-rated threat classification does, previewed (components/classificationImpact): the
 * judgement from what Lookout's lists say, and the reads against the emulated tenant, bounded
 * whatever the number of devices, a refused read skipped with a line.
 */
import assert from "node:assert/strict";
import { mraThreatsQuery } from "../../contract/lookout/mra";
import { clientFor } from "../../providers/lookout/connection";
import type { LookoutClient } from "../../providers/lookout/client";
import { runPreflight } from "../../components/onboarding/preflight";
import { assessClassificationImpact } from "../../components/classificationImpact";
import { judge, type ReRatedDevice } from "../../components/classificationImpact/judge";
import { graphClientFor } from "../../providers/graph/connection";
import { parsedConfig, validGraphConfig } from "../kit/configFixtures";
import { enrolledPilot } from "../kit/enrolledPilot";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

const policies = [
    { platform: "androidWorkProfile" as const, requiredSecurityLevel: "medium" },
    { platform: "androidDeviceAdministrator" as const, requiredSecurityLevel: "high" },
    { platform: "ios" as const, requiredSecurityLevel: "low" },
];
const device = (guid: string, platform: "IOS" | "ANDROID", from: string, to: string, verdict?: string) =>
    ({ guid, platform, threats: [{ classification: "RISKWARE", from, to }], verdict }) as ReRatedDevice;

describe("a re-rated classification's impact, judged", () => {
    it("counts a raised threat's devices that turn non-compliant at their platform's level", () => {
        const judged = judge(
            [
                device("a", "IOS", "LOW", "MEDIUM"),
                device("b", "ANDROID", "LOW", "MEDIUM"),
                device("c", "ANDROID", "LOW", "HIGH"),
            ],
            policies,
        );
        assert.deepEqual(
            judged.changed.map((d) => [d.guid, d.from, d.to]),
            [
                ["a", "THREATS_LOW", "THREATS_MEDIUM"],
                ["b", "THREATS_LOW", "THREATS_MEDIUM"],
                ["c", "THREATS_LOW", "THREATS_HIGH"],
            ],
        );
        // Android answers to its strictest declared policy (medium): medium stays compliant, high does not.
        assert.deepEqual(
            judged.noncompliant.map((d) => [d.guid, d.required]),
            [
                ["a", "low"],
                ["c", "medium"],
            ],
        );
    });

    it("keeps a device another open threat holds above the re-rated one, and says a lowered one may drop", () => {
        const judged = judge(
            [
                device("held", "IOS", "LOW", "MEDIUM", "THREATS_HIGH"),
                device("lowered", "IOS", "HIGH", "LOW"),
                device("lowered-held", "IOS", "LOW", "NONE", "THREATS_MEDIUM"),
            ],
            policies,
        );
        assert.deepEqual(judged.changed, []);
        assert.deepEqual(judged.noncompliant, []);
        assert.equal(judged.mayDrop, 1);
    });

    it("judges nothing non-compliant without declared compliance policies", () => {
        const judged = judge([device("a", "IOS", "LOW", "HIGH")], []);
        assert.equal(judged.changed.length, 1);
        assert.deepEqual(judged.noncompliant, []);
    });
});

describe("a re-rated classification's impact, paged", () => {
    /** A Lookout answering `total` open LOW threats on iOS, newest first by oid, and no device at a higher verdict. */
    function fakeLookout(total: number) {
        const asked: string[] = [];
        const oid = (i: number) => `0190bc71-0000-7000-8000-${String(total - i).padStart(12, "0")}`;
        const client = {
            request: async (_method: string, path: string) => {
                asked.push(path);
                const url = new URL(path, "http://lookout.test");
                const before = url.searchParams.get("oid");
                if (url.pathname.endsWith("/devices")) return { status: 200, body: { count: 0, devices: [] } };
                const all = url.searchParams.get("platform") === "IOS" ? total : 0;
                const rest = Array.from({ length: all }, (_, i) => i).filter((i) => before === null || oid(i) < before);
                const page = rest.slice(0, Number(url.searchParams.get("limit"))).map((i) => ({
                    guid: `t${i}`,
                    oid: oid(i),
                    device_guid: `d${i}`,
                    risk: "LOW",
                    classification: "ADWARE",
                    status: "OPEN",
                }));
                return { status: 200, body: { count: rest.length, threats: page } };
            },
        };
        return { client: client as unknown as LookoutClient, asked };
    }
    const config = () =>
        parsedConfig({ ...validGraphConfig(), "lookout-mtp:threatClassifications": { ADWARE: "high" } });

    it("follows the oid cursor to the last page", async () => {
        const { client, asked } = fakeLookout(2_500);
        const impact = await assessClassificationImpact(config(), { ADWARE: "low" }, client);
        const ios = asked.filter((p) => p.includes("/threats") && p.includes("platform=IOS"));
        assert.equal(ios.length, 3);
        assert.match(impact.warnings[0], /^re-rating ADWARE low → high: 2,500 devices of enrolled users/);
    });

    it("reads at most 20 pages a list, and then says 'at least'", async () => {
        const { client, asked } = fakeLookout(25_000);
        const impact = await assessClassificationImpact(config(), { ADWARE: "low" }, client);
        assert.equal(asked.filter((p) => p.includes("/threats") && p.includes("platform=IOS")).length, 20);
        assert.match(impact.warnings[0], /^re-rating ADWARE low → high: at least 20,000 devices/);
        assert.match(impact.warnings[0], /at least 20,000 devices become non-compliant/);
    });
});

describe("a re-rated classification's impact, read from Lookout", () => {
    const t = useEmulatedTenant({
        eachTest: true,
        prepare: enrolledPilot(200),
    });
    const withLevels = (levels: Record<string, string>) =>
        parsedConfig({ ...validGraphConfig(), "lookout-mtp:threatClassifications": levels });
    const listed = async (platform: "IOS" | "ANDROID") =>
        (
            (await t.console.request("GET", mraThreatsQuery({ limit: 1000, classification: "ADWARE", platform })))!
                .body as { threats: unknown[] }
        ).threats.length;

    it("previews the devices with open threats of it that change level and turn non-compliant, in a few list pages", async () => {
        const ios = await listed("IOS");
        const android = await listed("ANDROID");
        assert.ok(ios > 0 && android > 0);
        t.emulator.clearRequests();
        const { classificationImpact } = await runPreflight(
            withLevels({ ADWARE: "high" }),
            graphClientFor(t.graph),
            clientFor(t.connection),
        );
        const total = ios + android;
        assert.deepEqual(classificationImpact, {
            warnings: [
                `re-rating ADWARE low → high: ${total} devices of enrolled users with open threats of it change level (${ios} iOS, ${android} Android; ${total} to high); ${total} devices become non-compliant under the declared compliance policies (${ios} iOS above 'low', ${android} Android above 'medium') and so, under a compliant-device Conditional Access policy, lose access`,
            ],
            notes: [],
        });
        const lookoutReads = t.emulator
            .requests()
            .map((r) => `${r.method} ${r.path}${r.query}`)
            .filter((r) => r.startsWith("GET /mra/"));
        assert.equal(lookoutReads.filter((r) => r.includes("/threats")).length, 2, "one page per platform");
        assert.ok(lookoutReads.length <= 2 + 4, `bounded, not per device: ${lookoutReads.join(", ")}`);
        assert.equal(new Set(lookoutReads).size, lookoutReads.length, "each read once");
        assert.deepEqual(t.writes(), [], "the preview writes nothing");
    });

    it("reads nothing when Lookout already holds the declared levels", async () => {
        t.emulator.clearRequests();
        const impact = await assessClassificationImpact(withLevels({ ADWARE: "low" }), { ADWARE: "low" }, t.console);
        assert.deepEqual(impact, { warnings: [], notes: [] });
        assert.deepEqual(
            t.emulator.requests().filter((r) => r.path.startsWith("/mra/")),
            [],
        );
    });

    it("skips a refused read with a line saying so, and names a classification the threats list cannot filter", async () => {
        const refusing = {
            request: async () => {
                throw Object.assign(new Error("Lookout API GET failed: 403"), { status: 403 });
            },
        } as unknown as LookoutClient;
        const impact = await assessClassificationImpact(
            withLevels({ ADWARE: "high", OS_VULNERABILITY: "high" }),
            { ADWARE: "low", OS_VULNERABILITY: "medium" },
            refusing,
        );
        assert.deepEqual(impact.notes, [
            "OS_VULNERABILITY: Lookout's threats list has no such classification, so its open threats are not counted.",
            "Lookout's open ADWARE threats on iOS: skipped, Lookout refused the application key (403).",
            "Lookout's open ADWARE threats on Android: skipped, Lookout refused the application key (403).",
        ]);
        assert.deepEqual(impact.warnings, [], "nothing read is not nothing found");
    });
});
