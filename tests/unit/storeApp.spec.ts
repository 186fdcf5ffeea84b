import assert from "node:assert/strict";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { graphPaths } from "../../contract/graph/routes";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import { seedDevTenant } from "../../emulator/devTenant";
import { storeAppProvider, type StoreAppInputs } from "../../intune/storeApp";
import { useProvider } from "../../testkit/providerHarness";

const groups = ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091"];
const inputs = (spec: (typeof lookoutApps)[keyof typeof lookoutApps][number], overrides: Partial<StoreAppInputs> = {}): StoreAppInputs => ({
    platform: spec.platform,
    storeId: spec.storeId,
    displayName: spec.displayName,
    publisher: spec.publisher,
    storeUrl: spec.storeUrl,
    intent: "required",
    groupIds: groups,
    ...overrides,
});
const [lookoutIos, authenticator] = lookoutApps.ios;
const [lookoutAndroid] = lookoutApps.androidEnterprise;

describe("StoreApp provider (Lookout for Work through Intune)", () => {
    const { tenant: t, provider } = useProvider(storeAppProvider, "graph");
    const tenant = () => t.emulator.store.tenantById(t.tenantId)!;
    const apps = () => Object.values(tenant().mobileApps);
    const writes = () => t.graphRequests().filter((r) => r.method !== "GET");

    it("adds Lookout for Work from the App Store when Intune lacks it, with exactly one minimum OS, assigned required to the groups", async () => {
        const { id, outs } = await provider.create(inputs(lookoutIos));
        const [app] = apps();
        assert.equal(app.body.id, id);
        assert.equal(app.body["@odata.type"], "#microsoft.graph.iosStoreApp");
        assert.equal(app.body.bundleId, lookoutIos.storeId);
        assert.equal(Object.values(app.body.minimumSupportedOperatingSystem as Record<string, boolean>).filter(Boolean).length, 1);
        assert.deepEqual(
            app.assignments.map((a) => [a.intent, a.target.groupId, a.settings?.["@odata.type"]]),
            groups.map((g) => ["required", g, "#microsoft.graph.iosStoreAppAssignmentSettings"]),
        );
        assert.equal(outs.previous, null);
        assert.deepEqual(
            writes().map((r) => `${r.method} ${r.path}`),
            [`POST /graph/v1.0${graphPaths.mobileApps}`, `POST /graph/v1.0${graphPaths.mobileAppAssign(id)}`],
        );
    });

    it("adopts an app another admin added, keeps their assignment as it was, and puts back only its own on delete", async () => {
        seedDevTenant(t.emulator.store, tenant());
        const before = structuredClone(apps().find((a) => a.body.bundleId === authenticator.storeId)!);
        const { id, outs } = await provider.create(inputs(authenticator));
        assert.equal(id, before.body.id, "no second app");
        const after = tenant().mobileApps[id].assignments;
        assert.deepEqual(after[0].target, before.assignments[0].target);
        assert.deepEqual(after[0].settings, before.assignments[0].settings, "the other admin's settings are not reset");
        assert.equal(after[0].intent, "available");
        assert.deepEqual(
            after.slice(1).map((a) => [a.intent, a.target.groupId]),
            groups.map((g) => ["required", g]),
        );
        assert.deepEqual(outs.previous, { assignments: [] });
        await provider.delete(id, outs);
        assert.ok(tenant().mobileApps[id], "an adopted app is never deleted");
        assert.deepEqual(
            tenant().mobileApps[id].assignments.map((a) => a.target),
            before.assignments.map((a) => a.target),
        );
    });

    it("takes back an app an interrupted run added, writing nothing when it is assigned as declared", async () => {
        const { id } = await provider.create(inputs(lookoutIos));
        t.emulator.clearRequests();
        const again = await provider.create(inputs(lookoutIos));
        assert.equal(again.id, id, "no second app");
        assert.deepEqual(writes(), []);
        assert.equal(again.outs.previous, null, "the stack's own app: deleted on destroy");
    });

    it("finds an app an admin added under another bundle ID by its App Store ID, instead of adding a second one", async () => {
        const byHand = await provider.create(inputs(lookoutIos, { storeId: "com.lookout.enterprise.contoso" }));
        const { id } = await provider.create(inputs(lookoutIos));
        assert.equal(id, byHand.id);
        assert.equal(apps().length, 1);
    });

    it("finds the managed Google Play app on beta and assigns it through v1.0", async () => {
        const appId = approveManagedGooglePlayApp(tenant(), { packageId: lookoutAndroid.storeId, displayName: "Lookout for Work", publisher: "Lookout" }, Date.now());
        const { id } = await provider.create(inputs(lookoutAndroid));
        assert.equal(id, appId);
        const calls = t.graphRequests().map((r) => `${r.method} ${r.path.split("?")[0]}`);
        assert.ok(calls.includes("GET /graph/beta/deviceAppManagement/mobileApps"), calls.join("\n"));
        assert.ok(calls.includes(`POST /graph/v1.0${graphPaths.mobileAppAssign(appId)}`));
        assert.deepEqual(
            tenant().mobileApps[appId].assignments.map((a) => [a.intent, a.target.groupId, a.settings]),
            groups.map((g) => ["required", g, null]),
        );
    });

    it("stops with the managed Google Play steps, writing nothing, when an admin has not approved the app", async () => {
        await assert.rejects(provider.create(inputs(lookoutAndroid)), /not in Intune\. Graph v1\.0 has no call to approve it.*Managed Google Play app.*Sync/);
        assert.deepEqual(writes(), []);
    });

    it("changes only the managed groups' intent, and reads a changed intent back as drift", async () => {
        const { id, outs } = await provider.create(inputs(lookoutIos));
        const { outs: changed } = await provider.update(id, outs, inputs(lookoutIos, { intent: "available" }));
        assert.deepEqual(
            tenant().mobileApps[id].assignments.map((a) => a.intent),
            ["available", "available"],
        );
        tenant().mobileApps[id].assignments[0].intent = "required";
        const read = await provider.read(id, changed);
        assert.equal((read.props as StoreAppInputs).intent, "required");
    });

    it("deletes an app it added", async () => {
        const { id, outs } = await provider.create(inputs(lookoutIos));
        await provider.delete(id, outs);
        assert.equal(tenant().mobileApps[id], undefined);
    });

    it("refuses an unknown intent and an empty group list in check", async () => {
        const { failures } = await provider.check({} as never, { ...inputs(lookoutIos), intent: "uninstall" as never, groupIds: [] });
        assert.deepEqual(failures!.map((f) => f.property).sort(), ["groupIds", "intent"]);
    });
});
