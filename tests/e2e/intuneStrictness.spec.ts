/**
 * Intune as it is documented, on the real engine: throttling windows without Retry-After, new
 * objects invisible for a while (both the emulator's default behaviour, at the tests' time scale),
 * and assignment settings by intent. The stack converges with nothing written twice and nothing
 * deleted to recover.
 */
import assert from "node:assert/strict";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { defenderMtdConnectorId } from "../../contract/graph/intuneService";
import { sampleDirectory, validGraphConfig, validReferenceConfig } from "../kit/configFixtures";
import { compiledProgram } from "../kit/program";
import { useTestStack, withTestStack } from "../kit/testStack";

const groups = ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091"];

function withApps(apps: Record<string, unknown>) {
    const config = validGraphConfig();
    return { ...config, "lookout-mtp:intune": { ...(config["lookout-mtp:intune"] as object), apps } };
}

/** The directory of the fixtures and Lookout for Work approved in managed Google Play. */
function prepare(tenant: EmulatedTenant): void {
    tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!.directory = sampleDirectory();
    const [android] = lookoutApps.androidEnterprise;
    approveManagedGooglePlayApp(
        tenant.emulator.store.tenantById(tenant.tenantId)!,
        { packageId: android.storeId, displayName: android.displayName, publisher: android.publisher },
        Date.now(),
    );
}

describe("Intune's throttling windows and late objects (real engine)", function () {
    this.timeout(300_000);
    // A tenant whose Intune budget is nearly spent: four writes per window for the app, six for the tenant;
    // a 10-second window (time scale 0.5), so the run's first writes land in one window even on a loaded machine.
    const { tenant, t } = useTestStack("throttled", {
        emulator: { intuneLimits: { writesPerAppPerTenant: 4, writesPerTenant: 6 }, timeScale: 0.5 },
        prepare,
        program: compiledProgram(withApps({ ios: true, androidEnterprise: true })),
    });

    it("up converges, saying what it waits for, with nothing created twice and nothing deleted", async () => {
        tenant.emulator.clearRequests();
        await t.stack.up(t.run);
        const s = tenant.settings();
        const apps = Object.values(s.mobileApps);
        assert.equal(apps.length, 3, "Lookout for Work on both platforms and Authenticator, each once");
        for (const app of apps)
            assert.deepEqual(app.assignments.map((a) => a.target.groupId).sort(), groups, String(app.body.displayName));
        assert.equal(Object.keys(s.mtdConnectors).length, 1);
        const policies = Object.values(s.compliancePolicies);
        assert.equal(policies.length, 2);
        for (const p of policies) assert.deepEqual(p.assignments.map((a) => a.target.groupId).sort(), groups);
        const requests = tenant.graphRequests();
        assert.ok(
            requests.some((r) => r.status === 429),
            "Intune throttled the run (else this test shows nothing)",
        );
        assert.deepEqual(
            requests.filter((r) => r.method === "DELETE"),
            [],
            "nothing deleted to recover",
        );
        assert.match(t.transcript.join("\n"), /lookout-mtp: Microsoft Graph [A-Z]+ \/device\S+: HTTP 429[^\n]*waiting/);
    });

    it("a second up writes nothing", async () => {
        tenant.emulator.clearRequests();
        await t.stack.up(t.run);
        assert.deepEqual(tenant.writes(), []);
    });
});

describe("intune.apps.intent: available (real engine)", function () {
    this.timeout(300_000);

    it("converges for iOS and Android, with settings valid for the intent, and back to required", () =>
        withTestStack(
            "available",
            {
                prepare,
                program: compiledProgram(withApps({ ios: true, androidEnterprise: true, intent: "available" })),
            },
            async (t, tenant) => {
                await t.stack.up(t.run);
                const assignments = () => Object.values(tenant.settings().mobileApps).flatMap((a) => a.assignments);
                assert.equal(assignments().length, 6);
                for (const a of assignments()) {
                    assert.equal(a.intent, "available");
                    assert.equal(a.settings?.isRemovable, undefined, "no setting only required allows");
                }
                await t.setConfig({
                    "lookout-mtp:intune": {
                        ...(validGraphConfig()["lookout-mtp:intune"] as object),
                        apps: { ios: true, androidEnterprise: true, intent: "required" },
                    },
                });
                await t.stack.up(t.run);
                assert.deepEqual([...new Set(assignments().map((a) => a.intent))], ["required"]);
            },
        ));
});

describe("another partner holding app protection evaluation (real engine)", function () {
    this.timeout(300_000);

    it("refuses in preview, naming the config key, before any write", () =>
        withTestStack(
            "mampartner",
            {
                prepare: (tenant) => {
                    const defender = defenderMtdConnectorId;
                    tenant.emulator.store.tenantById(tenant.tenantId)!.mtdConnectors[defender] = {
                        id: defender,
                        iosMobileApplicationManagementEnabled: true,
                    };
                },
                config: {
                    "lookout-mtp:intune": {
                        ...(validReferenceConfig()["lookout-mtp:intune"] as { mtdConnector: object }),
                        mtdConnector: {
                            ...(validReferenceConfig()["lookout-mtp:intune"] as { mtdConnector: object }).mtdConnector,
                            iosMobileApplicationManagementEnabled: true,
                        },
                    },
                },
            },
            async (t, tenant) => {
                tenant.emulator.clearRequests();
                const error = await t.stack.preview(t.run).then(
                    () => undefined,
                    (e: Error) => e,
                );
                assert.ok(error, "preview must fail");
                assert.match(
                    error.message,
                    /lookout-mtp:intune\.mtdConnector\.iosMobileApplicationManagementEnabled: Microsoft Defender for Endpoint \(connector fc780465-2017-40d4-a0c5-307022471b92\) holds app protection policy evaluation for iOS\/iPadOS/,
                );
                await assert.rejects(t.stack.up(t.run), /iosMobileApplicationManagementEnabled: Microsoft Defender/);
                assert.deepEqual(tenant.writes(), [], "nothing written");
            },
        ));
});

describe("other admins' assignments on the stack's compliance policies (real engine)", function () {
    this.timeout(300_000);

    it("another admin's include group and every filter survive up --refresh and destroy", () =>
        withTestStack("ownership", {}, async (t, tenant) => {
            await t.stack.up(t.run);
            const policies = () => tenant.emulator.store.tenantById(tenant.tenantId)!.compliancePolicies;
            const filter = {
                deviceAndAppManagementAssignmentFilterId: "f1f1f1f1-0000-4000-8000-000000000001",
                deviceAndAppManagementAssignmentFilterType: "include",
            };
            const theirs = {
                "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                groupId: "5f0d6071-2c3e-4f90-9b4c-5d6e7f809100",
                ...filter,
            };
            // In the portal: a filter on the stack's first group, and another admin's group with a filter.
            for (const [id, policy] of Object.entries(policies())) {
                Object.assign(policy.assignments[0].target, filter);
                policy.assignments.push({ id: `${id}_${theirs.groupId}`, target: { ...theirs } });
            }
            const before = JSON.stringify(Object.values(policies()).map((p) => p.assignments));
            tenant.emulator.clearRequests();
            await t.stack.up({ ...t.run, refresh: true });
            assert.equal(JSON.stringify(Object.values(policies()).map((p) => p.assignments)), before);
            assert.deepEqual(
                tenant.writes().filter((w) => w.path.includes("deviceCompliancePolicies")),
                [],
                "up --refresh writes nothing to the policies",
            );

            await t.stack.destroy(t.run);
            const left = Object.values(policies());
            assert.equal(left.length, 2, "the policies others assigned stay");
            for (const p of left)
                assert.deepEqual(
                    p.assignments.map((a) => a.target),
                    [theirs],
                );
        }));
});
