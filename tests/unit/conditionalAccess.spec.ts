/**
 * Conditional Access: the emulator's routes as v1.0 and Learn describe them (whole entities, Graph's
 * unset values, validation, the two permissions a write needs), and the plan of the stack's policy
 * (the rings enrolled now, never a held ring; whom enforcing newly covers).
 */
import assert from "node:assert/strict";
import { conditionalAccessPolicyBody } from "../../contract/graph/conditionalAccess";
import { graphPaths } from "../../contract/graph/routes";
import { newlyEnforcedGroups } from "../../components/conditionalAccess/impact";
import { planConditionalAccess } from "../../components/conditionalAccess/plan";
import { enrollmentGroupKey } from "../../components/entra/directory";
import { parsedConfig, validGraphConfig } from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";
import { configured } from "../kit/providerHarness";
import { conditionalAccessPolicyProvider } from "../../providers/conditionalAccess/policy";

const pilot = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
const sales = "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091";
const emergency = "5fa06172-3d4e-4f90-8b1c-6d7e8f9a0b1c";
const declared = {
    displayName: "Lookout MTP - require a compliant mobile device",
    state: "enabledForReportingButNotEnforced" as const,
    includeGroups: [pilot],
    excludeGroups: [emergency],
    includeApplications: ["All"],
};

describe("Conditional Access in the emulator", () => {
    const t = useEmulatedTenant({ eachTest: true });

    async function tokenOf(roles: string[]) {
        const app = t.emulator.store.addGraphApp(t.emulator.store.tenantById(t.tenantId)!, roles);
        const response = await fetch(`${t.emulator.authorityHost}/${t.entraTenantId}/oauth2/v2.0/token`, {
            method: "POST",
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: app.clientId,
                client_secret: app.clientSecret,
                scope: `${new URL(t.emulator.graphBaseUrl).origin}/.default`,
            }),
        });
        return ((await response.json()) as { access_token: string }).access_token;
    }

    async function call(method: string, path: string, body?: unknown, token?: string) {
        const response = await fetch(t.emulator.graphBaseUrl + path, {
            method,
            headers: {
                authorization: `Bearer ${token ?? (await tokenOf(["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"]))}`,
                "content-type": "application/json",
            },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
    }

    it("stores a created policy whole: every v1.0 property, unset complex ones null", async () => {
        const created = await call("POST", graphPaths.conditionalAccessPolicies, conditionalAccessPolicyBody(declared));
        assert.equal(created.status, 201);
        const read = await call("GET", graphPaths.conditionalAccessPolicy(created.body!.id));
        assert.equal(read.status, 200);
        const policy = read.body!;
        for (const key of ["sessionControls", "templateId", "description", "deletedDateTime", "modifiedDateTime"])
            assert.equal(policy[key], null, key);
        assert.equal(policy.conditions.locations, null);
        assert.equal(policy.conditions.devices, null);
        assert.deepEqual(policy.conditions.userRiskLevels, []);
        assert.deepEqual(policy.conditions.users.excludeUsers, []);
        assert.deepEqual(policy.conditions.users.includeGroups, [pilot]);
        assert.deepEqual(policy.grantControls, {
            operator: "OR",
            builtInControls: ["compliantDevice"],
            customAuthenticationFactors: [],
            termsOfUse: [],
        });
    });

    it("refuses a state outside conditionalAccessPolicyState, a missing user rule, and an unknown property", async () => {
        const body = conditionalAccessPolicyBody(declared);
        const badState = await call("POST", graphPaths.conditionalAccessPolicies, { ...body, state: "reportOnly" });
        assert.equal(badState.status, 400);
        assert.match(badState.body!.error.message, /conditionalAccessPolicyState/);
        const noUsers = await call("POST", graphPaths.conditionalAccessPolicies, {
            ...body,
            conditions: { ...body.conditions, users: { excludeGroups: [emergency] } },
        });
        assert.equal(noUsers.status, 400);
        assert.match(noUsers.body!.error.message, /must include users/);
        const unknown = await call("POST", graphPaths.conditionalAccessPolicies, { ...body, enforced: true });
        assert.equal(unknown.status, 400);
        assert.match(unknown.body!.error.message, /'enforced' does not exist/);
    });

    it("keeps what a PATCH leaves out, inside conditions too, and answers 204", async () => {
        const { body: created } = await call(
            "POST",
            graphPaths.conditionalAccessPolicies,
            conditionalAccessPolicyBody(declared),
        );
        const patched = await call("PATCH", graphPaths.conditionalAccessPolicy(created!.id), {
            state: "enabled",
            conditions: { signInRiskLevels: ["high"] },
        });
        assert.equal(patched.status, 204);
        const { body: policy } = await call("GET", graphPaths.conditionalAccessPolicy(created!.id));
        assert.equal(policy!.state, "enabled");
        assert.deepEqual(policy!.conditions.signInRiskLevels, ["high"]);
        assert.deepEqual(policy!.conditions.users.includeGroups, [pilot]);
    });

    it("replaces a complex value inside conditions that a PATCH names, as Graph does not say it merges", async () => {
        const { body: created } = await call(
            "POST",
            graphPaths.conditionalAccessPolicies,
            conditionalAccessPolicyBody(declared),
        );
        const patched = await call("PATCH", graphPaths.conditionalAccessPolicy(created!.id), {
            conditions: { users: { includeGroups: [sales] } },
        });
        assert.equal(patched.status, 204);
        const { body: policy } = await call("GET", graphPaths.conditionalAccessPolicy(created!.id));
        assert.deepEqual(policy!.conditions.users.includeGroups, [sales]);
        assert.deepEqual(policy!.conditions.users.excludeGroups, []);
        assert.deepEqual(policy!.conditions.applications.includeApplications, ["All"]);
    });

    it("needs both permissions Learn lists for a write, and one of the read's for a read", async () => {
        const writeOnly = await tokenOf(["Policy.ReadWrite.ConditionalAccess"]);
        const refused = await call(
            "POST",
            graphPaths.conditionalAccessPolicies,
            conditionalAccessPolicyBody(declared),
            writeOnly,
        );
        assert.equal(refused.status, 403);
        assert.match(refused.body!.error.message, /Policy\.Read\.All/);
        const readOnly = await tokenOf(["Policy.Read.All"]);
        assert.equal(
            (await call("POST", graphPaths.conditionalAccessPolicies, conditionalAccessPolicyBody(declared), readOnly))
                .status,
            403,
        );
        assert.equal((await call("GET", graphPaths.conditionalAccessPolicies, undefined, readOnly)).status, 200);
        const withApplicationRead = await tokenOf(["Application.Read.All", "Policy.ReadWrite.ConditionalAccess"]);
        assert.equal(
            (
                await call(
                    "POST",
                    graphPaths.conditionalAccessPolicies,
                    conditionalAccessPolicyBody(declared),
                    withApplicationRead,
                )
            ).status,
            201,
        );
    });
});

describe("the Conditional Access policy resource", () => {
    const t = useEmulatedTenant({ eachTest: true });
    const other = "6b1f8293-0000-4000-8000-000000000001";

    it("keeps an exclusion another admin added to its policy, removes one it no longer declares, and sees no drift in theirs", async () => {
        const provider = await configured(conditionalAccessPolicyProvider, t.graph);
        const second = "7c209304-0000-4000-8000-000000000002";
        const { id, outs } = await provider.create({ ...declared, excludeGroups: [emergency, second] });
        const stored = () =>
            t.emulator.store.tenantById(t.tenantId)!.conditionalAccessPolicies![id] as Record<string, any>;
        stored().conditions.users.excludeGroups.push(other);
        const refreshed = await provider.read(id, outs);
        assert.deepEqual(refreshed.props!.excludeGroups, [emergency, second].sort());
        const { outs: updated } = await provider.update(id, refreshed.props!, {
            ...declared,
            state: "enabled",
            excludeGroups: [emergency],
        });
        assert.deepEqual(updated.excludeGroups, [emergency]);
        assert.deepEqual(stored().conditions.users.excludeGroups, [emergency, other].sort());
        assert.equal(stored().state, "enabled");
        await provider.delete(id, updated);
        assert.equal(stored(), undefined);
    });

    it("sends conditions.users back whole on update, so the users and roles another admin set stay", async () => {
        const provider = await configured(conditionalAccessPolicyProvider, t.graph);
        const { id, outs } = await provider.create(declared);
        const users = () =>
            (t.emulator.store.tenantById(t.tenantId)!.conditionalAccessPolicies![id] as Record<string, any>).conditions
                .users;
        const breakGlass = "8d31a415-0000-4000-8000-000000000003";
        const securityReader = "5d6b6bb7-de71-4623-b4af-96380a352509";
        users().excludeUsers = [breakGlass];
        users().includeRoles = [securityReader];
        await provider.update(id, outs, { ...declared, includeGroups: [pilot, sales] });
        assert.deepEqual(users().includeGroups, [pilot, sales]);
        assert.deepEqual(users().excludeGroups, [emergency]);
        assert.deepEqual(users().excludeUsers, [breakGlass]);
        assert.deepEqual(users().includeRoles, [securityReader]);
    });
});

describe("the stack's Conditional Access plan", () => {
    const config = parsedConfig({
        ...validGraphConfig(),
        "lookout-mtp:rollout": {
            rings: [
                { name: "pilot", groups: ["Lookout Pilot"] },
                { name: "sales", groups: ["Sales Mobile"] },
            ],
        },
        "lookout-mtp:conditionalAccess": { exclusionGroups: [{ displayName: "Emergency Access" }] },
    });
    const groups = {
        [enrollmentGroupKey(0, config.enrollmentGroups[0])]: { objectId: pilot, displayName: "Lookout Pilot" },
        [enrollmentGroupKey(1, config.enrollmentGroups[1])]: { objectId: sales, displayName: "Sales Mobile" },
        "lookout-mtp:conditionalAccess.exclusionGroups[0] ('Emergency Access')": {
            objectId: emergency,
            displayName: "Emergency Access",
        },
    };

    it("includes the rings enrolled now, never a held one, report-only by default", () => {
        const plan = planConditionalAccess(config, groups, ["Lookout Pilot"]);
        assert.deepEqual(plan.policy.includeGroups, [pilot]);
        assert.deepEqual(plan.policy.excludeGroups, [emergency]);
        assert.equal(plan.policy.state, "enabledForReportingButNotEnforced");
        assert.deepEqual(plan.record, { mode: "reportOnly", rings: ["pilot"], includeGroups: [pilot] });
        assert.deepEqual(planConditionalAccess(config, groups, ["Lookout Pilot", "Sales Mobile"]).record.rings, [
            "pilot",
            "sales",
        ]);
    });

    it("newly enforces every covered group when it turns enforced, and only an added ring's while enforced", () => {
        const enforced = { ...config, conditionalAccess: { ...config.conditionalAccess!, state: "enforced" as const } };
        const both = planConditionalAccess(enforced, groups, ["Lookout Pilot", "Sales Mobile"]);
        assert.equal(both.policy.state, "enabled");
        assert.deepEqual(
            newlyEnforcedGroups(both, { mode: "reportOnly", rings: ["pilot"], includeGroups: [pilot] }),
            [pilot, sales].sort(),
        );
        assert.deepEqual(newlyEnforcedGroups(both, { mode: "enforced", rings: ["pilot"], includeGroups: [pilot] }), [
            sales,
        ]);
        assert.deepEqual(newlyEnforcedGroups(planConditionalAccess(config, groups, ["Lookout Pilot"]), undefined), []);
    });
});
