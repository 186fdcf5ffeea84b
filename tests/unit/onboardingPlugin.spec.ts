/**
 * The component plugin's `Onboarding` (packages/plugin/): plain inputs from another language pass through the
 * stack config schema, and every problem names the input, before anything is declared.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Onboarding, type OnboardingArgs, onboardingConfig } from "../../packages/plugin/onboarding";
import { validReferenceConfig } from "../kit/configFixtures";
import { installMocks, type Registered, valueOf } from "../kit/pulumiMocks";

/** The reference fixture's `lookout-mtp:` sections as component inputs. */
function referenceArgs(): OnboardingArgs {
    const sections = Object.entries(validReferenceConfig()).filter(([key]) => key.startsWith("lookout-mtp:"));
    return Object.fromEntries(
        sections.map(([key, value]) => [key.slice("lookout-mtp:".length), value]),
    ) as unknown as OnboardingArgs;
}

describe("Onboarding (component plugin)", () => {
    let registered: Registered[];
    let opts: pulumi.ComponentResourceOptions;
    beforeEach(() => {
        ({ registered, opts } = installMocks({
            tenantId: "9a1b2c3d-0000-4000-8000-000000000001",
            users: {},
            groups: [],
        }));
    });

    it("accepts the stack config's sections as inputs and applies the schema's defaults", () => {
        const config = onboardingConfig("lookout", referenceArgs());
        assert.equal(config.entra.mode, "reference");
        assert.equal(config.connector.newDeviceCheckIntervalMinutes, 5);
        assert.deepEqual(config.connector.stateSync, { deviceStatus: true, threatStatus: true });
    });

    it("declares the same resources as a TypeScript stack, under its own type", async () => {
        const onboarding = new Onboarding("lookout", referenceArgs(), opts);
        assert.deepEqual(await valueOf(onboarding.enrollmentGroupNames), ["Lookout Pilot", "Sales Mobile"]);
        await valueOf(onboarding.onboardingRequest);
        assert.deepEqual(
            registered.map((r) => `${r.type} ${r.name}`),
            [
                "lookout-mtp:index:Onboarding lookout",
                "lookout-mtp:index:ConsoleAccessGroups lookout-console",
                "lookout-mtp:index:EnrollmentGroups lookout-enrollment",
                "pulumi-nodejs:dynamic/lookout:IntuneConnector lookout-intune-connector",
                "pulumi-nodejs:dynamic/lookout:NotificationPreferences lookout-notifications-secops@contoso.example",
                "pulumi-nodejs:dynamic/lookout:ThreatClassifications lookout-threat-classifications",
                "lookout-mtp:index:IntuneThreatDefense lookout-intune",
                "pulumi-nodejs:dynamic/intune:MtdConnector lookout-intune-mtd-connector",
                "pulumi-nodejs:dynamic/intune:ThreatCompliancePolicy lookout-intune-androidWorkProfile",
                "pulumi-nodejs:dynamic/intune:ThreatCompliancePolicy lookout-intune-ios",
            ],
        );
    });

    it("names every bad input by its path, and declares nothing", () => {
        const args = referenceArgs();
        const bad = {
            ...args,
            enrollmentGroups: [{ displayName: "" }],
            connector: { ...args.connector, heartbeatFrequencyMinutes: 0, errorReportEmail: "nobody" },
            threatClassifications: { RISKWARE: "severe" },
        } as unknown as OnboardingArgs;
        assert.throws(
            () => new Onboarding("lookout", bad, opts),
            (err: Error) => {
                assert.match(
                    err.message,
                    /^Onboarding 'lookout' has \d+ problem\(s\) in its inputs; nothing was changed/,
                );
                for (const input of [
                    "enrollmentGroups[0].displayName",
                    "connector.heartbeatFrequencyMinutes",
                    "connector.errorReportEmail",
                    "threatClassifications.RISKWARE",
                ]) {
                    assert.ok(err.message.includes(`  - ${input}: `), `names ${input}:\n${err.message}`);
                }
                assert.doesNotMatch(
                    err.message,
                    /lookout-mtp:/,
                    "inputs are named as the program wrote them, not as config keys",
                );
                return true;
            },
        );
        assert.deepEqual(
            registered.filter((r) => r.type !== "lookout-mtp:index:Onboarding"),
            [],
        );
    });

    it("refuses inputs that are outputs or secrets, which the schema cannot check in advance", () => {
        const args = {
            ...referenceArgs(),
            connector: { ...referenceArgs().connector, errorReportEmail: pulumi.secret("soc@contoso.example") },
        } as unknown as OnboardingArgs;
        assert.throws(
            () => onboardingConfig("lookout", args),
            /connector\.errorReportEmail: is an output of another resource or a secret; pass a plain value/,
        );
    });
});
