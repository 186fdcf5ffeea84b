/**
 * A run whose Graph identity lacks one permission fails with a message naming it, before the write
 * that needs it: the token's `roles` claim is checked before any Intune write is sent. The identity
 * holds every other permission, as a real pipeline's would.
 *
 * In-process: the program's checks (`runPreflight`) and the providers, against the emulator; the
 * engine only passes such a failure on (tests/e2e/refusals.spec.ts shows how the CLI prints a
 * refusal). Three more least-privilege refusals are unit tests of the code that makes them: a
 * Lookout key without settings:write (tests/unit/intuneConnector.spec.ts), a Graph identity that
 * may not write the MTD connector (tests/unit/mtdConnector.spec.ts) or read groups
 * (tests/unit/graphDirectory.spec.ts).
 */
import assert from "node:assert/strict";
import { appsToDeploy } from "../../components/intune/threatDefense";
import { runPreflight } from "../../components/onboarding/preflight";
import { allGraphRoles } from "../../emulator/store";
import { graphClientFor, type GraphConnection } from "../../providers/graph/connection";
import { compliancePolicyProvider } from "../../providers/intune/compliancePolicy";
import { storeAppProvider } from "../../providers/intune/storeApp";
import { parsedConfig, validReferenceConfig } from "../kit/configFixtures";
import { type EmulatedTenant, useEmulatedTenant } from "../kit/lookoutEmulator";
import { configured } from "../kit/providerHarness";
import { fastRetryPolicy, recordInProcess } from "./support";

const groupIds = ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091"];

/** A connection signing in to Graph as a new app of the tenant with every permission but `missing`. */
function signedInWithout(tenant: EmulatedTenant, ...missing: string[]): GraphConnection {
    const limited = tenant.emulator.store.addGraphApp(
        tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!,
        allGraphRoles.filter((r) => !missing.includes(r)),
    );
    return {
        ...tenant.graph,
        loopbackCredentials: {
            tenantId: tenant.entraTenantId,
            clientId: limited.clientId,
            clientSecret: limited.clientSecret,
        },
        retry: fastRetryPolicy,
    };
}

describe("least privilege (in-process checks and providers against the emulator)", () => {
    const tenant = useEmulatedTenant({ eachTest: true });
    beforeEach(() => tenant.emulator.clearRequests());

    it("a Graph identity that cannot read Lookout's consent stops the checks naming Application.Read.All, with no write at all", async () => {
        const started = Date.now();
        // Directory.Read.All would grant the read too (Learn lists it as a higher permission).
        const graph = graphClientFor(signedInWithout(tenant, "Application.Read.All", "Directory.Read.All"));
        await assert.rejects(
            runPreflight(parsedConfig(validReferenceConfig()), graph, tenant.console),
            /servicePrincipals\(appId=.*403 Authorization_RequestDenied.*needs the Graph application permission Application\.Read\.All, which the signed-in app/,
        );
        assert.deepEqual(tenant.writes(), [], "nothing was written");
        recordInProcess(tenant, {
            scenario: "least privilege",
            injected: "Graph app without Application.Read.All and Directory.Read.All",
            outcome: "checks failed naming it, no write",
            started,
            faults: 0,
        });
    });

    const cases = [
        {
            missing: "DeviceManagementConfiguration.ReadWrite.All",
            route: "/deviceCompliancePolicies",
            create: async (connection: GraphConnection) => {
                const provider = await configured(compliancePolicyProvider, connection);
                const { inputs } = await provider.check(
                    {} as never,
                    {
                        platform: "ios",
                        displayName: "Lookout MTP - iOS",
                        requiredSecurityLevel: "low",
                        groupIds,
                    } as never,
                );
                return provider.create(inputs!);
            },
        },
        {
            missing: "DeviceManagementApps.ReadWrite.All",
            route: "/mobileApps",
            create: async (connection: GraphConnection) => {
                const provider = await configured(storeAppProvider, connection);
                const intune = validReferenceConfig()["lookout-mtp:intune"] as object;
                const { apps } = parsedConfig({
                    ...validReferenceConfig(),
                    "lookout-mtp:intune": { ...intune, apps: { ios: true } },
                }).intune!;
                const [app] = appsToDeploy(apps);
                // As the stack declares it (components/intune/threatDefense.ts).
                const { inputs } = await provider.check(
                    {} as never,
                    {
                        platform: app.platform,
                        storeId: app.storeId,
                        displayName: app.displayName,
                        publisher: app.publisher,
                        storeUrl: app.storeUrl,
                        intent: apps!.intent,
                        groupIds,
                    } as never,
                );
                return provider.create(inputs!);
            },
        },
    ];
    for (const { missing, route, create } of cases) {
        it(`a Graph identity without ${missing} fails naming it, with no write to ${route}`, async () => {
            const started = Date.now();
            await assert.rejects(
                create(signedInWithout(tenant, missing)),
                new RegExp(
                    `needs the Graph application permission ${missing.replace(/\./g, "\\.")}, which the signed-in app \\(client ID [0-9a-f-]+\\) lacks`,
                ),
            );
            assert.deepEqual(
                tenant.writes().filter((r) => r.path.includes(route)),
                [],
                `nothing was written to ${route}`,
            );
            recordInProcess(tenant, {
                scenario: "least privilege",
                injected: `Graph app without ${missing}`,
                outcome: "failed naming it, before the write",
                started,
                faults: 0,
            });
        });
    }
});
