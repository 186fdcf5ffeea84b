import assert from "node:assert/strict";
import { lookoutApplicationPermissions, lookoutDelegatedScopes } from "../../contract/graph/servicePrincipals";
import { adminConsentUrl, verifyLookoutConsent } from "../../components/entra/consentCheck";
import { devLookoutClientId, grantLookoutConsent } from "../../emulator/devTenant";
import { graphClientFor } from "../../providers/graph/connection";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

const required = {
    lookoutClientId: devLookoutClientId,
    applicationPermissions: [...lookoutApplicationPermissions],
    delegatedScopes: [...lookoutDelegatedScopes],
};

describe("Lookout consent check (through the emulated Graph)", () => {
    const t = useEmulatedTenant({ eachTest: true, emulator: { lookoutConsent: false } });
    const tenant = () => t.emulator.store.tenantById(t.tenantId)!;
    const verify = () => verifyLookoutConsent(graphClientFor(t.graph), required, t.entraTenantId);

    it("verifies a tenant whose Global Administrator accepted Lookout's consent, in 4 requests", async () => {
        const sp = grantLookoutConsent(t.emulator.store, tenant());
        t.emulator.clearRequests();
        const status = await verify();
        assert.equal(status.servicePrincipalObjectId, sp.id);
        assert.deepEqual(status.applicationPermissions, required.applicationPermissions);
        const reads = t.graphRequests().map((r) => `${r.method} ${decodeURIComponent(r.path)}`);
        assert.equal(reads.length, 4, reads.join("\n"));
        assert.ok(reads.every((r) => r.startsWith("GET ")));
    });

    it("stops with the admin consent URL when nobody consented (no service principal)", async () => {
        await assert.rejects(verify(), (err: Error) => {
            assert.match(err.message, /has no service principal in the tenant: nobody has consented to it yet/);
            assert.ok(
                err.message.includes(adminConsentUrl(t.entraTenantId, devLookoutClientId, t.emulator.authorityHost)),
                err.message,
            );
            assert.ok(
                err.message.includes("https://aad.lookout.com/les?action=consent"),
                "Lookout's own consent page, which the setup guide names",
            );
            assert.match(err.message, /Nothing was written to Lookout/);
            return true;
        });
    });

    it("names each application permission that is not granted", async () => {
        t.emulator.store.grantConsent(tenant(), {
            appId: devLookoutClientId,
            displayName: "Lookout",
            applicationPermissions: ["Device.Read.All", "User.Read.All", "GroupMember.Read.All"],
            delegatedScopes: ["User.Read"],
        });
        await assert.rejects(
            verify(),
            /application permission\(s\) Application\.Read\.All, DeviceManagementApps\.Read\.All not granted/,
        );
    });

    it("does not count one user's consent as admin consent", async () => {
        t.emulator.store.grantConsent(tenant(), {
            appId: devLookoutClientId,
            displayName: "Lookout",
            applicationPermissions: [...lookoutApplicationPermissions],
            delegatedScopes: ["User.Read"],
            consentType: "Principal",
        });
        await assert.rejects(verify(), /delegated scope\(s\) User\.Read not consented for all users/);
    });

    it("counts only what was granted on Microsoft Graph, not the same IDs on another API", async () => {
        const sp = grantLookoutConsent(t.emulator.store, tenant());
        const otherApi = "0f0f0f0f-1111-4222-8333-444455556666";
        sp.appRoleAssignments = sp.appRoleAssignments.map((a, i) => (i === 0 ? { ...a, resourceId: otherApi } : a));
        sp.permissionGrants = sp.permissionGrants.map((g) => ({ ...g, resourceId: otherApi }));
        await assert.rejects(verify(), (err: Error) => {
            assert.match(err.message, /application permission\(s\) Device\.Read\.All not granted/);
            assert.match(err.message, /delegated scope\(s\) User\.Read not consented for all users/);
            return true;
        });
    });

    it("reports a disabled service principal", async () => {
        grantLookoutConsent(t.emulator.store, tenant()).accountEnabled = false;
        await assert.rejects(verify(), /service principal is disabled/);
    });

    it("names the permission the signed-in identity lacks to read consent", async () => {
        grantLookoutConsent(t.emulator.store, tenant());
        const app = t.emulator.store.addGraphApp(tenant(), ["GroupMember.Read.All"]);
        const graph = graphClientFor({
            ...t.graph,
            loopbackCredentials: { tenantId: t.entraTenantId, clientId: app.clientId, clientSecret: app.clientSecret },
        });
        await assert.rejects(
            verifyLookoutConsent(graph, required, t.entraTenantId),
            /403 Authorization_RequestDenied.*needs the Graph application permission Application\.Read\.All/,
        );
    });
});
