/**
 * Threat-level app protection below the engine: the provider's precise writes and its record of what
 * it changed, the preflight's lookup of named policies, and the permissions the sign-in check declares.
 */
import assert from "node:assert/strict";
import { findAppProtectionPolicies } from "../../components/appProtection";
import { declaredWrites } from "../../components/signIn/identityCheck";
import { parseStackConfig, type StackConfig } from "../../config/stackConfig";
import { graphRoutes } from "../../contract/graph/routes";
import { devAppProtectionIds, devAppProtectionPolicies } from "../../emulator/devAppProtection";
import {
    appProtectionThreatSettingsProvider,
    type AppProtectionThreatSettingsInputs,
} from "../../providers/appProtection/threatSettings";
import { graphClientFor } from "../../providers/graph/connection";
import { validGraphConfig } from "../kit/configFixtures";
import { useProvider } from "../kit/providerHarness";

const byod: AppProtectionThreatSettingsInputs = {
    platform: "ios",
    policyId: devAppProtectionIds.iosByod,
    displayName: "Contoso iOS - BYOD",
    maximumAllowedDeviceThreatLevel: "low",
    mobileThreatDefenseRemediationAction: "block",
};

function config(policies: unknown[]): StackConfig {
    const base = validGraphConfig();
    const intune = base["lookout-mtp:intune"] as { mtdConnector: object };
    const raw = {
        ...base,
        "lookout-mtp:intune": {
            ...intune,
            mtdConnector: { ...intune.mtdConnector, iosMobileApplicationManagementEnabled: true },
        },
        "lookout-mtp:appProtection": { policies },
    };
    const parsed = parseStackConfig(
        Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
        () => true,
    );
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.errors.join("\n"));
    return parsed.config;
}

describe("app protection threat settings provider", () => {
    const { tenant: t, provider } = useProvider(appProtectionThreatSettingsProvider, "graph");
    const policies = () => t.emulator.store.tenantById(t.tenantId)!.appProtections!;
    /** The PATCH bodies the emulator received, captured from the client side. */
    let patches: unknown[] = [];
    let original: typeof fetch;
    beforeEach(() => {
        t.emulator.store.tenantById(t.tenantId)!.appProtections = devAppProtectionPolicies();
        patches = [];
        original = globalThis.fetch;
        globalThis.fetch = (input, init) => {
            if (init?.method === "PATCH") patches.push(JSON.parse(String(init.body)));
            return original(input, init);
        };
    });
    afterEach(() => {
        globalThis.fetch = original;
    });

    it("sends only the settings that differ, and records only those as previous", async () => {
        // The BYOD policy reads notConfigured / block: only the level differs.
        const { outs } = await provider.create(byod);
        assert.deepEqual(patches, [{ maximumAllowedDeviceThreatLevel: "low" }]);
        assert.deepEqual(outs.previous, { maximumAllowedDeviceThreatLevel: "notConfigured" });
        assert.equal(policies()[byod.policyId].body.maximumAllowedDeviceThreatLevel, "low");
    });

    it("remembers a setting's first value when an update changes it, and destroy restores both", async () => {
        const { id, outs } = await provider.create(byod);
        const { outs: updated } = await provider.update(id, outs, {
            ...byod,
            maximumAllowedDeviceThreatLevel: "medium",
            mobileThreatDefenseRemediationAction: "wipe",
        });
        assert.deepEqual(updated.previous, {
            maximumAllowedDeviceThreatLevel: "notConfigured",
            mobileThreatDefenseRemediationAction: "block",
        });
        await provider.delete(id, updated);
        const body = policies()[byod.policyId].body;
        assert.equal(body.maximumAllowedDeviceThreatLevel, "notConfigured");
        assert.equal(body.mobileThreatDefenseRemediationAction, "block");
        for (const patch of patches)
            assert.deepEqual(
                Object.keys(patch as object).filter(
                    (k) => k !== "maximumAllowedDeviceThreatLevel" && k !== "mobileThreatDefenseRemediationAction",
                ),
                [],
            );
    });

    it("destroy leaves a setting another admin changed after create, and restores the other", async () => {
        const { id, outs } = await provider.create({ ...byod, mobileThreatDefenseRemediationAction: "wipe" });
        assert.deepEqual(outs.previous, {
            maximumAllowedDeviceThreatLevel: "notConfigured",
            mobileThreatDefenseRemediationAction: "block",
        });
        // Another admin raises the level after the stack set it.
        policies()[byod.policyId].body.maximumAllowedDeviceThreatLevel = "high";
        patches = [];
        await provider.delete(id, outs);
        assert.deepEqual(patches, [{ mobileThreatDefenseRemediationAction: "block" }]);
        const body = policies()[byod.policyId].body;
        assert.equal(body.maximumAllowedDeviceThreatLevel, "high");
        assert.equal(body.mobileThreatDefenseRemediationAction, "block");
    });

    it("writes nothing when the policy already has the settings, and restores nothing", async () => {
        const { id, outs } = await provider.create({
            ...byod,
            policyId: devAppProtectionIds.iosExecutives,
            displayName: "Contoso iOS - Executives",
            maximumAllowedDeviceThreatLevel: "secured",
            mobileThreatDefenseRemediationAction: "wipe",
        });
        await provider.delete(id, outs);
        assert.deepEqual(patches, []);
    });

    it("reads the policy's settings back on refresh, and nothing once it is gone", async () => {
        const { id, outs } = await provider.create(byod);
        policies()[byod.policyId].body.mobileThreatDefenseRemediationAction = "wipe";
        const read = await provider.read(id, outs);
        assert.equal(read.props?.mobileThreatDefenseRemediationAction, "wipe");
        assert.deepEqual(read.props?.previous, outs.previous);
        delete policies()[byod.policyId];
        assert.deepEqual(await provider.read(id, outs), {});
        await provider.delete(id, outs); // nothing to restore on a policy deleted since
    });
});

describe("the named app protection policies, found before any write", () => {
    const { tenant: t } = useProvider(appProtectionThreatSettingsProvider, "graph");
    beforeEach(() => {
        t.emulator.store.tenantById(t.tenantId)!.appProtections = devAppProtectionPolicies();
    });
    const policy = (named: Record<string, string>) => ({
        platform: "ios",
        maximumAllowedDeviceThreatLevel: "low",
        mobileThreatDefenseRemediationAction: "block",
        ...named,
    });

    it("finds a policy by exact name or by id, one read per platform", async () => {
        t.emulator.clearRequests();
        const found = await findAppProtectionPolicies(
            config([policy({ displayName: "Contoso iOS - BYOD" }), policy({ id: devAppProtectionIds.iosExecutives })]),
            graphClientFor(t.graph),
        );
        assert.deepEqual(
            found.map((f) => [f.policyId, f.displayName]),
            [
                [devAppProtectionIds.iosByod, "Contoso iOS - BYOD"],
                [devAppProtectionIds.iosExecutives, "Contoso iOS - Executives"],
            ],
        );
        assert.equal(t.graphRequests().filter((r) => r.path.includes("ManagedAppProtections")).length, 1);
    });

    it("refuses a name in another letter case and a name two policies share, one line each", async () => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        tenant.appProtections![devAppProtectionIds.iosExecutives].body.displayName = "Contoso iOS - BYOD";
        await assert.rejects(
            findAppProtectionPolicies(
                config([policy({ displayName: "contoso ios - byod" }), policy({ displayName: "Contoso iOS - BYOD" })]),
                graphClientFor(t.graph),
            ),
            (err: Error) => {
                const lines = err.message.split("\n  - ");
                assert.equal(lines.length, 2);
                assert.match(
                    lines[0],
                    /^lookout-mtp:appProtection\.policies\[0\]\.displayName: no ios app protection policy is named 'contoso ios - byod'.*'Contoso iOS - BYOD' exists/,
                );
                assert.match(
                    lines[1],
                    /^lookout-mtp:appProtection\.policies\[1\]\.displayName: 2 ios app protection policies are named 'Contoso iOS - BYOD' \(T_/,
                );
                return true;
            },
        );
    });

    it("makes no request when the config names no policy", async () => {
        t.emulator.clearRequests();
        const none = { ...config([policy({ displayName: "x" })]), appProtection: undefined };
        assert.deepEqual(await findAppProtectionPolicies(none, graphClientFor(t.graph)), []);
        assert.deepEqual(t.graphRequests(), []);
    });
});

describe("the sign-in check's declared writes", () => {
    it("include the beta PATCH of each platform the config names", () => {
        const patch = graphRoutes["iosAppProtection.updateBeta"].permissions;
        const named = config([
            {
                platform: "ios",
                displayName: "x",
                maximumAllowedDeviceThreatLevel: "low",
                mobileThreatDefenseRemediationAction: "block",
            },
        ]);
        const without = declaredWrites({ ...named, appProtection: undefined });
        assert.deepEqual(declaredWrites(named).slice(without.length), [[patch.least, ...patch.higher]]);
    });
});
