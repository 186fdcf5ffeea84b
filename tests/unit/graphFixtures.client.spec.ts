/**
 * The Graph contract against Microsoft's documentation: every route in `contract/graph/routes.ts`
 * has a fixture modelled on its Learn reference page (with the permissions the page lists), and
 * the client reads every documented response with the reader the project uses for that route,
 * through a real HTTP exchange that replays the documented answer.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { z } from "zod";
import { graphRoutes, type GraphRouteId, type GraphVersion, routeFor } from "../../contract/graph/routes";
import {
    anyCompliancePolicySchema,
    assignmentSchema,
    countSchema,
    directoryGroupSchema,
    directoryObjectSchema,
    mtdConnectorSchema,
    pageSchema,
    threatPolicySchema,
} from "../../contract/graph/schemas";
import { mobileAppAssignmentSchema, mobileAppSchema } from "../../contract/graph/mobileApps";
import {
    appRoleAssignmentSchema,
    permissionGrantSchema,
    servicePrincipalSchema,
} from "../../contract/graph/servicePrincipals";
import { createGraphClient } from "../../providers/graph/client";
import { managedDeviceSchema } from "../../contract/graph/managedDevices";
import { appProtectionListItemSchema, threatSettingsReadSchema } from "../../contract/graph/appProtection";
import { conditionalAccessPolicySchema } from "../../contract/graph/conditionalAccess";

interface Fixture {
    route: string;
    /** v1.0 unless the route is beta-only. */
    version?: GraphVersion;
    page: string;
    permissions: {
        leastPrivileged: string;
        higherPrivileged: string[];
        alsoRequires?: { leastPrivileged: string; higherPrivileged: string[] };
    };
    request: {
        method: "GET" | "POST" | "PATCH" | "DELETE";
        url: string;
        headers?: Record<string, string>;
        body?: unknown;
    };
    response: { status: number; headers?: Record<string, string>; body?: unknown };
}

const folder = join(__dirname, "../../contract/graph/fixtures");
const fixtures: Fixture[] = readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(folder, f), "utf8")));

const routeOf = (f: Fixture) => routeFor(f.request.method, f.request.url.split("?")[0], f.version);

/** The reader the project applies to each route's answer (providers, group checks, tenant snapshot). */
const readers: Record<GraphRouteId, z.ZodType | undefined> = {
    "mtdConnector.list": pageSchema(mtdConnectorSchema()),
    "mtdConnector.get": mtdConnectorSchema(),
    "mtdConnector.create": mtdConnectorSchema(),
    "mtdConnector.update": mtdConnectorSchema(),
    "mtdConnector.delete": undefined,
    "compliancePolicy.list": pageSchema(anyCompliancePolicySchema()),
    "compliancePolicy.get": threatPolicySchema(),
    "compliancePolicy.create": threatPolicySchema(),
    "compliancePolicy.update": threatPolicySchema(),
    "compliancePolicy.delete": undefined,
    "compliancePolicy.assign": pageSchema(assignmentSchema()),
    "compliancePolicy.assignments": pageSchema(assignmentSchema()),
    "compliancePolicy.createAssignment": assignmentSchema(),
    "compliancePolicy.deleteAssignment": undefined,
    "mobileApp.list": pageSchema(mobileAppSchema()),
    "mobileApp.listBeta": pageSchema(mobileAppSchema()),
    "mobileApp.get": mobileAppSchema(),
    "mobileApp.create": mobileAppSchema(),
    "mobileApp.delete": undefined,
    "mobileAppAssignment.create": mobileAppAssignmentSchema(),
    "mobileAppAssignment.update": mobileAppAssignmentSchema(),
    "mobileAppAssignment.delete": undefined,
    "mobileApp.assignments": pageSchema(mobileAppAssignmentSchema()),
    "managedDevice.list": pageSchema(managedDeviceSchema()),
    "servicePrincipal.getByAppId": servicePrincipalSchema(),
    "servicePrincipal.appRoleAssignments": pageSchema(appRoleAssignmentSchema()),
    "servicePrincipal.oauth2PermissionGrants": pageSchema(permissionGrantSchema()),
    "group.get": directoryGroupSchema(),
    "group.list": pageSchema(directoryGroupSchema()),
    "group.members": pageSchema(directoryObjectSchema()),
    "group.membersCount": countSchema(),
    "group.membersOfType": pageSchema(directoryObjectSchema()),
    "group.membersOfTypeCount": countSchema(),
    "iosAppProtection.list": pageSchema(appProtectionListItemSchema()),
    "androidAppProtection.list": pageSchema(appProtectionListItemSchema()),
    "iosAppProtection.getBeta": threatSettingsReadSchema(),
    "androidAppProtection.getBeta": threatSettingsReadSchema(),
    "iosAppProtection.updateBeta": threatSettingsReadSchema(),
    "androidAppProtection.updateBeta": threatSettingsReadSchema(),
    "conditionalAccessPolicy.list": pageSchema(conditionalAccessPolicySchema()),
    "conditionalAccessPolicy.get": conditionalAccessPolicySchema(),
    "conditionalAccessPolicy.create": conditionalAccessPolicySchema(),
    "conditionalAccessPolicy.update": undefined,
    "conditionalAccessPolicy.delete": undefined,
};

/**
 * Learn's list-groups example selects neither `id` nor the security flags, which the project's
 * request always selects; its items are completed with what that `$select` returns.
 */
function asTheProjectAsksForIt(f: Fixture): unknown {
    if (routeOf(f)?.id !== "group.list") return f.response.body;
    const body = f.response.body as { value: Array<Record<string, unknown>> };
    return {
        ...body,
        value: body.value.map((g, i) => ({
            id: `00000000-0000-0000-0000-00000000000${i}`,
            securityEnabled: true,
            mailEnabled: false,
            ...g,
        })),
    };
}

describe("Graph contract: Microsoft's documented examples", () => {
    it("has a documented fixture for every route of the contract", () => {
        const covered = new Set(fixtures.map((f) => routeOf(f)?.id));
        const missing = Object.keys(graphRoutes).filter((id) => !covered.has(id as GraphRouteId));
        assert.deepEqual(missing, [], `routes without a fixture modelled on Microsoft's page: ${missing.join(", ")}`);
    });

    for (const f of fixtures) {
        describe(`${f.request.method} ${f.request.url} (${f.route})`, () => {
            it("belongs to a route of the contract, whose permissions and page are the documented ones", () => {
                const route = routeOf(f);
                assert.ok(route, `no route in contract/graph/routes.ts serves ${f.request.method} ${f.request.url}`);
                assert.equal(route.permissions.least, f.permissions.leastPrivileged);
                assert.deepEqual([...route.permissions.higher].sort(), [...f.permissions.higherPrivileged].sort());
                const also = f.permissions.alsoRequires;
                assert.deepEqual(
                    route.alsoRequires
                        ? [route.alsoRequires.least, ...[...route.alsoRequires.higher].sort()]
                        : undefined,
                    also ? [also.leastPrivileged, ...[...also.higherPrivileged].sort()] : undefined,
                );
                assert.match(
                    f.page,
                    f.version === "beta"
                        ? /^https:\/\/learn\.microsoft\.com\/en-us\/graph\/api\/.+view=graph-rest-beta$/
                        : /^https:\/\/learn\.microsoft\.com\/en-us\/graph\/api\/.+view=graph-rest-1\.0$/,
                );
                const pages = fixtures.filter((g) => routeOf(g)?.id === route.id).map((g) => g.page);
                assert.ok(
                    pages.includes(route.page),
                    `the route names ${route.page}, its fixtures ${pages.join(", ")}`,
                );
            });

            it("is read by the client as documented", async () => {
                const route = routeOf(f)!;
                const server = createServer((req, res) => {
                    req.resume().on("end", () => {
                        const body = asTheProjectAsksForIt(f);
                        const text =
                            body === undefined ? "" : typeof body === "number" ? String(body) : JSON.stringify(body);
                        const type = typeof body === "number" ? "text/plain" : "application/json";
                        res.writeHead(f.response.status, text ? { "content-type": type } : {}).end(text);
                    });
                });
                await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
                try {
                    const { port } = server.address() as AddressInfo;
                    const graph = createGraphClient({
                        baseUrl: `http://127.0.0.1:${port}/v1.0`,
                        getToken: async () => "token",
                        retry: { maxAttempts: 1 },
                    });
                    const path = f.request.url.replace(/\{[^}]+\}/g, "0b8a2c3d-0000-4000-8000-000000000001");
                    const reader = readers[route.id];
                    const answer = await graph.request(f.request.method, path, {
                        body: f.request.body,
                        headers: f.request.headers,
                        schema: reader,
                        version: f.version,
                    });
                    assert.equal(answer!.status, f.response.status);
                    if (reader && typeof answer!.body === "object") {
                        // Tolerant: every documented property is kept, none refused.
                        const documented = f.response.body as Record<string, unknown>;
                        const entity = (
                            documented.value && !Array.isArray(documented.value) ? documented.value : documented
                        ) as Record<string, unknown>;
                        for (const key of Object.keys(entity))
                            assert.ok(key in (answer!.body as object), `lost '${key}'`);
                    }
                } finally {
                    await new Promise((resolve) => server.close(resolve));
                }
            });
        });
    }
});
