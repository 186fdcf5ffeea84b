/**
 * Threat-level app protection on the real engine (docs/app-protection.md): an app protection policy
 * the stack config names gets exactly its two Mobile Threat Defense settings and its previous values
 * back on destroy; another admin's policies are untouched by `up` and `destroy`; `warn` and a platform
 * whose connector app protection evaluation is off are refused before any write.
 */
import assert from "node:assert/strict";
import { devAppProtectionIds, devAppProtectionPolicies } from "../../emulator/devAppProtection";
import type { StoredAppProtection } from "../../emulator/store";
import { sampleDirectory, validGraphConfig } from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { compiledProgram } from "../kit/program";
import { useTestStack, withTestStack } from "../kit/testStack";

type Intune = { mtdConnector: Record<string, unknown>; compliancePolicies: unknown[] };
const intune = () => validGraphConfig()["lookout-mtp:intune"] as Intune;

/** The graph-mode config with iOS app protection evaluation on and the BYOD policy named. */
function withAppProtection(policy: Record<string, unknown> = {}, mtdConnector: Record<string, unknown> = {}) {
    return {
        ...validGraphConfig(),
        "lookout-mtp:intune": {
            ...intune(),
            mtdConnector: { ...intune().mtdConnector, iosMobileApplicationManagementEnabled: true, ...mtdConnector },
        },
        "lookout-mtp:appProtection": {
            policies: [
                {
                    platform: "ios",
                    displayName: "Contoso iOS - BYOD",
                    maximumAllowedDeviceThreatLevel: "low",
                    mobileThreatDefenseRemediationAction: "wipe",
                    ...policy,
                },
            ],
        },
    };
}

function prepare(tenant: EmulatedTenant): void {
    const record = tenant.emulator.store.tenantById(tenant.tenantId)!;
    record.directory = sampleDirectory();
    record.appProtections = devAppProtectionPolicies();
}

const policiesOf = (tenant: EmulatedTenant) => tenant.emulator.store.tenantById(tenant.tenantId)!.appProtections!;
const threatKeys = ["maximumAllowedDeviceThreatLevel", "mobileThreatDefenseRemediationAction"];
/** A policy's properties but its threat settings and its modification time. */
const others = (p: StoredAppProtection) =>
    Object.fromEntries(Object.entries(p.body).filter(([k]) => !threatKeys.includes(k) && k !== "lastModifiedDateTime"));
const threatOf = (p: StoredAppProtection) => ({
    maximumAllowedDeviceThreatLevel: p.body.maximumAllowedDeviceThreatLevel ?? "notConfigured",
    mobileThreatDefenseRemediationAction: p.body.mobileThreatDefenseRemediationAction ?? "block",
});
const appProtectionWrites = (tenant: EmulatedTenant) =>
    tenant.writes().filter((r) => /ManagedAppProtections/.test(r.path));

describe("app protection policies named in config (real engine)", function () {
    this.timeout(300_000);
    const { tenant, t } = useTestStack("appprotection", {
        prepare,
        program: compiledProgram(withAppProtection()),
    });
    const before = devAppProtectionPolicies();
    const { iosByod, iosExecutives, androidFrontline } = devAppProtectionIds;

    it("up writes exactly the two threat settings of the named policy, and nothing of another admin's", async () => {
        tenant.emulator.clearRequests();
        await t.stack.up(t.run);
        const after = policiesOf(tenant);
        assert.deepEqual(threatOf(after[iosByod]), {
            maximumAllowedDeviceThreatLevel: "low",
            mobileThreatDefenseRemediationAction: "wipe",
        });
        assert.deepEqual(others(after[iosByod]), others(before[iosByod]), "no other property of the policy changed");
        for (const id of [iosExecutives, androidFrontline]) assert.deepEqual(after[id], before[id], id);
        const writes = appProtectionWrites(tenant);
        assert.deepEqual(
            writes.map((w) => `${w.method} ${w.path}`),
            [`PATCH /graph/beta/deviceAppManagement/iosManagedAppProtections/${iosByod}`],
        );
    });

    it("a second up writes nothing", async () => {
        tenant.emulator.clearRequests();
        await t.stack.up(t.run);
        assert.deepEqual(appProtectionWrites(tenant), []);
    });

    it("destroy puts the previous values back, and leaves another admin's policies as they were", async () => {
        await t.stack.destroy({ onOutput: (s) => t.transcript.push(s) });
        const after = policiesOf(tenant);
        assert.deepEqual(threatOf(after[iosByod]), threatOf(before[iosByod]));
        assert.deepEqual(others(after[iosByod]), others(before[iosByod]));
        for (const id of [iosExecutives, androidFrontline]) assert.deepEqual(after[id], before[id], id);
    });
});

describe("app protection refusals before any write (real engine)", function () {
    this.timeout(300_000);

    /** `preview` and `up` fail with `message`, and the tenant saw no write. */
    async function assertRefused(config: Record<string, unknown>, message: RegExp) {
        await withTestStack(
            "appprotection-refused",
            { prepare, program: compiledProgram(config) },
            async (t, tenant) => {
                tenant.emulator.clearRequests();
                await assert.rejects(t.stack.preview(t.run), message);
                await assert.rejects(t.stack.up(t.run), message);
                assert.deepEqual(tenant.writes(), [], "nothing was written");
                assert.deepEqual(policiesOf(tenant), devAppProtectionPolicies());
            },
        );
    }

    it("refuses warn as the action, naming the key", () =>
        assertRefused(
            withAppProtection({ mobileThreatDefenseRemediationAction: "warn" }),
            /lookout-mtp:appProtection\.policies\[0\]\.mobileThreatDefenseRemediationAction: warn is not supported for Mobile Threat Defense/,
        ));

    it("refuses a platform whose connector app protection evaluation is off, naming the key", () =>
        assertRefused(
            withAppProtection({}, { iosMobileApplicationManagementEnabled: false }),
            /lookout-mtp:appProtection\.policies\[0\]\.platform: Intune evaluates an app protection policy's threat level only when Lookout's connector has app protection policy evaluation on for iOS\/iPadOS/,
        ));

    it("refuses a policy name that finds none, before any write", () =>
        assertRefused(
            withAppProtection({ displayName: "Contoso iOS - byod" }),
            /lookout-mtp:appProtection\.policies\[0\]\.displayName: no ios app protection policy is named 'Contoso iOS - byod'.*'Contoso iOS - BYOD' exists/,
        ));
});
