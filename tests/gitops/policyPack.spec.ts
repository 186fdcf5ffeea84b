/**
 * `pulumi preview --policy-pack policy` on the real engine: the onboarding stack passes, and a
 * stack breaking mandatory rules is refused with each rule's message. What each rule decides is
 * unit-tested by calling the rules (tests/unit/policyRules.spec.ts); here the pack runs on the
 * inputs the engine actually hands it, so one preview may break several rules at once. The two
 * rules on Entra resources (groups, Lookout's service principal) need the azuread provider plugin,
 * which these machines cannot download; they are only unit-tested.
 *
 * The first preview loads the pack from its TypeScript sources, as a user's `--policy-pack
 * packages/policy` does (the engine's runner type-checks it and what it imports, some seconds a
 * preview); the others load it compiled (tests/kit/program.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { projectRoot } from "../kit/engine";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import { validReferenceConfig } from "../kit/configFixtures";
import { compiledPolicyPack } from "../kit/program";
import { type TestStack, useTestStack } from "../kit/testStack";

const sourcePolicyPack = join(projectRoot, "packages", "policy");
const connector = {
    heartbeatFrequencyMinutes: 60,
    disconnectedDeviceThresholdDays: 30,
    errorReportEmail: "mobile-security@contoso.example",
};

/** `preview --policy-pack`: whether it passed, and everything it said. */
function previewWithPolicy(t: TestStack, policyPack = compiledPolicyPack()) {
    return t.stack.preview({ policyPacks: [policyPack] }).then(
        (result) => ({ ok: true as const, output: result.stdout + result.stderr }),
        (err: Error) => ({ ok: false as const, output: err.message }),
    );
}

describe("policy pack (real engine)", function () {
    this.timeout(300_000);

    describe("on the onboarding stack", () => {
        const { t } = useTestStack("policy", {
            // With Lookout for Work for both policies' platforms, no advice is left either.
            prepare: (tenant) => {
                const [android] = lookoutApps.androidEnterprise;
                approveManagedGooglePlayApp(
                    tenant.emulator.store.tenantById(tenant.tenantId)!,
                    { packageId: android.storeId, displayName: android.displayName, publisher: android.publisher },
                    Date.now(),
                );
            },
        });
        const intune = validReferenceConfig()["lookout-mtp:intune"] as object;
        const reference = validReferenceConfig();

        it("lets the onboarding stack through (the pack from its sources)", async () => {
            await t.setConfig({ "lookout-mtp:intune": { ...intune, apps: { ios: true, androidEnterprise: true } } });
            const result = await previewWithPolicy(t, sourcePolicyPack);
            assert.ok(result.ok, result.output);
            assert.match(result.output, /Policies:\s*\n\s*✅ lookout-mtp@v/);
        });

        it("refuses a connector breaking lookout-state-sync-on and lookout-intervals-in-range, with each rule's message, and the program warns of the state sync", async () => {
            await t.setConfig({
                "lookout-mtp:connector": {
                    ...connector,
                    heartbeatFrequencyMinutes: 600,
                    newDeviceCheckIntervalMinutes: 30,
                    stateSync: { threatStatus: false },
                },
            });
            const result = await previewWithPolicy(t);
            assert.ok(!result.ok, "the preview must be refused");
            assert.match(result.output, /mandatory/);
            assert.match(result.output, /lookout-state-sync-on[\s\S]*State sync of threatStatus is off/);
            assert.match(result.output, /lookout-intervals-in-range[\s\S]*heartbeatFrequencyMinutes is 600/);
            assert.match(result.output, /lookout-intervals-in-range[\s\S]*newDeviceCheckIntervalMinutes is 30/);
            assert.match(
                result.output,
                /warning: State sync of threat status is off: Intune stops receiving Lookout's threat status/,
            );
            await t.setConfig({ "lookout-mtp:connector": reference["lookout-mtp:connector"] });
        });

        it("reports advisory rules without refusing", async () => {
            await t.setConfig({
                "lookout-mtp:intune": intune,
                "lookout-mtp:enrollmentGroups": [
                    { displayName: "Sales Mobile", objectId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091" },
                    { displayName: "Lookout Pilot", objectId: "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80" },
                ],
            });
            const result = await previewWithPolicy(t);
            assert.ok(result.ok, result.output);
            assert.match(result.output, /lookout-pilot-group-first[\s\S]*start with a pilot group/);
            // The reference config has compliance policies and no intune.apps: advised, not refused.
            assert.match(result.output, /intune-lookout-app-assigned[\s\S]*assigns no Lookout for Work app for ios/);
        });
    });

    describe("on resources declared around our own validation", () => {
        const { t } = useTestStack("policy-unchecked", {
            program: {
                project: "policy-fixture",
                dir: join(projectRoot, "tests", "gitops", "fixtures", "unchecked"),
                config: {},
                typescript: true,
            },
            // The fixture has no tsconfig.json, so ts-node would type-check it on every run.
            env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
        });

        it("refuses them: lookout-error-report-address-set and intune-compliance-checks-threat-level", async () => {
            await t.setConfig({
                "policy-fixture:connector": { ...connector, enrollmentGroups: ["Pilot"], errorReportEmail: "" },
                "policy-fixture:compliancePolicy": {
                    platform: "ios",
                    displayName: "iOS",
                    requiredSecurityLevel: "notSet",
                    groupIds: ["g"],
                },
            });
            const result = await previewWithPolicy(t);
            assert.ok(!result.ok, "the preview must be refused");
            assert.match(result.output, /lookout-error-report-address-set[\s\S]*No error-report e-mail address is set/);
            assert.match(
                result.output,
                /intune-compliance-checks-threat-level[\s\S]*does not check Lookout's threat level/,
            );
        });
    });
});
