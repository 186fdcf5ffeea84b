import assert from "node:assert/strict";
import { graphPaths } from "../../contract/graph/routes";
import { graphClientFor } from "../../providers/graph/connection";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

describe("Graph client", () => {
    const t = useEmulatedTenant({ eachTest: true });

    const list = () => graphClientFor(t.graph).request("GET", graphPaths.compliancePolicies);
    const graphStatuses = () => t.graphRequests().map((r) => r.status);

    it("retries 429, 503 and 504 honouring Retry-After", async () => {
        t.emulator.faults.set([
            { kind: "status", status: 429, retryAfterSeconds: 0, limit: 1, pathPrefix: "/graph" },
            { kind: "status", status: 503, limit: 1, pathPrefix: "/graph" },
            { kind: "status", status: 504, limit: 1, pathPrefix: "/graph" },
        ]);
        assert.equal((await list())!.status, 200);
        assert.deepEqual(graphStatuses(), [429, 503, 504, 200]);
    });

    it("retries a 500 on a read, but not on a create that may have succeeded, and reports Graph's error", async () => {
        t.emulator.faults.set([{ kind: "status", status: 500, limit: 1, pathPrefix: "/graph" }]);
        assert.equal((await list())!.status, 200);
        assert.deepEqual(graphStatuses(), [500, 200]);
        t.emulator.clearRequests();
        t.emulator.faults.set([{ kind: "status", status: 500, limit: 1, pathPrefix: "/graph" }]);
        const create = graphClientFor(t.graph).request("POST", graphPaths.compliancePolicies, { body: {} });
        await assert.rejects(
            create,
            /Microsoft Graph POST \/deviceManagement\/deviceCompliancePolicies failed: 500 InjectedFault: fault injected by the emulator \(request-id [0-9a-f-]+\)/,
        );
        assert.deepEqual(graphStatuses(), [500]);
    });

    it("reuses its token, and gets a new one when Graph refuses an expired one", async () => {
        const client = graphClientFor(t.graph);
        await client.request("GET", graphPaths.compliancePolicies);
        await client.request("GET", graphPaths.compliancePolicies);
        assert.equal(t.emulator.requests().filter((r) => r.path.startsWith("/entra")).length, 1);
        t.emulator.expireTokens();
        t.emulator.clearRequests();
        assert.equal((await client.request("GET", graphPaths.compliancePolicies))!.status, 200);
        assert.deepEqual(
            t.emulator.requests().map((r) => `${r.method} ${r.path.split("/")[1]} ${r.status}`),
            ["GET graph 401", "POST entra 200", "GET graph 200"],
        );
    });

    it("asks for one token when calls start together", async () => {
        const client = graphClientFor(t.graph);
        await Promise.all([1, 2, 3, 4].map(() => client.request("GET", graphPaths.compliancePolicies)));
        assert.equal(t.emulator.requests().filter((r) => r.path.startsWith("/entra")).length, 1);
    });

    it("explains a bad client secret", async () => {
        const client = graphClientFor({
            ...t.graph,
            loopbackCredentials: { ...t.graph.loopbackCredentials!, clientSecret: "wrong" },
        });
        await assert.rejects(client.request("GET", graphPaths.compliancePolicies), /invalid_client AADSTS7000215/);
    });

    it("names the read permission a reader lacks", async () => {
        const tenant = t.emulator.store.tenantByEntraId(t.entraTenantId)!;
        const app = t.emulator.store.addGraphApp(tenant, ["GroupMember.Read.All"]);
        const client = graphClientFor({
            ...t.graph,
            loopbackCredentials: { tenantId: t.entraTenantId, clientId: app.clientId, clientSecret: app.clientSecret },
        });
        await assert.rejects(
            client.request("GET", graphPaths.compliancePolicies),
            /needs the Graph application permission DeviceManagementConfiguration\.Read\.All, which the signed-in app/,
        );
    });

    it("refuses plain http to Graph on a non-loopback host", () => {
        assert.throws(
            () => graphClientFor({ baseUrl: "http://graph.example.com/v1.0" }),
            /graph:baseUrl 'http:\/\/graph.example.com\/v1.0' uses plain http/,
        );
    });
});
