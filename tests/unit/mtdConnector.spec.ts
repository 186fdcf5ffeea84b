import assert from "node:assert/strict";
import { lookoutMtdConnectorId } from "../../contract/graph/schemas";
import { graphClientFor } from "../../providers/graph/connection";
import { graphPaths } from "../../contract/graph/routes";
import { lookoutPaths } from "../../contract/lookout/routes";
import { mtdConnectorProvider, type MtdConnectorInputs } from "../../providers/intune/mtdConnector";
import { sampleConnectorSettings } from "../kit/configFixtures";
import { configured, useProvider } from "../kit/providerHarness";

const desired: MtdConnectorInputs = {
    androidEnabled: true,
    iosEnabled: true,
    androidDeviceBlockedOnMissingPartnerData: false,
    iosDeviceBlockedOnMissingPartnerData: false,
    partnerUnsupportedOsVersionBlocked: true,
    partnerUnresponsivenessThresholdInDays: 7,
    allowPartnerToCollectIOSApplicationMetadata: false,
};
/** Settings of the connector the stack does not manage: another team's (Windows, Defender) and one left out of config. */
const notOurs = {
    windowsEnabled: true,
    windowsDeviceBlockedOnMissingPartnerData: true,
    microsoftDefenderForEndpointAttachEnabled: true,
    iosMobileApplicationManagementEnabled: true,
};
const lookoutConnector = sampleConnectorSettings();
const day = 86_400_000;

describe("MtdConnector provider", () => {
    const { tenant: t, provider } = useProvider(mtdConnectorProvider, "graph");

    it("manages only the settings named, names a bad threshold, and refuses a name Graph does not have", async () => {
        const ok = await provider.check({} as never, { iosEnabled: false } as never);
        assert.deepEqual(ok.inputs, { iosEnabled: false });
        const bad = await provider.check({} as never, { ...desired, partnerUnresponsivenessThresholdInDays: 0 });
        assert.deepEqual(
            bad.failures!.map((f) => f.property),
            ["partnerUnresponsivenessThresholdInDays"],
        );
        const misspelt = await provider.check(
            {} as never,
            { allowPartnerToCollectIosApplicationMetadata: true } as never,
        );
        assert.equal(misspelt.failures!.length, 1);
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

    it("reports 'unavailable' (a v1.0 state) while Lookout's side is not configured", async () => {
        const { outs } = await provider.create(desired);
        assert.equal(outs.partnerState, "unavailable");
    });

    it("adopts a connector enabled by hand, writes only what differs, and restores only what it changed", async () => {
        const graph = graphClientFor(t.graph);
        const byHand = { ...desired, iosEnabled: false, partnerUnresponsivenessThresholdInDays: 30, ...notOurs };
        await graph.request("POST", graphPaths.mtdConnectors, { body: { id: lookoutMtdConnectorId, ...byHand } });
        const before = { ...t.settings().mtdConnectors[lookoutMtdConnectorId] };
        const { outs } = await provider.create(desired);
        assert.deepEqual(outs.previous, { iosEnabled: false, partnerUnresponsivenessThresholdInDays: 30 });
        const adopted = t.settings().mtdConnectors[lookoutMtdConnectorId];
        for (const [key, value] of Object.entries(notOurs)) assert.equal(adopted[key], value, `${key} was reset`);
        assert.equal(adopted.iosEnabled, true);
        await provider.delete(lookoutMtdConnectorId, outs);
        const after = t.settings().mtdConnectors[lookoutMtdConnectorId];
        for (const key of [...Object.keys(byHand), "iosEnabled"]) assert.deepEqual(after[key], before[key], key);
    });

    it("sends Graph only connector settings, never the engine's __provider input", async () => {
        await graphClientFor(t.graph).request("POST", graphPaths.mtdConnectors, {
            body: { id: lookoutMtdConnectorId, iosEnabled: false },
        });
        const { outs } = await provider.create({ ...desired, __provider: "serialized provider" } as never);
        assert.equal(t.settings().mtdConnectors[lookoutMtdConnectorId].iosEnabled, true);
        await provider.update(lookoutMtdConnectorId, outs, {
            ...desired,
            iosEnabled: false,
            __provider: "serialized provider",
        } as never);
        assert.equal(t.settings().mtdConnectors[lookoutMtdConnectorId].iosEnabled, false);
    });

    it("leaves a setting out of config as the tenant has it, and writes nothing when nothing differs", async () => {
        const graph = graphClientFor(t.graph);
        await graph.request("POST", graphPaths.mtdConnectors, {
            body: { id: lookoutMtdConnectorId, ...desired, iosEnabled: false },
        });
        t.emulator.clearRequests();
        const { outs } = await provider.create({ androidEnabled: true });
        assert.equal(t.settings().mtdConnectors[lookoutMtdConnectorId].iosEnabled, false);
        assert.deepEqual(outs.previous, {});
        assert.deepEqual(
            t.graphRequests().map((r) => r.method),
            ["GET"],
            "an adopted connector that already matches is not written",
        );
    });

    it("updates, reads drift, and deletes a connector it created", async () => {
        const { outs } = await provider.create(desired);
        const { outs: updated } = await provider.update(lookoutMtdConnectorId, outs, { ...desired, iosEnabled: false });
        assert.equal(updated.iosEnabled, false);
        await graphClientFor(t.graph).request("PATCH", graphPaths.mtdConnector(lookoutMtdConnectorId), {
            body: { androidEnabled: false },
        });
        const read = await provider.read(lookoutMtdConnectorId, updated);
        assert.equal(read.props!.androidEnabled, false);
        assert.equal((read.inputs as MtdConnectorInputs).androidEnabled, false);
        assert.deepEqual(await provider.diff(lookoutMtdConnectorId, read.props!, desired), {
            changes: true,
            replaces: [],
        });
        await provider.delete(lookoutMtdConnectorId, updated);
        assert.deepEqual(t.settings().mtdConnectors, {});
    });

    it("remembers the tenant's value of a setting it starts managing on an adopted connector", async () => {
        const graph = graphClientFor(t.graph);
        await graph.request("POST", graphPaths.mtdConnectors, {
            body: { id: lookoutMtdConnectorId, ...desired, ...notOurs },
        });
        const { outs } = await provider.create(desired);
        const { outs: updated } = await provider.update(lookoutMtdConnectorId, outs, {
            ...desired,
            iosMobileApplicationManagementEnabled: false,
        });
        assert.deepEqual(updated.previous, { iosMobileApplicationManagementEnabled: true });
        await provider.delete(lookoutMtdConnectorId, updated);
        assert.equal(t.settings().mtdConnectors[lookoutMtdConnectorId].iosMobileApplicationManagementEnabled, true);
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
        const limited = await configured(mtdConnectorProvider, {
            ...t.graph,
            loopbackCredentials: {
                tenantId: t.entraTenantId,
                clientId: readOnly.clientId,
                clientSecret: readOnly.clientSecret,
            },
        });
        t.emulator.clearRequests();
        await assert.rejects(
            limited.create(desired),
            /needs the Graph application permission DeviceManagementServiceConfig\.ReadWrite\.All, which the signed-in app \(client ID [0-9a-f-]+\) lacks.*Nothing was changed/,
        );
        assert.deepEqual(t.settings().mtdConnectors, {});
        assert.deepEqual(t.graphRequests(), [], "refused before calling Graph at all");
    });
});
