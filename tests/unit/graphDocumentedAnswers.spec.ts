/**
 * What clients and documents the project did not write found in the emulated Graph, held as the
 * sources say (each fix names its source in emulator/graph/): Microsoft's SDKs' `graph.` alias and
 * the OpenAPI document's qualified action path, a PATCH read as the declared base type, OData's
 * query options (`$select`, `$expand`, `$count`, `$skip`), collections and non-nullable values,
 * Int32 bounds, 405 with Allow, and error messages that never say "undefined".
 */
import assert from "node:assert/strict";
import { graphPaths } from "../../contract/graph/routes";
import { blockRule } from "../../contract/graph/schemas";
import { seedDevTenant } from "../../emulator/devTenant";
import { graphClientFor } from "../../providers/graph/connection";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

const eventual = { ConsistencyLevel: "eventual" };
const pilot = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";

describe("Graph emulator: answers as Microsoft's documents and SDKs expect", () => {
    const t = useEmulatedTenant({
        prepare: (tenant) => seedDevTenant(tenant.emulator.store, tenant.emulator.store.tenantById(tenant.tenantId)!),
    });
    let token: string;
    before(async () => {
        const credentials = t.graph.loopbackCredentials!;
        const response = await fetch(`${t.emulator.authorityHost}/${credentials.tenantId}/oauth2/v2.0/token`, {
            method: "POST",
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: credentials.clientId,
                client_secret: credentials.clientSecret,
                scope: `${new URL(t.emulator.graphBaseUrl).origin}/.default`,
            }),
        });
        token = ((await response.json()) as { access_token: string }).access_token;
    });

    async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
        const response = await fetch(t.emulator.graphBaseUrl + path, {
            method,
            headers: { ...headers, authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        const type = response.headers.get("content-type") ?? "";
        const json: any = type.includes("json") && text ? JSON.parse(text) : text;
        return { status: response.status, body: json, headers: response.headers };
    }

    async function newPolicy(): Promise<string> {
        const created = await call("POST", graphPaths.compliancePolicies, {
            "@odata.type": "#microsoft.graph.iosCompliancePolicy",
            displayName: "iOS",
            scheduledActionsForRule: blockRule(),
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        return created.body.id;
    }

    it("reads the metadata's alias graph. in casts, as Microsoft's SDKs send them", async () => {
        const list = await call("GET", `/groups/${pilot}/members/graph.user?$select=id,userPrincipalName`);
        assert.equal(list.status, 200, JSON.stringify(list.body));
        assert.equal(list.body.value.length, 50);
        const count = await call("GET", `/groups/${pilot}/members/graph.user/$count`, undefined, eventual);
        assert.equal(count.status, 200);
        assert.equal(count.body, "50");
    });

    it("takes a bound action by its qualified name, as the OpenAPI document writes the path", async () => {
        const id = await newPolicy();
        for (const action of ["microsoft.graph.assign", "graph.assign", "assign"]) {
            const answer = await call("POST", `/deviceManagement/deviceCompliancePolicies/${id}/${action}`, {
                assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot } }],
            });
            assert.equal(answer.status, 200, `${action}: ${JSON.stringify(answer.body)}`);
        }
    });

    it("reads a PATCH without @odata.type as the declared base type: base properties only", async () => {
        const id = await newPolicy();
        const base = await call("PATCH", graphPaths.compliancePolicy(id), { description: "from the SDK" });
        assert.equal(base.status, 200);
        assert.equal(base.body.description, "from the SDK");
        const derived = await call("PATCH", graphPaths.compliancePolicy(id), { passcodeRequired: true });
        assert.equal(derived.status, 400);
        assert.match(
            derived.body.error.message,
            /'passcodeRequired' does not exist on type 'microsoft.graph.deviceCompliancePolicy'/,
        );
    });

    it("refuses $select and $expand of a name the type does not declare, and expands what it holds", async () => {
        const id = await newPolicy();
        const unknown = await call("GET", `${graphPaths.compliancePolicy(id)}?$select=name`);
        assert.equal(unknown.status, 400);
        assert.match(
            unknown.body.error.message,
            /Could not find a property named 'name' on type 'microsoft.graph.deviceCompliancePolicy'/,
        );
        assert.equal((await call("GET", `${graphPaths.mtdConnectors}?$expand=x`)).status, 400);
        const selected = await call("GET", `${graphPaths.compliancePolicy(id)}?$select=displayName,version`);
        assert.deepEqual(Object.keys(selected.body).sort(), ["@odata.type", "displayName", "version"]);
        await call("POST", graphPaths.compliancePolicyAssign(id), {
            assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot } }],
        });
        const expanded = await call("GET", `${graphPaths.compliancePolicy(id)}?$expand=assignments,deviceStatuses`);
        assert.equal(expanded.status, 200);
        assert.equal(expanded.body.assignments[0].target.groupId, pilot);
        assert.deepEqual(expanded.body.deviceStatuses, []);
        // The directory's types are open: an undeclared name is absent, not null and not refused.
        const open = await call("GET", `/groups/${pilot}?$select=id,extension_abc_costCenter`);
        assert.equal(open.status, 200);
        assert.deepEqual(Object.keys(open.body).sort(), ["@odata.context", "id"]);
        const members = await call("GET", `/groups/${pilot}?$expand=members`);
        assert.equal(members.body.members.length, 20, "the directory expands at most 20 objects");
    });

    it("refuses $count other than true or false, and $skip on the directory; Intune honours $skip", async () => {
        const count = await call("GET", `/groups?$count=abc`, undefined, eventual);
        assert.equal(count.status, 400);
        const skip = await call("GET", `/groups?$skip=1`);
        assert.equal(skip.status, 400);
        assert.equal(skip.body.error.code, "Request_BadRequest");
        assert.equal(skip.body.error.message, "'$skip' is not supported by the service.");
        const all = await call("GET", `${graphPaths.compliancePolicies}`);
        const skipped = await call("GET", `${graphPaths.compliancePolicies}?$skip=1`);
        assert.equal(skipped.status, 200);
        assert.deepEqual(skipped.body.value, all.body.value.slice(1));
    });

    it("orders Intune lists by a declared property and refuses an unknown or malformed $orderby", async () => {
        await newPolicy();
        const desc = await call("GET", `${graphPaths.compliancePolicies}?$orderby=displayName desc`);
        assert.equal(desc.status, 200);
        const names = desc.body.value.map((p: { displayName: string }) => p.displayName);
        assert.deepEqual(
            names,
            [...names].sort((a: string, b: string) => b.localeCompare(a, "en")),
        );
        assert.equal((await call("GET", `${graphPaths.compliancePolicies}?$orderby=nope`)).status, 400);
        assert.equal((await call("GET", "/deviceManagement/managedDevices?$orderby=,deviceName,")).status, 400);
    });

    it("answers a collection as [] and a non-nullable boolean as false, never null", async () => {
        const devices = await call("GET", "/deviceManagement/managedDevices?$top=1");
        assert.deepEqual(devices.body.value[0].deviceActionResults, []);
        const [lookout] = t.emulator.store.tenantById(t.tenantId)!.servicePrincipals;
        const sp = await call("GET", `/servicePrincipals(appId='${lookout.appId}')`);
        assert.equal(sp.body.appRoleAssignmentRequired, false);
    });

    it("holds Int32 properties to 2^31 - 1 and an assignment's id to a string", async () => {
        const id = await newPolicy();
        const big = await call("PATCH", graphPaths.compliancePolicy(id), {
            "@odata.type": "#microsoft.graph.iosCompliancePolicy",
            passcodeMinimumLength: 2 ** 31,
        });
        assert.equal(big.status, 400);
        const max = await call("PATCH", graphPaths.compliancePolicy(id), {
            "@odata.type": "#microsoft.graph.iosCompliancePolicy",
            passcodeMinimumLength: 2 ** 31 - 1,
        });
        assert.equal(max.status, 200);
        const appId = "6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b";
        const numericId = await call("POST", graphPaths.mobileAppAssignments(appId), {
            id: 7,
            intent: "required",
            target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot },
        });
        assert.equal(numericId.status, 400);
        assert.match(numericId.body.error.message, /'id'/);
    });

    it("answers a method the emulator does not serve on a path it serves with 405 and Allow", async () => {
        const answer = await call("POST", "/groups", { displayName: "x" });
        assert.equal(answer.status, 405);
        assert.equal(answer.headers.get("allow"), "GET");
        assert.equal(answer.body.error.message, "Specified HTTP method is not allowed for the request target.");
        const policy = await call("PUT", graphPaths.compliancePolicy(await newPolicy()), {});
        assert.equal(policy.status, 405);
        assert.equal(policy.headers.get("allow"), "GET, PATCH, DELETE");
    });

    it("never writes 'undefined' into an error message", async () => {
        const appId = "6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b";
        const answers = [
            await call("POST", graphPaths.mobileAppAssignments(appId), { target: { groupId: pilot } }),
            await call("POST", graphPaths.mobileAppAssignments(appId), { intent: "required" }),
            await call("POST", graphPaths.compliancePolicyAssign(await newPolicy()), { assignments: [{ target: {} }] }),
            await call("POST", graphPaths.mobileAppAssignments(appId), {
                intent: "required",
                target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot },
                settings: {},
            }),
        ];
        for (const answer of answers) {
            assert.equal(answer.status, 400);
            assert.doesNotMatch(answer.body.error.message, /undefined/);
        }
    });

    it("keeps the project's own client working through the same routes", async () => {
        const graph = graphClientFor(t.graph);
        const page = await graph.request("GET", graphPaths.groupUserMembers(pilot));
        assert.equal((page!.body as { value: unknown[] }).value.length, 50);
    });
});
