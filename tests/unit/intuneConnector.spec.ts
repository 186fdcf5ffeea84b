import assert from "node:assert/strict";
import { intuneConnectorProvider, type IntuneConnectorInputs } from "../../providers/lookout/intuneConnector";
import { lookoutPaths } from "../../contract/lookout/routes";
import { configured, useProvider } from "../kit/providerHarness";

const desired: IntuneConnectorInputs = {
    heartbeatFrequencyMinutes: 60,
    enrollmentGroups: ["Lookout Pilot", "Sales Mobile"],
    newDeviceCheckIntervalMinutes: 5,
    disconnectedDeviceThresholdDays: 30,
    stateSync: { deviceStatus: true, threatStatus: true },
    errorReportEmail: "mobile-security@contoso.example",
};

describe("IntuneConnector provider", () => {
    const { tenant: t, provider } = useProvider(intuneConnectorProvider, "lookout");

    describe("check", () => {
        it("fills the defaults Lookout recommends", async () => {
            const { inputs, failures } = await provider.check(
                {} as never,
                {
                    heartbeatFrequencyMinutes: 60,
                    enrollmentGroups: ["Pilot"],
                    errorReportEmail: "a@contoso.example",
                    __provider: "serialized",
                } as never,
            );
            assert.equal(failures, undefined);
            assert.equal(inputs!.newDeviceCheckIntervalMinutes, 5);
            assert.equal(inputs!.disconnectedDeviceThresholdDays, null);
            assert.deepEqual(inputs!.stateSync, { deviceStatus: true, threatStatus: true });
        });

        it("names each invalid property", async () => {
            const { failures } = await provider.check({} as never, {
                ...desired,
                heartbeatFrequencyMinutes: 0,
                enrollmentGroups: [],
                errorReportEmail: "x",
            });
            assert.deepEqual(failures!.map((f) => f.property).sort(), [
                "enrollmentGroups",
                "errorReportEmail",
                "heartbeatFrequencyMinutes",
            ]);
        });
    });

    describe("diff", () => {
        it("reports exactly the changed property and never a replacement", async () => {
            const olds = { ...desired, etag: '"1"', previous: null };
            assert.deepEqual(await provider.diff("intune-connector", olds, desired), { changes: false, replaces: [] });
            const diff = await provider.diff("intune-connector", olds, { ...desired, heartbeatFrequencyMinutes: 30 });
            assert.equal(diff.changes, true);
            assert.deepEqual(diff.replaces, []);
        });
    });

    it("creates the connector and returns complete outputs", async () => {
        const { id, outs } = await provider.create(desired);
        assert.equal(id, "intune-connector");
        assert.deepEqual({ ...outs, etag: undefined }, { ...desired, etag: undefined, previous: null });
        assert.equal(outs.etag, '"1"');
        assert.deepEqual(t.settings().intuneConnector!.value, desired);
    });

    it("adopts a connector configured by hand instead of failing, remembering it", async () => {
        const byHand = { ...desired, heartbeatFrequencyMinutes: 240, enrollmentGroups: ["sales mobile"] };
        await t.console.request("PUT", lookoutPaths.intuneConnector, { body: byHand });
        const { outs } = await provider.create(desired);
        assert.deepEqual(outs.previous, byHand);
        assert.deepEqual(t.settings().intuneConnector!.value, desired);
    });

    it("updates with If-Match and returns complete outputs", async () => {
        const { outs } = await provider.create(desired);
        const news = { ...desired, heartbeatFrequencyMinutes: 15 };
        const updated = await provider.update("intune-connector", outs, news);
        assert.deepEqual({ ...updated.outs, etag: undefined }, { ...news, etag: undefined, previous: null });
        assert.equal(t.settings().intuneConnector!.value.heartbeatFrequencyMinutes, 15);
    });

    it("refuses to overwrite a console edit made since the stack last read", async () => {
        const { outs } = await provider.create(desired);
        await t.console.request("PUT", lookoutPaths.intuneConnector, {
            body: { ...desired, errorReportEmail: "other@contoso.example" },
        });
        await assert.rejects(
            provider.update("intune-connector", outs, { ...desired, heartbeatFrequencyMinutes: 15 }),
            /Lookout Intune connector: .*412 PRECONDITION_FAILED.*run `pulumi refresh`/,
        );
        assert.equal(t.settings().intuneConnector!.value.errorReportEmail, "other@contoso.example");
    });

    it("reads the remote values so refresh shows drift", async () => {
        const { outs } = await provider.create(desired);
        const same = await provider.read("intune-connector", outs);
        assert.deepEqual(same.props, outs, "a read right after create changes nothing");
        await t.console.request("PUT", lookoutPaths.intuneConnector, {
            body: { ...desired, stateSync: { deviceStatus: false, threatStatus: true } },
        });
        const drifted = await provider.read("intune-connector", outs);
        assert.deepEqual(drifted.props!.stateSync, { deviceStatus: false, threatStatus: true });
        assert.deepEqual((drifted.inputs as IntuneConnectorInputs).stateSync, {
            deviceStatus: false,
            threatStatus: true,
        });
        assert.equal(drifted.props!.etag, '"2"');
    });

    it("reports a connector deleted behind the stack's back as gone", async () => {
        const { outs } = await provider.create(desired);
        await t.console.request("DELETE", lookoutPaths.intuneConnector);
        assert.deepEqual(await provider.read("intune-connector", outs), {});
    });

    it("deletes a connector it created, leaving the tenant as before", async () => {
        const { outs } = await provider.create(desired);
        await provider.delete("intune-connector", outs);
        assert.equal(t.settings().intuneConnector, null);
    });

    it("restores an adopted connector's previous settings on delete", async () => {
        const byHand = { ...desired, heartbeatFrequencyMinutes: 240 };
        await t.console.request("PUT", lookoutPaths.intuneConnector, { body: byHand });
        const { outs } = await provider.create(desired);
        await provider.delete("intune-connector", outs);
        assert.deepEqual(t.settings().intuneConnector!.value, byHand);
    });

    it("refuses to write with a read-only key, naming the missing scope, before any write", async () => {
        const readOnlyKey = t.emulator.store.addLimitedKey(t.emulator.store.tenantById(t.tenantId)!, ["settings:read"]);
        const readOnly = await configured(intuneConnectorProvider, { ...t.connection, applicationKey: readOnlyKey });
        t.emulator.clearRequests();
        await assert.rejects(
            readOnly.create(desired),
            /Lookout Intune connector: Configuring it needs the Lookout scope settings:write, which the application key lacks \(it has: settings:read\).*Nothing was changed/,
        );
        assert.deepEqual(
            t.emulator.requests().map((r) => r.method),
            ["POST"],
            "only the token was requested",
        );
        assert.equal(t.settings().intuneConnector, null);
    });

    it("says where to put the application key when there is none", async () => {
        const keyless = await configured(intuneConnectorProvider, { ...t.connection, applicationKey: undefined });
        const saved = process.env.LOOKOUT_APPLICATION_KEY;
        delete process.env.LOOKOUT_APPLICATION_KEY;
        try {
            await assert.rejects(
                keyless.create(desired),
                /No Lookout application key: set it with `pulumi config set --secret lookout:applicationKey/,
            );
        } finally {
            if (saved !== undefined) process.env.LOOKOUT_APPLICATION_KEY = saved;
        }
    });
});
