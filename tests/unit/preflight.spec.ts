import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/stackConfig";
import { graphClientFor } from "../../providers/graph/connection";
import { runPreflight } from "../../components/onboarding/preflight";
import { sampleDirectory, validGraphConfig, validReferenceConfig, parsedConfig } from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

const config = parsedConfig;

describe("preflight: what must hold before anything is written", () => {
    const t = useEmulatedTenant({
        eachTest: true,
        prepare: (t) => {
            t.emulator.store.tenantById(t.tenantId)!.directory = sampleDirectory();
        },
    });
    const graph = () => graphClientFor(t.graph);
    const revokeConsent = () => (t.emulator.store.tenantById(t.tenantId)!.servicePrincipals = []);
    const rejection = (c: StackConfig) =>
        runPreflight(c, graph(), t.console).then(
            () => assert.fail("the preflight must fail"),
            (err: Error) => err,
        );

    it("passes a consented tenant and hands back Lookout's service principal", async () => {
        const result = await runPreflight(config(validGraphConfig()), graph(), t.console);
        assert.equal(
            result.consent?.servicePrincipalObjectId,
            t.emulator.store.tenantById(t.tenantId)!.servicePrincipals[0].id,
        );
    });

    it("names what Lookout support needs first when consent is missing (Lookout may not have set up the account yet)", async () => {
        revokeConsent();
        const err = await rejection(config(validGraphConfig()));
        assert.ok(pulumi.RunError.isInstance(err));
        assert.match(err.message, /^The onboarding cannot start; nothing was changed:\n {2}- lookout-mtp:consent: /);
        assert.match(
            err.message,
            new RegExp(
                `send Lookout Enterprise Support first: Entra tenant ID ${t.entraTenantId}; full console access group 'Lookout MTP Admins' 1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e; restricted console access group 'Lookout MTP Analysts' 2c7a3d4e`,
            ),
        );
    });

    it("reports a group problem, missing consent and an unapproved managed Google Play app at once, one line each", async () => {
        revokeConsent();
        const raw = validGraphConfig();
        const err = await rejection(
            config({
                ...raw,
                "lookout-mtp:enrollmentGroups": [{ displayName: "lookout pilot" }],
                "lookout-mtp:intune": { ...(raw["lookout-mtp:intune"] as object), apps: { androidEnterprise: true } },
            }),
        );
        // One heading, then one line per problem: the group check's own heading is not repeated.
        const [heading, ...problems] = err.message.split("\n");
        assert.equal(heading, "The onboarding cannot start (3 checks failed); nothing was changed:");
        assert.equal(problems.length, 3, err.message);
        assert.match(
            problems[0],
            /^ {2}- lookout-mtp:enrollmentGroups\[0\] \('lookout pilot'\): .*did you mean 'Lookout Pilot'\?/,
        );
        assert.match(problems[1], /^ {2}- lookout-mtp:consent: Lookout's app/);
        assert.match(
            problems[2],
            /^ {2}- lookout-mtp:intune\.apps\.androidEnterprise: the managed Google Play app Lookout for Work/,
        );
    });

    it("refuses reference mode when the signed-in identity belongs to another tenant than entra.tenantId", async () => {
        const other = "11111111-2222-4333-8444-555555555555";
        const err = await rejection(
            config({ ...validReferenceConfig(), "lookout-mtp:entra": { mode: "reference", tenantId: other } }),
        );
        assert.match(
            err.message,
            new RegExp(
                `lookout-mtp:entra\\.tenantId: is ${other}, but Microsoft Graph signed in [0-9a-f-]+ to tenant ${t.entraTenantId}`,
            ),
        );
    });

    it("makes no Graph request for groups in reference mode, 4 for the consent, the MTD connectors, and the impact's Intune reads", async () => {
        t.emulator.clearRequests();
        const result = await runPreflight(config(validReferenceConfig()), graph(), t.console);
        const reads = t.graphRequests().filter((r) => !r.path.endsWith("/token"));
        assert.equal(reads.filter((r) => r.path.includes("/groups")).length, 0, reads.map((r) => r.path).join("\n"));
        assert.equal(reads.filter((r) => r.path.includes("servicePrincipals")).length, 4);
        // The other partners' connectors; the impact: the policies' current levels, then one page of devices per platform of a policy.
        assert.deepEqual(
            reads
                .filter((r) => !r.path.includes("servicePrincipals"))
                .map((r) => r.path)
                .sort(),
            [
                "/graph/v1.0/deviceManagement/deviceCompliancePolicies",
                "/graph/v1.0/deviceManagement/managedDevices",
                "/graph/v1.0/deviceManagement/managedDevices",
                "/graph/v1.0/deviceManagement/mobileThreatDefenseConnectors",
            ],
        );
        assert.ok(result.impact!.enrollment.every((w) => /reference mode reads no group sizes/.test(w)));
    });

    describe("the other Mobile Threat Defense partners", () => {
        const defender = "fc780465-2017-40d4-a0c5-307022471b92";
        const withConnector = (settings: Record<string, unknown>) => {
            const raw = validGraphConfig();
            const intune = raw["lookout-mtp:intune"] as { mtdConnector: object };
            return config({
                ...raw,
                "lookout-mtp:intune": { ...intune, mtdConnector: { ...intune.mtdConnector, ...settings } },
            });
        };
        const seedDefender = (settings: Record<string, unknown>) =>
            (t.emulator.store.tenantById(t.tenantId)!.mtdConnectors[defender] = { id: defender, ...settings });

        it("refuses app protection evaluation that Defender for Endpoint holds on the platform, naming the key, before any write", async () => {
            seedDefender({ iosMobileApplicationManagementEnabled: true });
            t.emulator.clearRequests();
            const err = await rejection(withConnector({ iosMobileApplicationManagementEnabled: true }));
            assert.match(
                err.message,
                /^The onboarding cannot start; nothing was changed:\n {2}- lookout-mtp:intune\.mtdConnector\.iosMobileApplicationManagementEnabled: Microsoft Defender for Endpoint \(connector fc780465-2017-40d4-a0c5-307022471b92\) holds app protection policy evaluation for iOS\/iPadOS, and Intune allows one partner per platform; turn it off for that connector \(Intune admin center > Tenant administration > Connectors and tokens > Mobile Threat Defense\), or set this key to false\.$/,
            );
            assert.deepEqual(t.writes(), []);
            // The other platform is free: Android's evaluation may be enabled.
            await runPreflight(withConnector({ androidMobileApplicationManagementEnabled: true }), graph(), t.console);
        });

        it("warns that every device needs both apps when another vendor is connected for compliance too", async () => {
            seedDefender({ iosEnabled: true, androidEnabled: false });
            const result = await runPreflight(withConnector({}), graph(), t.console);
            assert.deepEqual(result.partners, [
                "lookout-mtp:intune.mtdConnector.iosEnabled: Microsoft Defender for Endpoint (connector fc780465-2017-40d4-a0c5-307022471b92) is also connected for iOS/iPadOS compliance; every iOS/iPadOS device then needs both vendors' apps, or Intune marks it non-compliant.",
            ]);
        });
    });
});
