import assert from "node:assert/strict";
import { mtdConnectorProperties, windows81CompliancePolicyProperties } from "../../contract/graph/entities";
import { graphPaths, graphRoutes } from "../../contract/graph/routes";
import { blockRule, lookoutMtdConnectorId } from "../../contract/graph/schemas";
import { seedDevTenant } from "../../emulator/devTenant";
import type { Directory, Tenant } from "../../emulator/store";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

const eventual = { ConsistencyLevel: "eventual" };
const groupId = "5a0c1e2f-0000-4000-8000-000000000001";

/** 250 users in one group, plus a nested group, a device and a service principal. */
function directoryWith250Members(): Directory {
    const users = Array.from({ length: 250 }, (_, i) => ({
        id: `0b000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        userPrincipalName: `u${i}@contoso.example`,
        displayName: `User ${i}`,
    }));
    return {
        users,
        devices: [{ id: "0d000000-0000-4000-8000-000000000001", displayName: "Kiosk" }],
        servicePrincipals: [{ id: "0e000000-0000-4000-8000-000000000001", displayName: "Lookout", appId: "app" }],
        groups: [
            {
                id: groupId,
                displayName: "Field Service",
                securityEnabled: true,
                mailEnabled: false,
                members: [
                    ...users.map((u) => u.id),
                    "0c000000-0000-4000-8000-000000000001",
                    "0d000000-0000-4000-8000-000000000001",
                    "0e000000-0000-4000-8000-000000000001",
                ],
            },
            {
                id: "0c000000-0000-4000-8000-000000000001",
                displayName: "O'Brien's Team",
                securityEnabled: true,
                mailEnabled: false,
                members: [],
            },
            {
                id: "0c000000-0000-4000-8000-000000000002",
                displayName: "Everyone",
                securityEnabled: true,
                mailEnabled: false,
                members: [],
                generatedUsers: 100_000,
            },
        ],
    };
}

describe("Graph emulator (Graph v1.0 as Microsoft documents it)", () => {
    const t = useEmulatedTenant({ eachTest: true });
    let tenant: Tenant;
    let token: string;

    async function tokenFor(clientId: string, clientSecret: string) {
        const form = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: clientId,
            client_secret: clientSecret,
            scope: `${new URL(t.emulator.graphBaseUrl).origin}/.default`,
        });
        const response = await fetch(`${t.emulator.authorityHost}/${t.entraTenantId}/oauth2/v2.0/token`, {
            method: "POST",
            body: form,
        });
        return ((await response.json()) as { access_token: string }).access_token;
    }

    async function call(
        method: string,
        pathOrUrl: string,
        body?: unknown,
        headers: Record<string, string> = {},
        accessToken = token,
    ) {
        const url = pathOrUrl.startsWith("http") ? pathOrUrl : t.emulator.graphBaseUrl + pathOrUrl;
        return fetch(url, {
            method,
            headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    }

    async function json(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
        const response = await call(method, path, body, headers);
        return { status: response.status, body: (await response.json()) as Record<string, any> };
    }

    beforeEach(async () => {
        tenant = t.emulator.store.tenantById(t.tenantId)!;
        tenant.directory = directoryWith250Members();
        token = await tokenFor(t.graphApp.clientId, t.graphApp.clientSecret);
    });

    describe("routes and permissions", () => {
        it("answers a route Graph does not have with 400 naming the segment", async () => {
            const { status, body } = await json(
                "GET",
                "/deviceManagement/deviceCompliancePolicies/x/scheduledActionsForRule",
            );
            assert.equal(status, 400);
            assert.equal(body.error.code, "BadRequest");
            assert.match(body.error.message, /Resource not found for the segment 'scheduledActionsForRule'/);
        });

        it("refuses a token without the route's permission with 403 naming the least-privileged one from the route table", async () => {
            const app = t.emulator.store.addGraphApp(tenant, ["GroupMember.Read.All"]);
            const limited = await tokenFor(app.clientId, app.clientSecret);
            const response = await call("GET", graphPaths.compliancePolicies, undefined, {}, limited);
            assert.equal(response.status, 403);
            const body = (await response.json()) as { error: { code: string; message: string } };
            assert.equal(body.error.code, "Authorization_RequestDenied");
            assert.match(
                body.error.message,
                new RegExp(graphRoutes["compliancePolicy.list"].permissions.least.replace(/\./g, "\\.")),
            );
        });

        it("grants a read route to a token holding only a higher permission Microsoft documents", async () => {
            const app = t.emulator.store.addGraphApp(tenant, ["Directory.Read.All"]);
            const higher = await tokenFor(app.clientId, app.clientSecret);
            assert.equal((await call("GET", `/groups/${groupId}`, undefined, {}, higher)).status, 200);
        });
    });

    describe("MTD connectors", () => {
        const create = (body: Record<string, unknown>) => json("POST", graphPaths.mtdConnectors, body);

        it("creates a connector with its id and answers 201 with every v1.0 property, unset ones as Graph leaves them", async () => {
            const { status, body } = await create({ id: lookoutMtdConnectorId, androidEnabled: true });
            assert.equal(status, 201);
            assert.equal(body["@odata.type"], "#microsoft.graph.mobileThreatDefenseConnector");
            assert.deepEqual(
                Object.keys(body)
                    .filter((k) => k !== "@odata.type")
                    .sort(),
                Object.keys(mtdConnectorProperties).sort(),
            );
            assert.equal(body.androidEnabled, true);
            assert.equal(body.windowsEnabled, false);
            assert.equal(body.partnerUnresponsivenessThresholdInDays, 0);
            assert.equal(body.partnerState, "unavailable", "Lookout never heartbeated");
            assert.equal(body.lastHeartbeatDateTime, "0001-01-01T00:00:00Z");
        });

        it("refuses a property the v1.0 type does not have, as OData does", async () => {
            const { status, body } = await create({
                id: lookoutMtdConnectorId,
                allowPartnerToCollectIosApplicationMetadata: true,
            });
            assert.equal(status, 400);
            assert.match(
                body.error.message,
                /The property 'allowPartnerToCollectIosApplicationMetadata' does not exist on type 'microsoft.graph.mobileThreatDefenseConnector'/,
            );
        });

        it("merges a PATCH into the stored connector, keeping the settings it does not name, and answers 200 with the entity", async () => {
            await create({
                id: lookoutMtdConnectorId,
                windowsEnabled: true,
                microsoftDefenderForEndpointAttachEnabled: true,
            });
            const patch = {
                "@odata.type": "#microsoft.graph.mobileThreatDefenseConnector",
                partnerState: "available",
                lastHeartbeatDateTime: "2016-12-31T23:59:37.9174975-08:00",
                iosEnabled: true,
            };
            const { status, body } = await json("PATCH", graphPaths.mtdConnector(lookoutMtdConnectorId), patch);
            assert.equal(status, 200);
            assert.equal(body.iosEnabled, true);
            assert.equal(body.windowsEnabled, true);
            assert.equal(body.microsoftDefenderForEndpointAttachEnabled, true);
            assert.equal(body.partnerState, "unavailable", "computed, not taken from the body");
        });

        it("lists every connector and deletes one with 204", async () => {
            await create({ id: lookoutMtdConnectorId });
            await create({ id: "00000000-0000-0000-0000-00000000beef" });
            const list = await json("GET", graphPaths.mtdConnectors);
            assert.deepEqual(list.body.value.map((c: { id: string }) => c.id).sort(), [
                "00000000-0000-0000-0000-00000000beef",
                lookoutMtdConnectorId,
            ]);
            assert.equal((await call("DELETE", graphPaths.mtdConnector(lookoutMtdConnectorId))).status, 204);
            assert.equal((await json("GET", graphPaths.mtdConnector(lookoutMtdConnectorId))).status, 404);
        });

        it("reports the partner state from Lookout's heartbeat, in v1.0's states only", async () => {
            await create({
                id: lookoutMtdConnectorId,
                androidEnabled: true,
                partnerUnresponsivenessThresholdInDays: 2,
            });
            const state = async () => (await json("GET", graphPaths.mtdConnector(lookoutMtdConnectorId))).body;
            tenant.lookoutHeartbeat = {
                since: new Date(Date.now() - 3 * 3600_000).toISOString(),
                stoppedAt: null,
                frequencyMinutes: 60,
            };
            assert.equal((await state()).partnerState, "enabled");
            assert.notEqual((await state()).lastHeartbeatDateTime, "0001-01-01T00:00:00Z");
            await json("PATCH", graphPaths.mtdConnector(lookoutMtdConnectorId), { androidEnabled: false });
            assert.equal((await state()).partnerState, "available", "heartbeating with both platforms off");
            tenant.lookoutHeartbeat.stoppedAt = new Date().toISOString();
            t.emulator.advanceClock(3 * 86_400_000);
            token = await tokenFor(t.graphApp.clientId, t.graphApp.clientSecret);
            assert.equal((await state()).partnerState, "unresponsive");
        });
    });

    describe("compliance policies", () => {
        const iosPolicy = {
            "@odata.type": "#microsoft.graph.iosCompliancePolicy",
            displayName: "iOS threat level",
            deviceThreatProtectionEnabled: true,
            deviceThreatProtectionRequiredSecurityLevel: "medium",
            scheduledActionsForRule: blockRule(),
        };
        const createIos = async () => (await json("POST", graphPaths.compliancePolicies, iosPolicy)).body;

        it("creates a policy whole, version 1, without echoing the scheduled actions", async () => {
            const { status, body } = await json("POST", graphPaths.compliancePolicies, iosPolicy);
            assert.equal(status, 201);
            assert.equal(body.version, 1);
            assert.ok(body.id && body.createdDateTime && body.lastModifiedDateTime);
            assert.equal(body.passcodeRequiredType, "deviceDefault", "an unset enum reads as its member of value 0");
            assert.equal(body.osMinimumVersion, null);
            assert.equal(body.scheduledActionsForRule, undefined);
        });

        it("refuses a create without exactly one block action, an unknown type or an unknown property", async () => {
            const { scheduledActionsForRule: _rules, ...withoutRule } = iosPolicy;
            assert.match(
                (await json("POST", graphPaths.compliancePolicies, withoutRule)).body.error.message,
                /one and only one block scheduled action/,
            );
            assert.equal(
                (
                    await json("POST", graphPaths.compliancePolicies, {
                        ...iosPolicy,
                        "@odata.type": "#microsoft.graph.deviceCompliancePolicy",
                    })
                ).status,
                400,
            );
            assert.equal(
                (
                    await json("POST", graphPaths.compliancePolicies, {
                        ...iosPolicy,
                        "@odata.type": "#microsoft.graph.macOSCompliancePolicyX",
                    })
                ).status,
                400,
            );
            const unknown = await json("POST", graphPaths.compliancePolicies, { ...iosPolicy, passwordRequired: true });
            assert.equal(unknown.status, 400);
            assert.match(
                unknown.body.error.message,
                /'passwordRequired' does not exist on type 'microsoft.graph.iosCompliancePolicy'/,
            );
        });

        it("merges a PATCH of the same type, bumps the version and answers 200 with the policy", async () => {
            const created = await createIos();
            const { status, body } = await json("PATCH", graphPaths.compliancePolicy(created.id), {
                "@odata.type": "#microsoft.graph.iosCompliancePolicy",
                deviceThreatProtectionRequiredSecurityLevel: "high",
                version: 40,
            });
            assert.equal(status, 200);
            assert.equal(body.version, 2);
            assert.equal(body.deviceThreatProtectionRequiredSecurityLevel, "high");
            assert.equal(body.displayName, "iOS threat level");
            // Without @odata.type the body is read as the declared base type (deviceCompliancePolicy).
            const baseOnly = await json("PATCH", graphPaths.compliancePolicy(created.id), { displayName: "x" });
            assert.equal(baseOnly.status, 200);
            assert.equal(baseOnly.body.displayName, "x");
            const derivedUntyped = await json("PATCH", graphPaths.compliancePolicy(created.id), {
                passcodeRequired: true,
            });
            assert.equal(derivedUntyped.status, 400);
            assert.match(
                derivedUntyped.body.error.message,
                /'passcodeRequired' does not exist on type 'microsoft.graph.deviceCompliancePolicy'/,
            );
            const otherType = await json("PATCH", graphPaths.compliancePolicy(created.id), {
                "@odata.type": "#microsoft.graph.androidCompliancePolicy",
            });
            assert.equal(otherType.status, 400);
        });

        it("lists every type, a Windows policy another admin made included, a page at a time", async () => {
            seedDevTenant(t.emulator.store, tenant);
            await createIos();
            const { body } = await json("GET", graphPaths.compliancePolicies);
            const types = body.value.map((p: { "@odata.type": string }) => p["@odata.type"]).sort();
            assert.deepEqual(types, [
                "#microsoft.graph.iosCompliancePolicy",
                "#microsoft.graph.windows81CompliancePolicy",
            ]);
            const windows = body.value.find((p: { "@odata.type": string }) => p["@odata.type"].includes("windows81"));
            assert.deepEqual(
                Object.keys(windows)
                    .filter((k) => k !== "@odata.type")
                    .sort(),
                Object.keys(windows81CompliancePolicyProperties).sort(),
            );
            const first = await json("GET", `${graphPaths.compliancePolicies}?$top=1`);
            assert.equal(first.body.value.length, 1);
            const second = await json("GET", first.body["@odata.nextLink"]);
            assert.equal(second.body.value.length, 1);
            assert.equal(second.body["@odata.nextLink"], undefined);
        });

        it("assigns with and without '#', to groups, exclusion groups and everyone, replacing the set", async () => {
            const { id } = await createIos();
            const targets = [
                { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
                {
                    "@odata.type": "microsoft.graph.exclusionGroupAssignmentTarget",
                    groupId: "0c000000-0000-4000-8000-000000000001",
                },
                { "@odata.type": "microsoft.graph.allLicensedUsersAssignmentTarget" },
            ];
            const assigned = await json("POST", graphPaths.compliancePolicyAssign(id), {
                assignments: targets.map((target) => ({ target })),
            });
            assert.equal(assigned.status, 200);
            assert.deepEqual(
                assigned.body.value.map((a: { target: { "@odata.type": string } }) => a.target["@odata.type"]),
                [
                    "#microsoft.graph.groupAssignmentTarget",
                    "#microsoft.graph.exclusionGroupAssignmentTarget",
                    "#microsoft.graph.allLicensedUsersAssignmentTarget",
                ],
            );
            await json("POST", graphPaths.compliancePolicyAssign(id), {
                assignments: [{ target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }],
            });
            const { body } = await json("GET", graphPaths.compliancePolicyAssignments(id));
            assert.deepEqual(
                body.value.map((a: { target: { "@odata.type": string } }) => a.target["@odata.type"]),
                ["#microsoft.graph.allDevicesAssignmentTarget"],
            );
            assert.equal(
                (
                    await json("POST", graphPaths.compliancePolicyAssign(id), {
                        assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget" } }],
                    })
                ).status,
                400,
                "a group target needs its groupId",
            );
        });

        it("deletes a policy with 204", async () => {
            const { id } = await createIos();
            assert.equal((await call("DELETE", graphPaths.compliancePolicy(id))).status, 204);
            assert.equal((await json("GET", graphPaths.compliancePolicy(id))).status, 404);
        });
    });

    describe("directory", () => {
        const groupsNamed = async (filter: string) =>
            (await json("GET", `/groups?$filter=${encodeURIComponent(filter)}&$select=id,displayName`)).body.value.map(
                (g: { displayName: string }) => g.displayName,
            );

        it("filters groups in each form Learn writes, ignoring case, with quotes doubled", async () => {
            assert.deepEqual(await groupsNamed("startswith(displayName,'field')"), ["Field Service"]);
            assert.deepEqual(await groupsNamed("startsWith(displayName, 'FIELD')"), ["Field Service"]);
            assert.deepEqual(await groupsNamed("STARTSWITH( displayName , 'fi' )"), ["Field Service"]);
            assert.deepEqual(await groupsNamed("displayName eq 'field service'"), ["Field Service"]);
            assert.deepEqual(await groupsNamed("displayName eq 'O''Brien''s Team'"), ["O'Brien's Team"]);
            assert.equal(
                (await json("GET", `/groups?$filter=${encodeURIComponent("endswith(displayName,'x')")}`)).status,
                400,
            );
        });

        it("returns only the selected properties", async () => {
            const { body } = await json("GET", `/groups/${groupId}?$select=displayName,securityEnabled`);
            assert.deepEqual(Object.keys(body).sort(), ["@odata.context", "displayName", "securityEnabled"]);
            const full = await json("GET", `/groups/${groupId}`);
            assert.equal(full.body.mailNickname, null, "a default property nobody set");
            assert.equal(full.body.members, undefined);
        });

        it("pages 250 members at $top 100 in 3 pages following absolute @odata.nextLink URLs", async () => {
            const pages: number[] = [];
            let next: string | undefined =
                `${t.emulator.graphBaseUrl}/groups/${groupId}/members/microsoft.graph.user?$top=100&$select=id`;
            while (next) {
                assert.ok(next.startsWith(t.emulator.url), `${next} is on the emulator's origin`);
                const page = (await (await call("GET", next)).json()) as {
                    value: unknown[];
                    "@odata.nextLink"?: string;
                };
                pages.push(page.value.length);
                next = page["@odata.nextLink"];
            }
            assert.deepEqual(pages, [100, 100, 50]);
        });

        it("pages members at 100 by default, each with its @odata.type", async () => {
            const first = await json("GET", `/groups/${groupId}/members`);
            assert.equal(first.body.value.length, 100);
            assert.ok(first.body["@odata.nextLink"]);
            const all = await json("GET", `/groups/${groupId}/members?$top=999`);
            const types = new Set(all.body.value.map((m: { "@odata.type": string }) => m["@odata.type"]));
            assert.deepEqual([...types].sort(), [
                "#microsoft.graph.device",
                "#microsoft.graph.group",
                "#microsoft.graph.servicePrincipal",
                "#microsoft.graph.user",
            ]);
        });

        it("refuses $top above 999", async () => {
            const { status, body } = await json("GET", `/groups/${groupId}/members?$top=1000`);
            assert.equal(status, 400);
            assert.match(body.error.message, /Must be between 1 and 999 inclusive/);
        });

        it("counts with ConsistencyLevel: eventual; refuses the $count segment without it and ignores $count=true without it", async () => {
            const segment = await call("GET", `/groups/${groupId}/members/$count`);
            assert.equal(segment.status, 400);
            assert.equal(((await segment.json()) as { error: { code: string } }).error.code, "Request_BadRequest");
            const counted = await call("GET", `/groups/${groupId}/members/$count`, undefined, eventual);
            assert.equal(counted.headers.get("content-type"), "text/plain");
            assert.equal(await counted.text(), "253");
            assert.equal((await json("GET", `/groups/${groupId}/members?$count=true`)).body["@odata.count"], undefined);
            assert.equal(
                (await json("GET", `/groups/${groupId}/members?$count=true&$top=1`, undefined, eventual)).body[
                    "@odata.count"
                ],
                253,
            );
        });

        it("casts members to each type, with $select, $top and $count", async () => {
            const cast = async (type: string) =>
                (
                    await json(
                        "GET",
                        `/groups/${groupId}/members/${type}?$select=id,displayName&$top=999&$count=true`,
                        undefined,
                        eventual,
                    )
                ).body;
            assert.equal((await cast("microsoft.graph.user"))["@odata.count"], 250);
            assert.deepEqual((await cast("microsoft.graph.group")).value, [
                { id: "0c000000-0000-4000-8000-000000000001", displayName: "O'Brien's Team" },
            ]);
            assert.equal((await cast("microsoft.graph.device")).value.length, 1);
            assert.equal((await cast("microsoft.graph.servicePrincipal")).value.length, 1);
            const users = await call(
                "GET",
                `/groups/${groupId}/members/microsoft.graph.user/$count`,
                undefined,
                eventual,
            );
            assert.equal(await users.text(), "250");
            assert.equal(
                (await json("GET", `/groups/${groupId}/members/microsoft.graph.contact`)).body.error.code,
                "Request_UnsupportedQuery",
            );
        });

        it("counts 100,000 generated members in one request and serves any page of them", async () => {
            const started = Date.now();
            const count = await call(
                "GET",
                "/groups/0c000000-0000-4000-8000-000000000002/members/microsoft.graph.user/$count",
                undefined,
                eventual,
            );
            assert.equal(await count.text(), "100000");
            const page = await json("GET", "/groups/0c000000-0000-4000-8000-000000000002/members?$top=999");
            assert.equal(page.body.value.length, 999);
            assert.equal(
                new Set(page.body.value.map((m: { id: string }) => m.id)).size,
                999,
                "distinct deterministic ids",
            );
            assert.ok(Date.now() - started < 2000);
        });

        it("accepts a directory with generated users through the admin hook", async () => {
            const body = {
                users: [],
                groups: [
                    {
                        id: groupId,
                        displayName: "Huge",
                        securityEnabled: true,
                        mailEnabled: false,
                        members: [],
                        generatedUsers: 100_000,
                    },
                ],
            };
            const put = await fetch(`${t.emulator.url}/_emulator/tenants/${t.tenantId}/directory`, {
                method: "PUT",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(body),
            });
            assert.equal(put.status, 200);
            const count = await call("GET", `/groups/${groupId}/members/$count`, undefined, eventual);
            assert.equal(await count.text(), "100000");
        });
    });
});
