/**
 * Intune as the emulator plays it by default (contract/graph/intuneService.ts), and the clients
 * against it: throttling windows without Retry-After, objects that appear late, settings by intent,
 * one MAM partner per platform, and a connector create that names its own ID.
 */
import assert from "node:assert/strict";
import { defenderMtdConnectorId } from "../../contract/graph/intuneService";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { graphPaths } from "../../contract/graph/routes";
import { lookoutMtdConnectorId } from "../../contract/graph/schemas";
import { graphClientFor } from "../../providers/graph/connection";
import { defaultRetryPolicy } from "../../providers/http/retry";
import { mtdConnectorProvider } from "../../providers/intune/mtdConnector";
import { storeAppProvider } from "../../providers/intune/storeApp";
import { configured } from "../kit/providerHarness";
import { fastRetry, scaledRetryPolicy, startEmulatedTenant, type EmulatedTenant } from "../kit/lookoutEmulator";

const pilot = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
const [lookoutIos] = lookoutApps.ios;
const policyBody = (name: string) => ({
    "@odata.type": "#microsoft.graph.iosCompliancePolicy",
    displayName: name,
    scheduledActionsForRule: [
        { ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }] },
    ],
});

describe("Intune as documented: the emulator's default behaviour and the clients against it", () => {
    let t: EmulatedTenant | undefined;
    afterEach(async () => {
        await t?.emulator.close();
        t = undefined;
    });
    const start = async (options: Parameters<typeof startEmulatedTenant>[0] = {}) =>
        (t = await startEmulatedTenant(options));

    it("retries as Microsoft's SDKs do by default: from 3 s, Retry-After up to 180 s, a budget longer than a window", () => {
        assert.ok(defaultRetryPolicy.baseDelayMs >= 3_000);
        assert.ok(defaultRetryPolicy.maxDelayMs >= 180_000);
        assert.ok(defaultRetryPolicy.pollIntervalMs >= 2_000);
        // The waits of every retry, without jitter, outlast one 20-second window of Intune's.
        const waits = Array.from(
            { length: defaultRetryPolicy.maxAttempts - 1 },
            (_, i) => defaultRetryPolicy.baseDelayMs * 2 ** i,
        );
        assert.ok(waits.reduce((a, b) => a + b) > 20_000);
    });

    it("answers writes over a 20-second window with 429 and no Retry-After, and a client that backs off gets through", async () => {
        // A 10-second window (time scale 0.5): the first writes land in one window even on a loaded machine.
        await start({ intuneLimits: { writesPerAppPerTenant: 2 }, timeScale: 0.5 });
        const impatient = graphClientFor({ ...t!.graph, retry: { ...fastRetry, maxAttempts: 2 } });
        await impatient.request("POST", graphPaths.compliancePolicies, { body: policyBody("a") });
        await impatient.request("POST", graphPaths.compliancePolicies, { body: policyBody("b") });
        const refused = await impatient.request("POST", graphPaths.compliancePolicies, { body: policyBody("c") }).then(
            () => undefined,
            (e: Error & { outcome?: string }) => e,
        );
        assert.equal(refused?.outcome, "not processed", "retries that ran out on 429 wrote nothing");
        const throttled = t!.graphRequests().filter((r) => r.status === 429);
        assert.equal(throttled.length, 2, "one attempt, then one retry after a back-off");
        const raw = await fetch(`${t!.emulator.graphBaseUrl}${graphPaths.compliancePolicies}`, {
            method: "POST",
            headers: { authorization: `Bearer ${await tokenOf(t!)}`, "content-type": "application/json" },
            body: JSON.stringify(policyBody("d")),
        });
        assert.equal(raw.status, 429);
        assert.equal(raw.headers.get("retry-after"), null, "Intune sends no Retry-After");
        const patient = graphClientFor({ ...t!.graph, retry: scaledRetryPolicy(t!.emulator.timeScale) });
        await patient.request("POST", graphPaths.compliancePolicies, { body: policyBody("c") });
        assert.equal(Object.keys(t!.settings().compliancePolicies).length, 3, "nothing written twice");
    }).timeout(60_000);

    it("hides a new object for its replication delay: 404 on read and assign, then there", async () => {
        // 2.5 s hidden (time scale 0.5): the read and the assign right after the create land within it even under load.
        await start({ replicationDelayMs: 5_000, timeScale: 0.5 });
        const graph = graphClientFor(t!.graph);
        const { id } = (await graph.request<{ id: string }>("POST", graphPaths.compliancePolicies, {
            body: policyBody("new"),
        }))!.body;
        await assert.rejects(graph.request("GET", graphPaths.compliancePolicy(id)), /404 ResourceNotFound/);
        const assign = {
            assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot } }],
        };
        await assert.rejects(graph.request("POST", graphPaths.compliancePolicyAssign(id), { body: assign }), /404/);
        await new Promise((resolve) => setTimeout(resolve, 5_000 * t!.emulator.timeScale));
        assert.equal((await graph.request("GET", graphPaths.compliancePolicy(id)))!.status, 200);
    }).timeout(60_000);

    it("adds an iOS app while it is invisible and unpublished, waiting rather than deleting it", async () => {
        await start({ replicationDelayMs: 5_000 });
        const provider = await configured(storeAppProvider, t!.graph);
        const spec = { ...lookoutIos, intent: "available" as const, groupIds: [pilot] };
        const { id } = await provider.create({
            platform: spec.platform,
            storeId: spec.storeId,
            displayName: spec.displayName,
            publisher: spec.publisher,
            storeUrl: spec.storeUrl,
            intent: "available",
            groupIds: [pilot],
        });
        const app = t!.settings().mobileApps[id];
        assert.ok(app, "the app the stack added is there, not deleted and added again");
        assert.equal(Object.keys(t!.settings().mobileApps).length, 1);
        assert.deepEqual(
            app.assignments.map((a) => [a.intent, a.settings]),
            [
                [
                    "available",
                    {
                        "@odata.type": "#microsoft.graph.iosStoreAppAssignmentSettings",
                        uninstallOnDeviceRemoval: true,
                        vpnConfigurationId: null,
                    },
                ],
            ],
        );
        assert.equal(t!.writes().filter((w) => w.method === "DELETE").length, 0);
    });

    it("stops an app's create whose retries ran out on 429 without looking for it in the list: nothing was created", async () => {
        await start({ intuneLimits: { writesPerAppPerTenant: 0 } });
        const provider = await configured(storeAppProvider, t!.graph);
        await assert.rejects(
            provider.create({
                platform: lookoutIos.platform,
                storeId: lookoutIos.storeId,
                displayName: lookoutIos.displayName,
                publisher: lookoutIos.publisher,
                storeUrl: lookoutIos.storeUrl,
                intent: "required",
                groupIds: [pilot],
            }),
            /POST \/deviceAppManagement\/mobileApps did not succeed \(last: HTTP 429/,
        );
        const requests = t!.graphRequests().map((r) => `${r.method} ${r.status}`);
        const firstPost = requests.indexOf("POST 429");
        assert.ok(firstPost > 0, requests.join(", "));
        assert.deepEqual(
            requests.slice(firstPost),
            requests.slice(firstPost).map(() => "POST 429"),
            "after the create was refused, no list was polled",
        );
    });

    it("rewrites an assignment's settings with its intent: required to available passes Intune's rule", async () => {
        await start();
        const provider = await configured(storeAppProvider, t!.graph);
        const inputs = {
            platform: lookoutIos.platform,
            storeId: lookoutIos.storeId,
            displayName: lookoutIos.displayName,
            publisher: lookoutIos.publisher,
            storeUrl: lookoutIos.storeUrl,
            intent: "required" as const,
            groupIds: [pilot],
        };
        const { id, outs } = await provider.create(inputs);
        const settings = () => t!.settings().mobileApps[id].assignments.map((a) => [a.intent, a.settings?.isRemovable]);
        assert.deepEqual(settings(), [["required", false]]);
        await provider.update(id, outs, { ...inputs, intent: "available" });
        assert.deepEqual(settings(), [["available", undefined]], "isRemovable went with the required intent");
    });

    it("refuses isRemovable on an iOS store app assignment that is not required, as Intune does", async () => {
        await start();
        const graph = graphClientFor(t!.graph);
        const { id } = (await graph.request<{ id: string }>("POST", graphPaths.mobileApps, {
            body: {
                "@odata.type": "#microsoft.graph.iosStoreApp",
                displayName: "x",
                publisher: "x",
                bundleId: "x",
                appStoreUrl: "https://apps.apple.com/app/id1",
                applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
                minimumSupportedOperatingSystem: { v15_0: true },
            },
        }))!.body;
        t!.emulator.store.tenantById(t!.tenantId)!.mobileApps[id].body.publishingState = "published";
        const assignment = (intent: string) => ({
            "@odata.type": "#microsoft.graph.mobileAppAssignment",
            intent,
            target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot },
            settings: { "@odata.type": "#microsoft.graph.iosStoreAppAssignmentSettings", isRemovable: false },
        });
        await assert.rejects(
            graph.request("POST", graphPaths.mobileAppAssignments(id), { body: assignment("available") }),
            /400 BadRequest: IsRemovable setting is only supported for Required intent\./,
        );
        const created = (await graph.request<{ id: string }>("POST", graphPaths.mobileAppAssignments(id), {
            body: assignment("required"),
        }))!.body;
        await assert.rejects(
            graph.request("PATCH", graphPaths.mobileAppAssignment(id, created.id), {
                body: { "@odata.type": "#microsoft.graph.mobileAppAssignment", intent: "available" },
            }),
            /IsRemovable setting is only supported for Required intent/,
            "an intent changed alone keeps the stored settings, which the new intent refuses",
        );
    });

    it("refuses a second connector holding MAM evaluation on a platform", async () => {
        await start();
        const graph = graphClientFor(t!.graph);
        await graph.request("POST", graphPaths.mtdConnectors, {
            body: { id: defenderMtdConnectorId, iosMobileApplicationManagementEnabled: true },
        });
        await assert.rejects(
            graph.request("POST", graphPaths.mtdConnectors, {
                body: { id: lookoutMtdConnectorId, iosMobileApplicationManagementEnabled: true },
            }),
            /400 BadRequest: Only one partner per platform may be enabled for Mobile Application Management \(MAM\) evaluation\./,
        );
        await graph.request("POST", graphPaths.mtdConnectors, {
            body: { id: lookoutMtdConnectorId, androidMobileApplicationManagementEnabled: true },
        });
        await assert.rejects(
            graph.request("PATCH", graphPaths.mtdConnector(lookoutMtdConnectorId), {
                body: { iosMobileApplicationManagementEnabled: true },
            }),
            /Only one partner per platform/,
        );
    });

    it("may name a new connector itself, ignoring the id sent: the provider removes it again and says what to do", async () => {
        await start({ connectorCreateAssignsId: true, replicationDelayMs: 5_000 });
        const graph = graphClientFor(t!.graph);
        const created = (await graph.request<{ id: string }>("POST", graphPaths.mtdConnectors, {
            body: { id: lookoutMtdConnectorId, iosEnabled: true },
        }))!.body;
        assert.notEqual(created.id, lookoutMtdConnectorId);
        delete t!.emulator.store.tenantById(t!.tenantId)!.mtdConnectors[created.id];

        const provider = await configured(mtdConnectorProvider, t!.graph);
        await assert.rejects(
            provider.create({ iosEnabled: true }),
            /^Error: Intune Mobile Threat Defense connector for Lookout: Intune named the new connector [0-9a-f-]+ instead of Lookout's partner ID 2c7790de-8b02-4814-85cf-e0c59380dee8, so it was removed again\. Set the connector up in the Intune admin center: Tenant administration > Connectors and tokens > Mobile Threat Defense > Add, select Lookout for Work, Create; then run `pulumi up` again, which adopts it\.$/,
        );
        assert.deepEqual(t!.settings().mtdConnectors, {}, "nothing left behind");
    });
});

async function tokenOf(t: EmulatedTenant): Promise<string> {
    const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: t.graphApp.clientId,
        client_secret: t.graphApp.clientSecret,
        scope: "https://graph.microsoft.com/.default",
    });
    const answer = await fetch(`${t.emulator.authorityHost}/${t.entraTenantId}/oauth2/v2.0/token`, {
        method: "POST",
        body: form,
    });
    return ((await answer.json()) as { access_token: string }).access_token;
}
