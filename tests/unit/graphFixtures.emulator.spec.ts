/**
 * Every documented Graph example in contract/graph/fixtures/ replayed against the emulator: the
 * documented request (placeholders replaced by objects created first) gets the documented status and
 * a body of the documented shape: the same top-level keys (an answer may add OData's `@odata.*`
 * annotations, and Learn's examples are truncated, so the answer may hold more of the type's
 * properties), the same item keys and `@odata.type`s, and a plain integer for a `$count` route.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { entityTypes, groupDefaultProperties, userDefaultProperties } from "../../contract/graph/entities";
import { type GraphRouteId, type GraphVersion, routeFor } from "../../contract/graph/routes";
import { blockRule, normalizeODataType } from "../../contract/graph/schemas";
import { approveManagedGooglePlayApp } from "../../emulator/graph/apps";
import { appProtectionProperties, completeEntity as completeOf } from "../../contract/graph/entities";
import type { Directory } from "../../emulator/store";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

interface Fixture {
    route: string;
    version?: GraphVersion;
    request: { method: string; url: string; headers: Record<string, string>; body?: Record<string, unknown> };
    response: { status: number; body?: unknown };
}

const fixturesDir = join(__dirname, "../../contract/graph/fixtures");
const fixtures = readdirSync(fixturesDir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => JSON.parse(readFileSync(join(fixturesDir, file), "utf8")) as Fixture);

type Body = Record<string, unknown>;
const isObject = (value: unknown): value is Body =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Learn's generated Intune "Get" examples wrap the entity in `{"value": {...}}`; the service answers
 * the bare entity (the fixtures' README says so), which is what the emulator answers.
 */
function documentedEntity(body: unknown): unknown {
    return isObject(body) && isObject(body.value) ? body.value : body;
}

/** The `@odata.type` of an answer matches the documented one, or derives from it (Learn's list example uses the abstract base type). */
function assertSameType(actual: unknown, documented: unknown, where: string) {
    if (documented === undefined) return;
    const [a, d] = [normalizeODataType(actual as string), normalizeODataType(documented as string)];
    assert.ok(a === d || entityTypes[a ?? ""]?.baseType === d, `${where}: @odata.type ${a} for documented ${d}`);
}

/** Directory objects (groups, users) are answered with their default properties, which Learn's examples shorten. */
const directoryDefaults = new Set<string>([...groupDefaultProperties, ...userDefaultProperties]);

/** Documented keys are all answered; an answer adds only `@odata.*` annotations or properties of its type. */
function assertSameShape(actual: Body, documented: Body, where: string) {
    for (const key of Object.keys(documented))
        assert.ok(
            key in actual,
            `${where}: documented key '${key}' missing (answer has ${Object.keys(actual).join(", ")})`,
        );
    const properties = entityTypes[normalizeODataType(actual["@odata.type"] as string) ?? ""]?.properties;
    const isProperty = (key: string) => (properties ? key in properties : directoryDefaults.has(key));
    for (const key of Object.keys(actual)) {
        const known = key in documented || key.startsWith("@odata.") || isProperty(key);
        assert.ok(known, `${where}: unexpected key '${key}'`);
    }
    assertSameType(actual["@odata.type"], documented["@odata.type"], where);
    if (isObject(documented.target) && isObject(actual.target))
        assertSameShape(actual.target, documented.target, `${where}.target`);
    if (Array.isArray(documented.value)) {
        assert.ok(Array.isArray(actual.value) && actual.value.length > 0, `${where}: a non-empty value list`);
        assertSameShape((actual.value as Body[])[0], documented.value[0] as Body, `${where}.value[0]`);
    }
}

/** A directory with what the documented directory examples look for. */
function documentedDirectory(groupId: string): Directory {
    const user = (id: string, displayName: string) => ({
        id,
        displayName,
        userPrincipalName: `${displayName.split(" ")[0].toLowerCase()}@contoso.example`,
        mail: null,
    });
    const users = [
        user("11111111-2222-3333-4444-555555555555", "Joseph Price"),
        user("66666666-7777-8888-9999-000000000000", "Preston Morales"),
        user("0a000000-0000-4000-8000-000000000003", "Adele Vance"),
    ];
    return {
        users,
        groups: [
            {
                id: groupId,
                displayName: "HR Taskforce",
                securityEnabled: false,
                mailEnabled: true,
                mailNickname: "HRTaskforce",
                groupTypes: ["Unified"],
                members: users.map((u) => u.id),
            },
            {
                id: "0c000000-0000-4000-8000-0000000000a1",
                displayName: "a",
                securityEnabled: true,
                mailEnabled: false,
                mailNickname: "a241",
                members: [],
            },
        ],
    };
}

describe("Graph emulator against Microsoft's documented examples (contract/graph/fixtures)", () => {
    const t = useEmulatedTenant({ eachTest: true });
    let token: string;
    const groupId = "02bd9fd6-8f93-4758-87c3-1fb73740a315";

    beforeEach(async () => {
        const form = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: t.graphApp.clientId,
            client_secret: t.graphApp.clientSecret,
            scope: `${new URL(t.emulator.graphBaseUrl).origin}/.default`,
        });
        token = (
            (await (
                await fetch(`${t.emulator.authorityHost}/${t.entraTenantId}/oauth2/v2.0/token`, {
                    method: "POST",
                    body: form,
                })
            ).json()) as { access_token: string }
        ).access_token;
        t.emulator.store.tenantById(t.tenantId)!.directory = documentedDirectory(groupId);
    });

    async function send(
        method: string,
        url: string,
        body?: unknown,
        headers: Record<string, string> = {},
        version: GraphVersion = "v1.0",
    ) {
        const base =
            version === "beta" ? t.emulator.graphBaseUrl.replace(/\/v1\.0$/, "/beta") : t.emulator.graphBaseUrl;
        return fetch(base + url, {
            method,
            headers: { ...headers, authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    }

    async function created(url: string, body: unknown): Promise<string> {
        const response = await send("POST", url, body);
        assert.equal(response.status, 201, `seeding ${url}: ${await response.clone().text()}`);
        return ((await response.json()) as { id: string }).id;
    }

    /** Creates what a fixture's request names, and returns its placeholders' values. */
    async function seed(routeId: GraphRouteId, fixture: Fixture): Promise<Record<string, string>> {
        if (routeId.startsWith("mtdConnector.")) {
            return {
                mobileThreatDefenseConnectorId: await created("/deviceManagement/mobileThreatDefenseConnectors", {
                    id: "e4bede14-de14-e4be-14de-bee414debee4",
                }),
            };
        }
        if (routeId.startsWith("compliancePolicy.")) {
            const documentedType = (documentedEntity(fixture.response.body) as Body | undefined)?.["@odata.type"] as
                string | undefined;
            const type =
                documentedType && entityTypes[documentedType] ? documentedType : "#microsoft.graph.iosCompliancePolicy";
            const id = await created("/deviceManagement/deviceCompliancePolicies", {
                "@odata.type": type,
                displayName: "Seeded",
                scheduledActionsForRule: blockRule(),
            });
            if (routeId === "compliancePolicy.assignments") {
                assert.equal(
                    (
                        await send("POST", `/deviceManagement/deviceCompliancePolicies/${id}/assign`, {
                            assignments: (fixture.response.body as Body).value,
                        })
                    ).status,
                    200,
                );
            }
            if (routeId === "compliancePolicy.deleteAssignment") {
                const response = await send("POST", `/deviceManagement/deviceCompliancePolicies/${id}/assignments`, {
                    target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
                });
                assert.equal(response.status, 201);
                const assignmentId = ((await response.json()) as { id: string }).id;
                return { deviceCompliancePolicyId: id, deviceCompliancePolicyAssignmentId: assignmentId };
            }
            return { deviceCompliancePolicyId: id };
        }
        if (routeId === "mobileApp.listBeta") {
            approveManagedGooglePlayApp(
                t.emulator.store.tenantById(t.tenantId)!,
                { packageId: "com.lookout.enterprise", displayName: "Lookout for Work", publisher: "Lookout" },
                Date.now(),
            );
            return {};
        }
        if (routeId.startsWith("mobileApp.") || routeId.startsWith("mobileAppAssignment.")) {
            if (routeId === "mobileApp.create") return {};
            const id = await created("/deviceAppManagement/mobileApps", {
                "@odata.type": "#microsoft.graph.iosStoreApp",
                displayName: "Seeded",
                bundleId: "com.example.seeded",
                applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
            });
            // Intune publishes a new store app after a moment; until then it cannot be assigned.
            t.emulator.store.tenantById(t.tenantId)!.mobileApps[id].body.publishingState = "published";
            if (routeId === "mobileApp.assignments") {
                for (const assignment of (fixture.response.body as { value: Body[] }).value) {
                    assert.equal(
                        (await send("POST", `/deviceAppManagement/mobileApps/${id}/assignments`, assignment)).status,
                        201,
                    );
                }
            }
            if (routeId === "mobileAppAssignment.update" || routeId === "mobileAppAssignment.delete") {
                const response = await send("POST", `/deviceAppManagement/mobileApps/${id}/assignments`, {
                    intent: "required",
                    target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
                });
                assert.equal(response.status, 201);
                return { mobileAppId: id, mobileAppAssignmentId: ((await response.json()) as { id: string }).id };
            }
            return { mobileAppId: id };
        }
        if (routeId === "managedDevice.list") {
            t.emulator.store.tenantById(t.tenantId)!.devices = [
                {
                    id: "705c034c-034c-705c-4c03-5c704c035c70",
                    userId: "11111111-2222-3333-4444-555555555555",
                    userPrincipalName: "joseph@contoso.example",
                    deviceName: "iPhone 15",
                    operatingSystem: "iOS",
                    osVersion: "17.5",
                    enrolledDateTime: new Date().toISOString(),
                    activatesAfterMinutes: 0,
                    security: "SECURE",
                },
            ];
            return {};
        }
        if (/^(ios|android)AppProtection\./.test(routeId)) {
            // The v1.0 list has no create route here: the policy is put in the store as an admin made it.
            const platform = routeId.startsWith("ios") ? "ios" : "android";
            const id = "T_0d000000-0000-4000-8000-000000000001";
            const tenant = t.emulator.store.tenantById(t.tenantId)!;
            const body = completeOf(appProtectionProperties[platform], { displayName: "Seeded", id });
            tenant.appProtections = { [id]: { platform, body: { ...body, id } } };
            if (routeId.endsWith(".getBeta")) {
                // Beta answers its own properties once set: they are set as Learn's update example sets them.
                const update = fixtures.find((f) => f.route === `${platform}AppProtection.updateBeta`)!;
                const url = update.request.url.replace(/\{\w+\}/, id);
                const patched = await send("PATCH", url, update.request.body, {}, "beta");
                assert.equal(patched.status, 200, await patched.clone().text());
            }
            return { [`${platform}ManagedAppProtectionId`]: id };
        }
        if (routeId.startsWith("conditionalAccessPolicy.")) {
            if (routeId === "conditionalAccessPolicy.create") return {};
            const documented = fixtures.find((f) => f.route === "conditionalAccessPolicy.create")!;
            return {
                conditionalAccessPolicyId: await created(
                    "/identity/conditionalAccess/policies",
                    documented.request.body,
                ),
            };
        }
        if (routeId.startsWith("servicePrincipal.")) {
            // The test tenant holds Lookout's consent (tests/kit/lookoutEmulator.ts).
            const [lookout] = t.emulator.store.tenantById(t.tenantId)!.servicePrincipals;
            return { appId: lookout.appId, servicePrincipalId: lookout.id };
        }
        return { groupId };
    }

    async function replay(fixture: Fixture, body = fixture.request.body) {
        const route = routeFor(fixture.request.method, fixture.request.url.split("?")[0], fixture.version);
        assert.ok(route, `${fixture.route}: the route table has ${fixture.request.method} ${fixture.request.url}`);
        const values = await seed(route.id, fixture);
        const url = fixture.request.url.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
        return send(fixture.request.method, url, body, fixture.request.headers, fixture.version);
    }

    async function assertDocumentedAnswer(fixture: Fixture, response: Response) {
        const text = await response.text();
        assert.equal(response.status, fixture.response.status, `${fixture.route}: ${text}`);
        const documented = documentedEntity(fixture.response.body);
        if (documented === undefined) return assert.equal(text, "");
        if (typeof documented === "number") {
            assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
            return assert.match(text, /^\d+$/);
        }
        assertSameShape(JSON.parse(text) as Body, documented as Body, fixture.route);
    }

    /** Learn's create examples omit the block rule the service requires (see emulator/graph/intune.ts createPolicy). */
    const omitsRequiredBlockRule = (fixture: Fixture) =>
        fixture.request.method === "POST" &&
        fixture.request.url === "/deviceManagement/deviceCompliancePolicies" &&
        !fixture.request.body?.scheduledActionsForRule;

    for (const fixture of fixtures) {
        const name = `${fixture.route}: ${fixture.request.method} ${fixture.request.url} answers ${fixture.response.status} as documented`;
        if (omitsRequiredBlockRule(fixture)) {
            it(`${fixture.route}: the documented body alone is refused as the service refuses it (no block scheduled action)`, async () => {
                const response = await replay(fixture);
                assert.equal(response.status, 400);
                assert.match(
                    ((await response.json()) as { error: { message: string } }).error.message,
                    /one and only one block scheduled action/,
                );
            });
            it(`${name} once the block rule the service requires is added`, async () => {
                await assertDocumentedAnswer(
                    fixture,
                    await replay(fixture, { ...fixture.request.body, scheduledActionsForRule: blockRule() }),
                );
            });
            continue;
        }
        it(name, async () => {
            await assertDocumentedAnswer(fixture, await replay(fixture));
        });
    }
});
