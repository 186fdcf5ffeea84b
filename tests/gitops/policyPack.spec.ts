/**
 * `pulumi preview --policy-pack policy` on the real engine: the onboarding stack passes, and a
 * stack breaking each mandatory rule is refused with that rule's message. The two rules on Entra
 * resources (groups, Lookout's service principal) need the azuread provider plugin, which these
 * machines cannot download; they are tested by calling the rules (tests/unit/policyRules.spec.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { projectRoot } from "../kit/engine";
import { type EmulatedTenant, useEmulatedTenant } from "../kit/lookoutEmulator";
import { type StackSetUp, withTestStack } from "../kit/testStack";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import { validReferenceConfig } from "../kit/configFixtures";

const policyPack = join(projectRoot, "packages", "policy");
const connector = {
    heartbeatFrequencyMinutes: 60,
    disconnectedDeviceThresholdDays: 30,
    errorReportEmail: "mobile-security@contoso.example",
};

function previewWithPolicy(tenant: EmulatedTenant, name: string, setUp: StackSetUp = {}) {
    return withTestStack(name, { ...setUp, tenant }, (t) =>
        t.stack.preview({ policyPacks: [policyPack] }).then(
            (result) => ({ ok: true as const, output: result.stdout }),
            (err: Error) => ({ ok: false as const, output: err.message }),
        ),
    );
}

describe("policy pack (real engine)", function () {
    this.timeout(300_000);
    const tenant = useEmulatedTenant();

    it("lets the onboarding stack through", async () => {
        // With Lookout for Work for both policies' platforms, no advice is left either.
        const [android] = lookoutApps.androidEnterprise;
        approveManagedGooglePlayApp(
            tenant.emulator.store.tenantById(tenant.tenantId)!,
            { packageId: android.storeId, displayName: android.displayName, publisher: android.publisher },
            Date.now(),
        );
        const intune = validReferenceConfig()["lookout-mtp:intune"] as object;
        const result = await previewWithPolicy(tenant, "policy-pass", {
            config: { "lookout-mtp:intune": { ...intune, apps: { ios: true, androidEnterprise: true } } },
        });
        assert.ok(result.ok, result.output);
        assert.match(result.output, /Policies:\s*\n\s*✅ lookout-mtp@v/);
    });

    const refused: Array<[string, Record<string, unknown>, RegExp]> = [
        [
            "lookout-state-sync-on",
            { "lookout-mtp:connector": { ...connector, stateSync: { threatStatus: false } } },
            /lookout-state-sync-on[\s\S]*State sync of threatStatus is off/,
        ],
        [
            "lookout-intervals-in-range (heartbeat)",
            { "lookout-mtp:connector": { ...connector, heartbeatFrequencyMinutes: 600 } },
            /lookout-intervals-in-range[\s\S]*heartbeatFrequencyMinutes is 600/,
        ],
        [
            "lookout-intervals-in-range (check interval)",
            { "lookout-mtp:connector": { ...connector, newDeviceCheckIntervalMinutes: 30 } },
            /lookout-intervals-in-range[\s\S]*newDeviceCheckIntervalMinutes is 30/,
        ],
    ];
    for (const [rule, overrides, message] of refused) {
        it(`refuses a stack breaking ${rule}`, async () => {
            const result = await previewWithPolicy(tenant, `policy-${rule.replace(/\W+/g, "-")}`, {
                config: overrides,
            });
            assert.ok(!result.ok, "the preview must be refused");
            assert.match(result.output, /mandatory/);
            assert.match(result.output, message);
        });
    }

    const unchecked = {
        project: "policy-fixture",
        dir: join(projectRoot, "tests", "gitops", "fixtures", "unchecked"),
        typescript: true,
        config: {},
    };
    const fixtureCases: Array<[string, Record<string, unknown>, RegExp]> = [
        [
            "lookout-error-report-address-set",
            {
                "policy-fixture:connector": {
                    ...connector,
                    heartbeatFrequencyMinutes: 60,
                    enrollmentGroups: ["Pilot"],
                    errorReportEmail: "",
                },
            },
            /lookout-error-report-address-set[\s\S]*No error-report e-mail address is set/,
        ],
        [
            "intune-compliance-checks-threat-level",
            {
                "policy-fixture:compliancePolicy": {
                    platform: "ios",
                    displayName: "iOS",
                    requiredSecurityLevel: "notSet",
                    groupIds: ["g"],
                },
            },
            /intune-compliance-checks-threat-level[\s\S]*does not check Lookout's threat level/,
        ],
    ];
    for (const [rule, config, message] of fixtureCases) {
        it(`refuses resources breaking ${rule}, even declared around our own validation`, async () => {
            const result = await previewWithPolicy(tenant, `policy-${rule}`, { config, program: unchecked });
            assert.ok(!result.ok, "the preview must be refused");
            assert.match(result.output, message);
        });
    }

    it("reports advisory rules without refusing", async () => {
        const result = await previewWithPolicy(tenant, "policy-advisory", {
            config: {
                "lookout-mtp:enrollmentGroups": [
                    { displayName: "Sales Mobile", objectId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091" },
                    { displayName: "Lookout Pilot", objectId: "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80" },
                ],
            },
        });
        assert.ok(result.ok, result.output);
        assert.match(result.output, /lookout-pilot-group-first[\s\S]*start with a pilot group/);
        // The reference config has compliance policies and no intune.apps: advised, not refused.
        assert.match(result.output, /intune-lookout-app-assigned[\s\S]*assigns no Lookout for Work app for ios/);
    });
});
