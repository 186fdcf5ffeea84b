import assert from "node:assert/strict";
import { resolveGroupViaGraph } from "../../components/entra/directory";
import { groupSchema } from "../../config/stackConfig";
import { graphClientFor } from "../../providers/graph/connection";
import { sampleDirectory } from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

const where = "lookout-mtp:enrollmentGroups[0]";
const spec = (g: Record<string, unknown>) => groupSchema().parse(g);

describe("existing groups checked through Microsoft Graph", () => {
    const t = useEmulatedTenant({
        eachTest: true,
        prepare: (t) => {
            t.emulator.store.tenantByEntraId(t.entraTenantId)!.directory = sampleDirectory();
        },
    });
    const resolve = (g: Record<string, unknown>) => resolveGroupViaGraph(graphClientFor(t.graph), spec(g), where);

    it("finds a group by its exact display name, with its count of direct user members", async () => {
        assert.deepEqual(await resolve({ displayName: "Lookout Pilot" }), {
            objectId: "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80",
            displayName: "Lookout Pilot",
            userCount: 2,
        });
    });

    it("checks a group pinned by object ID against its display name", async () => {
        assert.equal(
            (await resolve({ displayName: "Sales Mobile", objectId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091" }))
                .displayName,
            "Sales Mobile",
        );
        await assert.rejects(
            resolve({ displayName: "sales mobile", objectId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091" }),
            /is named 'Sales Mobile' in Entra, not 'sales mobile'/,
        );
    });

    const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
        ["a name that matches only ignoring case", { displayName: "lookout pilot" }, /did you mean 'Lookout Pilot'\?/],
        ["a name no group has", { displayName: "Field Sales" }, /no Entra group is named 'Field Sales'/],
        ["a name two groups share", { displayName: "Shared Mobile" }, /2 Entra groups are named 'Shared Mobile'/],
        ["a group with a nested group", { displayName: "Field Mobile" }, /Lookout does not support nested groups/],
        ["a mail-enabled group", { displayName: "Newsletter" }, /must be security-enabled and not mail-enabled/],
        [
            "an object ID no group has",
            { displayName: "Ghost", objectId: "9d41a415-6a7c-4d34-9f80-91a2b3c4d5e6" },
            /no Entra group has the object ID/,
        ],
    ];
    for (const [what, group, message] of refusals) {
        it(`refuses ${what}, naming the config key`, async () => {
            await assert.rejects(
                resolve(group),
                (err: Error) => message.test(err.message) && err.message.startsWith(where),
            );
        });
    }

    it("checks a group of 100,000 users in 3 Graph requests, as it checks a group of 2", async () => {
        const directory = sampleDirectory();
        directory.groups.find((g) => g.displayName === "Lookout Pilot")!.generatedUsers = 100_000;
        t.emulator.store.tenantByEntraId(t.entraTenantId)!.directory = directory;
        const graph = graphClientFor(t.graph);
        await graph.tenantId();
        t.emulator.clearRequests();
        assert.equal((await resolve({ displayName: "Lookout Pilot" })).displayName, "Lookout Pilot");
        assert.equal(t.graphRequests().length, 3);
        t.emulator.clearRequests();
        await resolve({ displayName: "Sales Mobile", objectId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091" });
        assert.equal(t.graphRequests().length, 3);
    });

    it("reads the tenant ID from the signed-in identity's token", async () => {
        assert.equal(await graphClientFor(t.graph).tenantId(), t.entraTenantId);
    });

    it("names the permission a reader of groups lacks", async () => {
        const tenant = t.emulator.store.tenantByEntraId(t.entraTenantId)!;
        const app = t.emulator.store.addGraphApp(tenant, ["DeviceManagementConfiguration.ReadWrite.All"]);
        const client = graphClientFor({
            ...t.graph,
            loopbackCredentials: { tenantId: t.entraTenantId, clientId: app.clientId, clientSecret: app.clientSecret },
        });
        await assert.rejects(
            resolveGroupViaGraph(client, spec({ displayName: "Lookout Pilot" }), where),
            /needs the Graph application permission GroupMember\.Read\.All, which the signed-in app/,
        );
    });
});
