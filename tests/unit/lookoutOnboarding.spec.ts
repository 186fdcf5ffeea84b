import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { checkExistingGroups } from "../../components/entra/directory";
import { runPreflight } from "../../components/onboarding/preflight";
import { LookoutOnboarding } from "../../components/onboarding/lookoutOnboarding";
import type { StackConfig } from "../../config/stackConfig";
import { graphClientFor } from "../../providers/graph/connection";
import {
    referenceTenantId,
    sampleDirectory,
    validManageConfig,
    validReferenceConfig,
    parsedConfig,
} from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";
import { devEntraTenantId, devLookoutClientId } from "../../emulator/devTenant";
import { type Directory, graphRoles, installMocks, type Registered, valueOf } from "../kit/pulumiMocks";

const directory: Directory = {
    // The emulated tenant's: azuread and Graph sign in to the same tenant (the preflight holds them to it).
    tenantId: devEntraTenantId,
    users: { "alex@contoso.com": "u-alex", "sam@contoso.com": "u-sam", "kim@contoso.com": "u-kim" },
    groups: [
        { objectId: "g-sales", displayName: "Sales Mobile", members: ["u-kim"] },
        { objectId: "g-nested", displayName: "Field Mobile", members: ["u-kim", "g-sales"] },
        { objectId: "g-dup-1", displayName: "Shared Mobile", members: [] },
        { objectId: "g-dup-2", displayName: "Shared Mobile", members: [] },
    ],
};

const config = parsedConfig;

function withEnrollment(groups: unknown[]) {
    return config({ ...validManageConfig(), "lookout-mtp:enrollmentGroups": groups });
}

const byType = (registered: Registered[], type: string) => registered.filter((r) => r.type === type);

describe("LookoutOnboarding resource graph", () => {
    let registered: Registered[];
    let opts: pulumi.ComponentResourceOptions;
    // Entra under mocks for what azuread does in manage mode (create groups, consent, tenant ID);
    // existing groups are checked through the emulated Graph, as in every mode.
    const t = useEmulatedTenant({
        prepare: (t) => {
            t.emulator.store.tenantByEntraId(t.entraTenantId)!.directory = sampleDirectory();
        },
    });
    beforeEach(() => {
        ({ registered, opts } = installMocks(directory));
    });
    const checked = (c: StackConfig) => checkExistingGroups(c, graphClientFor(t.graph));
    const graph = () => graphClientFor(t.graph);
    const onboard = async (c: StackConfig) =>
        new LookoutOnboarding(
            "lookout",
            { config: c, preflight: await runPreflight(c, graph(), t.console), graph: graph() },
            opts,
        );

    it("wires the connector's enrollment groups from the groups' own display names", async () => {
        const onboarding = await onboard(config(validManageConfig()));
        assert.deepEqual(await valueOf(onboarding.connector!.enrollmentGroups), ["Lookout Pilot", "Sales Mobile"]);
        assert.equal(await valueOf(onboarding.tenantId), directory.tenantId);
    });

    it("creates security groups that are not mail-enabled, with members resolved to user object IDs", async () => {
        await onboard(config(validManageConfig()));
        await new Promise((resolve) => setImmediate(resolve));
        const groups = byType(registered, "azuread:index/group:Group");
        assert.deepEqual(groups.map((g) => g.inputs.displayName).sort(), ["Lookout MTP Admins", "Lookout Pilot"]);
        for (const g of groups) {
            assert.equal(g.inputs.securityEnabled, true);
            assert.equal(g.inputs.mailEnabled, false);
        }
        const pilot = groups.find((g) => g.inputs.displayName === "Lookout Pilot")!;
        assert.deepEqual(await valueOf(pilot.inputs.members as pulumi.Output<string[]>), ["u-alex", "u-sam"]);
    });

    describe("Lookout's consent in manage mode", () => {
        const grantType =
            "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant";
        const roleType = "azuread:index/appRoleAssignment:AppRoleAssignment";
        const spType = "azuread:index/servicePrincipal:ServicePrincipal";
        const consentTypes = [grantType, roleType, spType];
        /** Runs `body` with the tenant's consent to Lookout's app as `consent` leaves it (none when undefined). */
        async function withConsent(
            consent: { applicationPermissions: string[]; delegatedScopes: string[] } | undefined,
            body: () => Promise<void>,
        ) {
            const tenant = t.emulator.store.tenantByEntraId(t.entraTenantId)!;
            const before = tenant.servicePrincipals;
            tenant.servicePrincipals = [];
            if (consent)
                t.emulator.store.grantConsent(tenant, {
                    appId: devLookoutClientId,
                    displayName: "Lookout",
                    ...consent,
                });
            try {
                await body();
            } finally {
                tenant.servicePrincipals = before;
            }
        }
        const all = { applicationPermissions: Object.keys(graphRoles), delegatedScopes: ["User.Read"] };

        it("grants what a tenant without consent lacks, all of it kept by destroy", async () => {
            await withConsent(undefined, async () => {
                const onboarding = await onboard(config(validManageConfig()));
                const [sp] = byType(registered, spType);
                assert.equal(sp.inputs.useExisting, true);
                assert.equal(sp.inputs.clientId, devLookoutClientId);
                const roles = byType(registered, roleType);
                const roleIds = await Promise.all(
                    roles.map((r) => valueOf(r.inputs.appRoleId as pulumi.Output<string>)),
                );
                assert.deepEqual(roleIds.sort(), Object.values(graphRoles).sort());
                const [grant] = byType(registered, grantType);
                assert.deepEqual(await valueOf(grant.inputs.claimValues as pulumi.Output<string[]>), ["User.Read"]);
                for (const r of registered.filter((r) => consentTypes.includes(r.type)))
                    assert.equal(r.opts.retainOnDelete, true, `${r.name} is kept by destroy`);
                assert.deepEqual(onboarding.lookoutConsentDeclared, {
                    servicePrincipal: true,
                    applicationPermissions: Object.keys(graphRoles),
                    delegatedGrant: true,
                });
            });
        });

        it("declares nothing of a consent the tenant already holds, and uses it", async () => {
            await withConsent(all, async () => {
                const onboarding = await onboard(config(validManageConfig()));
                assert.deepEqual(
                    registered.filter((r) => consentTypes.includes(r.type)).map((r) => r.name),
                    [],
                );
                const sp = t.emulator.store.tenantByEntraId(t.entraTenantId)!.servicePrincipals[0];
                assert.equal(await valueOf(onboarding.lookoutServicePrincipalObjectId), sp.id);
                assert.equal(await valueOf(onboarding.lookoutConsentVerified), true);
            });
        });

        it("declares only the half a tenant lacks", async () => {
            await withConsent(
                { applicationPermissions: ["Device.Read.All", "User.Read.All"], delegatedScopes: [] },
                async () => {
                    await onboard(config(validManageConfig()));
                    assert.deepEqual(byType(registered, spType), [], "the service principal exists");
                    const roles = byType(registered, roleType).map((r) => r.name.replace("lookout-consent-", ""));
                    assert.deepEqual(roles.sort(), [
                        "Application.Read.All",
                        "DeviceManagementApps.Read.All",
                        "GroupMember.Read.All",
                    ]);
                    assert.equal(byType(registered, grantType).length, 1);
                },
            );
        });

        it("keeps declaring what it declared itself before, so its state keeps it", async () => {
            await withConsent(all, async () => {
                const c = config(validManageConfig());
                const before = {
                    servicePrincipal: false,
                    applicationPermissions: ["User.Read.All"],
                    delegatedGrant: true,
                };
                const preflight = await runPreflight(c, graph(), t.console, {
                    consentDeclaredBefore: Promise.resolve(before),
                });
                new LookoutOnboarding("lookout", { config: c, preflight, graph: graph() }, opts);
                assert.deepEqual(
                    byType(registered, roleType).map((r) => r.name),
                    ["lookout-consent-User.Read.All"],
                );
                assert.equal(byType(registered, grantType).length, 1);
                assert.equal(byType(registered, spType).length, 0);
            });
        });

        it("refuses before any write to complete a grant for all users it did not make", async () => {
            await withConsent({ ...all, delegatedScopes: ["openid"] }, async () => {
                await assert.rejects(
                    runPreflight(config(validManageConfig()), graph(), t.console),
                    /lookout-mtp:consent\.delegatedScopes: Lookout's existing grant for all users lacks User\.Read, and the stack does not rewrite a grant it did not make/,
                );
            });
        });

        it("holds the azuread provider's sign-in to the tenant entra.tenantId names (or Graph's), before anything is declared", async () => {
            const other = "9a1b2c3d-0000-4000-8000-000000000001";
            ({ registered, opts } = installMocks({ ...directory, tenantId: other }));
            const named = config({
                ...validManageConfig(),
                "lookout-mtp:entra": { mode: "manage", tenantId: t.entraTenantId },
            });
            await assert.rejects(
                runPreflight(named, graph(), t.console),
                new RegExp(
                    `lookout-mtp:entra\\.tenantId: is ${t.entraTenantId}, but the azuread provider signs in to tenant ${other}; set \`pulumi config set azuread:tenantId`,
                ),
            );
            await assert.rejects(
                runPreflight(config(validManageConfig()), graph(), t.console),
                new RegExp(
                    `lookout-mtp:entra\\.tenantId: Microsoft Graph signed in to tenant ${t.entraTenantId}, but the azuread provider signs in to tenant ${other}`,
                ),
            );
            ({ registered, opts } = installMocks(directory));
            const onboarding = await onboard(named);
            assert.equal(await valueOf(onboarding.tenantId), t.entraTenantId);
        });
    });

    it("outputs what Lookout support needs and a ready-to-send request", async () => {
        const onboarding = new LookoutOnboarding(
            "lookout",
            { config: config(validReferenceConfig()), graph: graph() },
            opts,
        );
        assert.equal(await valueOf(onboarding.tenantId), referenceTenantId);
        assert.equal(await valueOf(onboarding.fullAccessGroupObjectId), "1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e");
        const request = await valueOf(onboarding.onboardingRequest);
        assert.match(request, new RegExp(`Entra tenant ID: ${referenceTenantId}`));
        assert.match(request, /full console access \('Lookout MTP Admins'\): 1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e/);
        assert.match(
            request,
            /restricted console access \('Lookout MTP Analysts'\): 2c7a3d4e-9f0b-4c6d-8e1f-2a3b4c5d6e7f/,
        );
    });

    it("declares nothing in Entra in reference mode", async () => {
        new LookoutOnboarding("lookout", { config: config(validReferenceConfig()), graph: graph() }, opts);
        assert.deepEqual(
            registered.filter((r) => r.type.startsWith("azuread:")),
            [],
        );
        const lookout = registered
            .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/lookout:"))
            .map((r) => r.type);
        assert.deepEqual(lookout.sort(), [
            "pulumi-nodejs:dynamic/lookout:IntuneConnector",
            "pulumi-nodejs:dynamic/lookout:NotificationPreferences",
            "pulumi-nodejs:dynamic/lookout:ThreatClassifications",
        ]);
    });

    it("assigns the Intune compliance policies to the enrollment groups, after the connectors", async () => {
        new LookoutOnboarding("lookout", { config: config(validReferenceConfig()), graph: graph() }, opts);
        const policies = byType(registered, "pulumi-nodejs:dynamic/intune:ThreatCompliancePolicy");
        assert.deepEqual(policies.map((p) => p.inputs.platform).sort(), ["androidWorkProfile", "ios"]);
        for (const policy of policies) {
            assert.deepEqual(await valueOf(policy.inputs.groupIds as pulumi.Output<string[]>), [
                "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80",
                "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091",
            ]);
            assert.equal((policy.opts.dependsOn as pulumi.Resource[]).length, 1);
        }
        const [connector] = byType(registered, "pulumi-nodejs:dynamic/intune:MtdConnector");
        assert.equal(connector.inputs.partnerUnsupportedOsVersionBlocked, true);
        const [intune] = byType(registered, "lookout-mtp:index:IntuneThreatDefense");
        assert.equal((intune.opts.dependsOn as pulumi.Resource[]).length, 1, "Intune waits for Lookout's connector");
    });

    it("never passes the application key to a resource", async () => {
        process.env.LOOKOUT_APPLICATION_KEY = "lk_must_not_leak";
        try {
            new LookoutOnboarding("lookout", { config: config(validReferenceConfig()), graph: graph() }, opts);
            for (const r of registered) assert.ok(!JSON.stringify(r.inputs).includes("lk_must_not_leak"), r.name);
        } finally {
            delete process.env.LOOKOUT_APPLICATION_KEY;
        }
    });

    const failures: Array<[string, unknown[], RegExp]> = [
        ["a name that differs only in case", [{ displayName: "sales mobile" }], /did you mean 'Sales Mobile'\?/],
        ["a name no group has", [{ displayName: "Field Sales" }], /no Entra group is named 'Field Sales'/],
        ["a name two groups share", [{ displayName: "Shared Mobile" }], /2 Entra groups are named 'Shared Mobile'/],
        [
            "a group with a nested group",
            [{ displayName: "Field Mobile" }],
            /1 member\(s\) that are not users, among them the group\(s\) 'Sales Mobile'.*Lookout does not support nested groups/,
        ],
    ];
    for (const [what, groups, message] of failures) {
        it(`stops before anything is declared for ${what}, as a clean error`, async () => {
            await assert.rejects(
                checked(withEnrollment(groups)),
                (err: Error) => pulumi.RunError.isInstance(err) && message.test(err.message),
            );
        });
    }

    it("reports every group problem at once, one line each, naming its config key", async () => {
        const err = await checked(
            withEnrollment([
                { displayName: "sales mobile" },
                { displayName: "Field Mobile" },
                { displayName: "Field Sales" },
            ]),
        ).catch((e: Error) => e);
        assert.ok(pulumi.RunError.isInstance(err));
        const lines = (err as Error).message.split("\n");
        assert.equal(lines[0], "The Entra groups have 3 problem(s); nothing was changed:");
        assert.deepEqual(
            lines.slice(1).map((l) => l.slice(0, l.indexOf(": "))),
            [
                "  - lookout-mtp:enrollmentGroups[0] ('sales mobile')",
                "  - lookout-mtp:enrollmentGroups[1] ('Field Mobile')",
                "  - lookout-mtp:enrollmentGroups[2] ('Field Sales')",
            ],
        );
    });

    it("verifies the consent it grants (manage mode) before any Lookout write, and says so", async () => {
        const onboarding = await onboard(config(validManageConfig()));
        assert.equal(await valueOf(onboarding.lookoutConsentVerified), true);
    });

    it("writes nothing to Lookout in manage mode while the consent it granted cannot be read back", async () => {
        const tenant = t.emulator.store.tenantByEntraId(t.entraTenantId)!;
        const consented = tenant.servicePrincipals;
        tenant.servicePrincipals = [];
        try {
            const onboarding = await onboard(config(validManageConfig()));
            await assert.rejects(
                valueOf(onboarding.lookoutConsentVerified),
                (err: Error) =>
                    pulumi.RunError.isInstance(err) &&
                    /after the stack granted it: lookout-mtp:consent: .*no service principal/.test(err.message),
            );
            await assert.rejects(
                valueOf(onboarding.connector!.heartbeatFrequencyMinutes),
                /no service principal/,
                "the Lookout connector's inputs wait for the check",
            );
        } finally {
            tenant.servicePrincipals = consented;
        }
    });

    it("deploys Lookout for Work to the enrollment groups before the MTD connector, and the policies wait for it", async () => {
        const raw = validReferenceConfig();
        await new LookoutOnboarding(
            "lookout",
            {
                config: config({
                    ...raw,
                    "lookout-mtp:intune": { ...(raw["lookout-mtp:intune"] as object), apps: { ios: true } },
                }),
                graph: graph(),
            },
            opts,
        );
        const apps = byType(registered, "pulumi-nodejs:dynamic/intune:StoreApp");
        assert.deepEqual(apps.map((a) => a.inputs.storeId).sort(), [
            "com.lookout.enterprise",
            "com.microsoft.azureauthenticator",
        ]);
        for (const app of apps) {
            assert.equal(app.inputs.intent, "required");
            assert.deepEqual(await valueOf(app.inputs.groupIds as pulumi.Output<string[]>), [
                "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80",
                "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091",
            ]);
        }
        const [connector] = byType(registered, "pulumi-nodejs:dynamic/intune:MtdConnector");
        assert.equal((connector.opts.dependsOn as pulumi.Resource[]).length, 2, "the connector waits for both apps");
        for (const policy of byType(registered, "pulumi-nodejs:dynamic/intune:ThreatCompliancePolicy")) {
            assert.equal(
                (policy.opts.dependsOn as pulumi.Resource[]).length,
                3,
                "each policy waits for the connector and both apps",
            );
        }
    });

    it("checks the groups itself when a program declares the component without checking first", async () => {
        const { tenantId, clientId, clientSecret } = t.graph.loopbackCredentials!;
        pulumi.runtime.setConfig("graph:baseUrl", t.graph.baseUrl);
        pulumi.runtime.setConfig("graph:authorityHost", t.graph.authorityHost!);
        Object.assign(process.env, {
            AZURE_TENANT_ID: tenantId,
            AZURE_CLIENT_ID: clientId,
            AZURE_CLIENT_SECRET: clientSecret,
        });
        try {
            const onboarding = new LookoutOnboarding(
                "lookout",
                { config: withEnrollment([{ displayName: "Field Sales" }]) },
                opts,
            );
            await assert.rejects(
                valueOf(onboarding.connector!.enrollmentGroups),
                /no Entra group is named 'Field Sales'/,
            );
        } finally {
            for (const key of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]) delete process.env[key];
        }
    });
});
