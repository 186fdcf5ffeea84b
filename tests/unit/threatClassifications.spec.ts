import assert from "node:assert/strict";
import { lookoutPaths } from "../../contract/lookout/routes";
import { threatClassificationsProvider } from "../../providers/lookout/threatClassifications";
import { useProvider } from "../kit/providerHarness";

describe("ThreatClassifications provider", () => {
    const { tenant: t, provider } = useProvider(threatClassificationsProvider, "lookout");

    it("rejects unknown risk levels and badly spelled names in check", async () => {
        const { failures } = await provider.check({} as never, {
            riskLevels: { SIDELOADED_APP: "critical" as never, adware: "low" },
        });
        assert.equal(failures!.length, 2);
        assert.ok(failures!.every((f) => f.property === "riskLevels"));
    });

    it("sets only the named classifications; the others keep Lookout's defaults", async () => {
        const before = t.settings().threatClassifications.value;
        const { outs } = await provider.create({ riskLevels: { SIDELOADED_APP: "high", ADWARE: "none" } });
        assert.deepEqual(outs.previous, { ADWARE: "low", SIDELOADED_APP: "medium" });
        const after = t.settings().threatClassifications.value;
        assert.equal(after.SIDELOADED_APP, "high");
        assert.equal(after.ADWARE, "none");
        for (const name of Object.keys(before).filter((n) => n !== "SIDELOADED_APP" && n !== "ADWARE")) {
            assert.equal(after[name], before[name], name);
        }
    });

    it("fails on a classification Lookout does not know, before writing", async () => {
        await assert.rejects(
            provider.create({ riskLevels: { NOT_A_THREAT: "low" } }),
            /unknown classification\(s\) NOT_A_THREAT/,
        );
        assert.equal(t.emulator.requests().filter((r) => r.method === "PATCH").length, 0);
    });

    it("reads drift of managed classifications only", async () => {
        const { outs } = await provider.create({ riskLevels: { SIDELOADED_APP: "high" } });
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { SIDELOADED_APP: "low", TROJAN: "low" } },
        });
        const read = await provider.read("threat-classifications", outs);
        assert.deepEqual(read.props!.riskLevels, { SIDELOADED_APP: "low" });
    });

    it("restores a classification dropped from config to its previous level", async () => {
        const { outs } = await provider.create({ riskLevels: { SIDELOADED_APP: "high", ADWARE: "none" } });
        const { outs: updated } = await provider.update("threat-classifications", outs, {
            riskLevels: { SIDELOADED_APP: "high" },
        });
        assert.deepEqual(updated.previous, { SIDELOADED_APP: "medium" });
        assert.equal(t.settings().threatClassifications.value.ADWARE, "low");
    });

    it("refuses to overwrite a managed level changed in the console, but ignores unmanaged ones", async () => {
        const { outs } = await provider.create({ riskLevels: { SIDELOADED_APP: "high" } });
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { TROJAN: "medium" } },
        });
        const { outs: updated } = await provider.update("threat-classifications", outs, {
            riskLevels: { SIDELOADED_APP: "low" },
        });
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { SIDELOADED_APP: "none" } },
        });
        await assert.rejects(
            provider.update("threat-classifications", updated, { riskLevels: { SIDELOADED_APP: "medium" } }),
            /SIDELOADED_APP is 'none' in Lookout, the stack last saw 'low'.*pulumi refresh/,
        );
    });

    it("restores the previous levels on delete", async () => {
        const before = t.settings().threatClassifications.value;
        const { outs } = await provider.create({ riskLevels: { SIDELOADED_APP: "high", ADWARE: "none" } });
        await provider.delete("threat-classifications", outs);
        assert.deepEqual(t.settings().threatClassifications.value, before);
    });
});
