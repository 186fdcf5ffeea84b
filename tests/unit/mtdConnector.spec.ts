import assert from "node:assert/strict";
import { lookoutMtdConnectorId } from "../../contract/graph/schemas";
import { graphClientFor } from "../../providers/graph/connection";
import { graphPaths } from "../../contract/graph/routes";
import { lookoutPaths } from "../../contract/lookout/routes";
import { mtdConnectorProvider, type MtdConnectorInputs, type MtdConnectorOutputs } from "../../providers/intune/mtdConnector";
import { sampleConnectorSettings } from "../support/configFixtures";
import { type EmulatedTenant, startEmulatedTenant } from "../support/lookoutEmulator";
import { configured } from "../support/providerHarness";

const desired: MtdConnectorInputs = {
    androidEnabled: true,
    iosEnabled: true,
    androidDeviceBlockedOnMissingPartnerData: false,
    iosDeviceBlockedOnMissingPartnerData: false,
    partnerUnsupportedOsVersionBlocked: true,
    partnerUnresponsivenessThresholdInDays: 7,
    allowPartnerToCollectIosApplicationMetadata: false,
};
const lookoutConnector = sampleConnectorSettings();
const day = 86_400_000;

describe("IntuneMtdConnector provider", () => {
    let t: EmulatedTenant;
    let provider: Awaited<ReturnType<typeof configured<MtdConnectorInputs, MtdConnectorOutputs>>>;
    beforeEach(async () => {
        t = await startEmulatedTenant();
        provider = await configured(mtdConnectorProvider, t.graph);
    });
    afterEach(() => t.emulator.close());

    it("fills Intune's defaults in check and names a bad threshold", async () => {
        const ok = await provider.check({} as never, {} as never);
        assert.equal(ok.inputs!.partnerUnresponsivenessThresholdInDays, 7);
        assert.equal(ok.inputs!.androidEnabled, true);
        const bad = await provider.check({} as never, { ...desired, partnerUnresponsivenessThresholdInDays: 0 });
        assert.deepEqual(bad.failures!.map((f) => f.property), ["partnerUnresponsivenessThresholdInDays"]);
    });

    it("creates the Lookout connector with the documented id and shows Lookout heartbeating", async () => {
        await t.console.request("PUT", lookoutPaths.intuneConnector, { body: lookoutConnector });
        const { id, outs } = await provider.create(desired);
        assert.equal(id, lookoutMtdConnectorId);
        assert.equal(outs.partnerState, "enabled");
        assert.notEqual(outs.lastHeartbeatDateTime, "0001-01-01T00:00:00Z");
        assert.equal(outs.previous, null);
        assert.equal(t.settings().mtdConnectors[lookoutMtdConnectorId].partnerUnsupportedOsVersionBlocked, true);
    });

    it("reports notSetUp while Lookout's side is not configured", async () => {
        const { outs } = await provider.create(desired);
        assert.equal(outs.partnerState, "notSetUp");
    });

    it("adopts a connector enabled by hand and restores it on delete", async () => {
        const graph = graphClientFor(t.graph);
        const byHand = { ...desired, iosEnabled: false, partnerUnresponsivenessThresholdInDays: 30 };
        await graph.request("POST", graphPaths.mtdConnectors, { body: { id: lookoutMtdConnectorId, ...byHand } });
        const { outs } = await provider.create(desired);
        assert.deepEqual(outs.previous, byHand);
        await provider.delete(lookoutMtdConnectorId, outs);
        const { id: _id, ...after } = t.settings().mtdConnectors[lookoutMtdConnectorId];
        assert.deepEqual(after, byHand);
    });

    it("updates, reads drift, and deletes a connector it created", async () => {
        const { outs } = await provider.create(desired);
        const { outs: updated } = await provider.update(lookoutMtdConnectorId, outs, { ...desired, iosEnabled: false });
        assert.equal(updated.iosEnabled, false);
        await graphClientFor(t.graph).request("PATCH", graphPaths.mtdConnector(lookoutMtdConnectorId), { body: { androidEnabled: false } });
        const read = await provider.read(lookoutMtdConnectorId, updated);
        assert.equal(read.props!.androidEnabled, false);
        assert.equal((read.inputs as MtdConnectorInputs).androidEnabled, false);
        assert.deepEqual(await provider.diff(lookoutMtdConnectorId, read.props!, desired), { changes: true, replaces: [] });
        await provider.delete(lookoutMtdConnectorId, updated);
        assert.deepEqual(t.settings().mtdConnectors, {});
    });

    it("turns unresponsive when Lookout stops heartbeating for longer than the threshold", async () => {
        await t.console.request("PUT", lookoutPaths.intuneConnector, { body: lookoutConnector });
        const { outs } = await provider.create(desired);
        await t.console.request("DELETE", lookoutPaths.intuneConnector);
        t.emulator.advanceClock(6 * day);
        assert.equal((await provider.read(lookoutMtdConnectorId, outs)).props!.partnerState, "enabled");
        t.emulator.advanceClock(2 * day);
        assert.equal((await provider.read(lookoutMtdConnectorId, outs)).props!.partnerState, "unresponsive");
    });

    it("names the missing permission when the app may not write the connector", async () => {
        const tenant = t.emulator.store.tenantByEntraId(t.entraTenantId)!;
        const readOnly = t.emulator.store.addGraphApp(tenant, ["DeviceManagementServiceConfig.Read.All"]);
        const limited = await configured(mtdConnectorProvider, { ...t.graph, loopbackCredentials: { tenantId: t.entraTenantId, clientId: readOnly.clientId, clientSecret: readOnly.clientSecret } });
        t.emulator.clearRequests();
        await assert.rejects(limited.create(desired), /needs the Graph application permission DeviceManagementServiceConfig\.ReadWrite\.All, which the signed-in identity lacks.*Nothing was changed/);
        assert.deepEqual(t.settings().mtdConnectors, {});
        assert.deepEqual(t.emulator.requests().filter((r) => r.path.startsWith("/graph")), [], "refused before calling Graph at all");
    });
});
