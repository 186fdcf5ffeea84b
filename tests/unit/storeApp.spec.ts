import assert from "node:assert/strict";
import {
    completeEntity,
    iosStoreAppProperties,
    iosStoreAppType,
    iosVppAppProperties,
    iosVppAppType,
} from "../../contract/graph/entities";
import { lookoutApps } from "../../contract/graph/lookoutApps";
import { graphPaths } from "../../contract/graph/routes";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import { seedDevTenant } from "../../emulator/devTenant";
import type { StoredMobileApp } from "../../emulator/store";
import { storeAppProvider, type StoreAppInputs } from "../../providers/intune/storeApp";
import { useProvider } from "../kit/providerHarness";

const [pilot, sales] = ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091"];
const groups = [pilot, sales];
const [lookoutIos, authenticator] = lookoutApps.ios;
const [lookoutAndroid] = lookoutApps.androidEnterprise;
const inputs = (
    spec: (typeof lookoutApps)[keyof typeof lookoutApps][number],
    overrides: Partial<StoreAppInputs> = {},
): StoreAppInputs => ({
    platform: spec.platform,
    storeId: spec.storeId,
    displayName: spec.displayName,
    publisher: spec.publisher,
    storeUrl: spec.storeUrl,
    intent: "required",
    groupIds: groups,
    ...overrides,
});

/** What another admin's assignment carries that Graph v1.0 does not show: an assignment filter on its target (beta). */
const betaFilter = {
    deviceAndAppManagementAssignmentFilterId: "f1f1f1f1-0000-4000-8000-000000000001",
    deviceAndAppManagementAssignmentFilterType: "include",
};

describe("StoreApp provider (Lookout for Work through Intune)", () => {
    const { tenant: t, provider } = useProvider(storeAppProvider, "graph");
    const tenant = () => t.emulator.store.tenantById(t.tenantId)!;
    const apps = () => Object.values(tenant().mobileApps);
    const writes = () => t.graphRequests().filter((r) => r.method !== "GET");

    /** Lookout for Work as an admin added it in the portal: another bundle ID, offered to the pilot group with a filter, and to all users. */
    function addedByHand(): StoredMobileApp {
        const id = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
        tenant().mobileApps[id] = {
            body: {
                ...completeEntity(iosStoreAppProperties, {
                    displayName: "Lookout for Work (IT)",
                    bundleId: "com.lookout.enterprise.contoso",
                    appStoreUrl: "https://apps.apple.com/us/app/lookout-for-work/id997193468",
                    applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
                    publishingState: "published",
                }),
                "@odata.type": iosStoreAppType,
                id,
            },
            assignments: [
                {
                    id: `${id}_pilot`,
                    intent: "available",
                    target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot, ...betaFilter },
                    settings: null,
                },
                {
                    id: `${id}_all`,
                    intent: "available",
                    target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" },
                    settings: null,
                },
            ],
        };
        return structuredClone(tenant().mobileApps[id]);
    }

    it("adds Lookout for Work from the App Store when Intune lacks it, waits until it is published, then assigns it required to each group", async () => {
        const { id, outs } = await provider.create(inputs(lookoutIos));
        const [app] = apps();
        assert.equal(app.body.id, id);
        assert.equal(app.body["@odata.type"], "#microsoft.graph.iosStoreApp");
        assert.equal(app.body.bundleId, lookoutIos.storeId);
        assert.equal(
            Object.values(app.body.minimumSupportedOperatingSystem as Record<string, boolean>).filter(Boolean).length,
            1,
        );
        assert.deepEqual(
            app.assignments.map((a) => [a.intent, a.target.groupId, a.settings?.["@odata.type"]]),
            groups.map((g) => ["required", g, "#microsoft.graph.iosStoreAppAssignmentSettings"]),
        );
        assert.equal(outs.previous, null);
        assert.deepEqual(
            writes().map((r) => `${r.method} ${r.path}`),
            [graphPaths.mobileApps, graphPaths.mobileAppAssignments(id), graphPaths.mobileAppAssignments(id)].map(
                (p) => `POST /graph/v1.0${p}`,
            ),
        );
    });

    it("adopts an admin's app found by its App Store ID, touching only the managed groups, and puts back exactly what it changed on delete", async () => {
        const before = addedByHand();
        const { id, outs } = await provider.create(inputs(lookoutIos));
        assert.equal(id, before.body.id, "no second app");
        assert.equal(apps().length, 1);
        const after = tenant().mobileApps[id].assignments;
        const pilotAssignment = after.find((a) => a.target.groupId === pilot)!;
        assert.equal(pilotAssignment.intent, "required", "the pilot group's intent changed");
        assert.equal(
            pilotAssignment.target.deviceAndAppManagementAssignmentFilterId,
            betaFilter.deviceAndAppManagementAssignmentFilterId,
            "its filter, which v1.0 does not show, survives",
        );
        assert.deepEqual(
            after.find((a) => a.id === `${id}_all`),
            before.assignments[1],
            "all users' assignment is not touched",
        );
        assert.ok(
            !writes().some((r) => r.path.endsWith(`${id}_all`)),
            "nothing is sent for an assignment the stack does not manage",
        );
        assert.deepEqual(
            outs.previous?.assignments.map((a) => [a.id, a.intent]),
            [[`${id}_pilot`, "available"]],
        );

        await provider.delete(id, outs);
        assert.ok(tenant().mobileApps[id], "an adopted app is never deleted");
        assert.deepEqual(
            tenant().mobileApps[id].assignments,
            before.assignments,
            "back as the admin left it, filter included",
        );
    });

    it("adopts Microsoft Authenticator another admin offered to all users, and keeps that assignment and its settings", async () => {
        seedDevTenant(t.emulator.store, tenant());
        const before = structuredClone(apps().find((a) => a.body.bundleId === authenticator.storeId)!);
        const { id, outs } = await provider.create(inputs(authenticator));
        assert.equal(id, before.body.id);
        assert.deepEqual(tenant().mobileApps[id].assignments[0], before.assignments[0]);
        await provider.delete(id, outs);
        assert.deepEqual(tenant().mobileApps[id].assignments, before.assignments);
    });

    it("adopts Authenticator bought through Apple Business Manager (a VPP app) instead of adding a store app beside it, licensing new assignments to the device", async () => {
        const vppId = "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e";
        tenant().mobileApps[vppId] = {
            body: {
                ...completeEntity(iosVppAppProperties, {
                    displayName: "Microsoft Authenticator",
                    bundleId: authenticator.storeId,
                    publishingState: "published",
                    totalLicenseCount: 500,
                }),
                "@odata.type": iosVppAppType,
                id: vppId,
            },
            assignments: [],
        };
        const { id } = await provider.create(inputs(authenticator));
        assert.equal(id, vppId);
        assert.equal(apps().length, 1, "no store app beside the VPP app");
        assert.deepEqual(
            tenant().mobileApps[vppId].assignments.map((a) => a.settings),
            groups.map(() => ({
                "@odata.type": "#microsoft.graph.iosVppAppAssignmentSettings",
                useDeviceLicensing: true,
                vpnConfigurationId: null,
            })),
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

    it("finds the managed Google Play app on beta and assigns it through v1.0, without settings", async () => {
        const appId = approveManagedGooglePlayApp(
            tenant(),
            { packageId: lookoutAndroid.storeId, displayName: "Lookout for Work", publisher: "Lookout" },
            Date.now(),
        );
        const { id } = await provider.create(inputs(lookoutAndroid));
        assert.equal(id, appId);
        const calls = t.graphRequests().map((r) => `${r.method} ${r.path.split("?")[0]}`);
        assert.ok(calls.includes("GET /graph/beta/deviceAppManagement/mobileApps"), calls.join("\n"));
        assert.ok(calls.includes(`POST /graph/v1.0${graphPaths.mobileAppAssignments(appId)}`));
        assert.deepEqual(
            tenant().mobileApps[appId].assignments.map((a) => [a.intent, a.target.groupId, a.settings]),
            groups.map((g) => ["required", g, null]),
        );
    });

    it("stops with the managed Google Play steps, writing nothing, when an admin has not approved the app", async () => {
        await assert.rejects(
            provider.create(inputs(lookoutAndroid)),
            /not in Intune\. Graph v1\.0 has no call to approve it.*Managed Google Play app.*Sync/,
        );
        assert.deepEqual(writes(), []);
    });

    it("changes only the managed groups' intent, and reads a changed intent back as drift", async () => {
        addedByHand();
        const { id, outs } = await provider.create(inputs(lookoutIos));
        const { outs: changed } = await provider.update(id, outs, inputs(lookoutIos, { intent: "available" }));
        const assignments = tenant().mobileApps[id].assignments;
        assert.deepEqual(
            assignments.filter((a) => a.target.groupId).map((a) => [a.target.groupId, a.intent]),
            groups.map((g) => [g, "available"]),
        );
        assignments.find((a) => a.target.groupId === sales)!.intent = "required";
        const read = await provider.read(id, changed);
        assert.equal((read.props as StoreAppInputs).intent, "required");
    });

    it("gives a released group back what it had, and removes the assignment the stack added for another", async () => {
        const before = addedByHand();
        const { id, outs } = await provider.create(inputs(lookoutIos));
        const { outs: none } = await provider.update(id, outs, inputs(lookoutIos, { groupIds: [sales] }));
        assert.deepEqual(
            tenant().mobileApps[id].assignments.find((a) => a.target.groupId === pilot),
            before.assignments[0],
            "the pilot group is available again, as the admin had it",
        );
        await provider.update(id, none, inputs(lookoutIos, { groupIds: [pilot] }));
        assert.ok(
            !tenant().mobileApps[id].assignments.some((a) => a.target.groupId === sales),
            "the stack's own assignment of sales is gone",
        );
    });

    it("deletes an app it added, but keeps one that others assigned meanwhile, removing only its own assignments", async () => {
        const first = await provider.create(inputs(lookoutIos));
        await provider.delete(first.id, first.outs);
        assert.equal(tenant().mobileApps[first.id], undefined);

        const second = await provider.create(inputs(lookoutIos));
        tenant().mobileApps[second.id].assignments.push({
            id: "someone-else",
            intent: "available",
            target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" },
            settings: null,
        });
        await provider.delete(second.id, second.outs);
        assert.deepEqual(
            tenant().mobileApps[second.id].assignments.map((a) => a.id),
            ["someone-else"],
        );
    });

    it("accepts a new bundle ID that names the same app (by App Store ID) without replacing it, and refuses one naming another app", async () => {
        const { id, outs } = await provider.create(inputs(lookoutIos));
        const diff = await provider.diff(id, outs, inputs(lookoutIos, { storeId: "com.lookout.enterprise.contoso" }));
        assert.deepEqual(diff.replaces, [], "a bundle ID change is not a replacement");
        const { outs: renamed } = await provider.update(
            id,
            outs,
            inputs(lookoutIos, { storeId: "com.lookout.enterprise.contoso" }),
        );
        assert.equal(renamed.storeId, "com.lookout.enterprise.contoso");
        await assert.rejects(
            provider.update(
                id,
                renamed,
                inputs(lookoutIos, { storeId: authenticator.storeId, storeUrl: authenticator.storeUrl }),
            ),
            /names another app than the one this stack manages/,
        );
    });

    it("refuses an unknown intent and an empty group list in check", async () => {
        const { failures } = await provider.check({} as never, {
            ...inputs(lookoutIos),
            intent: "uninstall" as never,
            groupIds: [],
        });
        assert.deepEqual(failures!.map((f) => f.property).sort(), ["groupIds", "intent"]);
    });
});
