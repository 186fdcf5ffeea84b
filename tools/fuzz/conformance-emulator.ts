/**
 * The emulator for tools/fuzz/conformance.sh: one tenant shaped like the dev tenant (directory,
 * Intune objects another admin made, Lookout's consent, ~200 users' phones), Lookout's Intune
 * connector saved so Lookout lists those phones (pending, activated, with threats), a policy and
 * an app assignment of the stack, rate limits and Intune windows no run reaches, no replication delay, and a token for each service from
 * the emulator's own token endpoints.
 *
 * Prints one JSON line `{url, graphToken, lookoutToken, applicationKey, ids}`, where `ids` are the objects the
 * documents' path parameters should name, and serves until it is stopped.
 */
import { lookoutPaths } from "../../contract/lookout/routes";
import { intuneConnectorSettingsSchema } from "../../contract/lookout/schemas";
import { lookoutMtdConnectorId, blockRule } from "../../contract/graph/schemas";
import { graphPaths } from "../../contract/graph/routes";
import { conditionalAccessPolicyBody } from "../../contract/graph/conditionalAccess";
import { seedDevTenant } from "../../emulator/devTenant";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { startLookoutEmulator } from "../../emulator/server";

async function main() {
    // The documents' shapes are judged here, not Intune's timing: no window a run reaches, no replication delay
    // (the suites hold the emulator's default behaviour to those).
    const emulator = await startLookoutEmulator({
        port: 0,
        rateLimitPerMinute: 1_000_000,
        graphRateLimitPerMinute: 1_000_000,
        intuneLimits: {
            writesPerAppPerTenant: 1_000_000,
            writesPerTenant: 1_000_000,
            requestsPerAppPerTenant: 1_000_000,
            requestsPerTenant: 1_000_000,
        },
        replicationDelayMs: 0,
    });
    const store = emulator.store;
    const tenant = store.addTenant("conformance");
    seedDevTenant(store, tenant);
    const graphApp = store.addGraphApp(tenant);
    const [, , pilot] = tenant.directory.groups;
    // Saved three hours ago: Lookout lists the phones, some still pending, most activated.
    configureIntuneConnector(
        tenant,
        intuneConnectorSettingsSchema().parse({
            heartbeatFrequencyMinutes: 60,
            enrollmentGroups: tenant.directory.groups.slice(2).map((g) => g.displayName),
            newDeviceCheckIntervalMinutes: 5,
            disconnectedDeviceThresholdDays: 30,
            stateSync: { deviceStatus: true, threatStatus: true },
            errorReportEmail: "mobile-admins@contoso.example",
        }),
        emulator.now() - 3 * 3600_000,
    );

    const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: graphApp.clientId,
        client_secret: graphApp.clientSecret,
        scope: `${new URL(emulator.graphBaseUrl).origin}/.default`,
    });
    const graphToken = await token(`${emulator.authorityHost}/${tenant.entraTenantId}/oauth2/v2.0/token`, {
        body: form.toString(),
    });
    const lookoutToken = await token(emulator.url + lookoutPaths.token, {
        body: "grant_type=client_credentials",
        authorization: `Bearer ${tenant.applicationKeys[0]}`,
    });

    const graph = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(emulator.graphBaseUrl + path, {
            method,
            headers: { authorization: `Bearer ${graphToken}`, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
        return (await response.json()) as { id: string };
    };
    const policy = await graph("POST", graphPaths.compliancePolicies, {
        "@odata.type": "#microsoft.graph.iosCompliancePolicy",
        displayName: "Lookout MTP - iOS",
        deviceThreatProtectionEnabled: true,
        deviceThreatProtectionRequiredSecurityLevel: "medium",
        scheduledActionsForRule: blockRule(),
    });
    await graph("POST", graphPaths.compliancePolicyAssign(policy.id), {
        assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot.id } }],
    });
    const [appId] = Object.keys(tenant.mobileApps).filter(
        (id) => tenant.mobileApps[id].body["@odata.type"] === "#microsoft.graph.iosStoreApp",
    );
    const assignment = await graph("POST", graphPaths.mobileAppAssignments(appId), {
        "@odata.type": "#microsoft.graph.mobileAppAssignment",
        intent: "required",
        target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: pilot.id },
    });
    const [lookout] = tenant.servicePrincipals;
    // A Conditional Access policy as the stack writes it (another admin's, from the dev tenant, is also listed).
    const caPolicy = await graph(
        "POST",
        graphPaths.conditionalAccessPolicies,
        conditionalAccessPolicyBody({
            displayName: "Lookout MTP - require a compliant mobile device",
            state: "enabledForReportingButNotEnforced",
            includeGroups: [pilot.id],
            excludeGroups: [tenant.directory.groups.find((g) => g.displayName === "Emergency Access")!.id],
            includeApplications: ["All"],
        }),
    );

    console.log(
        JSON.stringify({
            url: emulator.url,
            graphBaseUrl: emulator.graphBaseUrl,
            graphToken,
            lookoutToken,
            applicationKey: tenant.applicationKeys[0],
            ids: {
                groupId: pilot.id,
                mtdConnectorId: lookoutMtdConnectorId,
                compliancePolicyId: policy.id,
                mobileAppId: appId,
                mobileAppAssignmentId: assignment.id,
                servicePrincipalId: lookout.id,
                servicePrincipalAppId: lookout.appId,
                conditionalAccessPolicyId: caPolicy.id,
            },
        }),
    );
    const stop = () => void emulator.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

async function token(url: string, { body, authorization }: { body: string; authorization?: string }) {
    const response = await fetch(url, {
        method: "POST",
        headers: {
            "content-type": "application/x-www-form-urlencoded",
            ...(authorization ? { authorization } : {}),
        },
        body,
    });
    if (response.status !== 200)
        throw new Error(`the token endpoint ${url} answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
}

main().catch((err) => {
    console.error(`conformance emulator: ${(err as Error).message}`);
    process.exit(1);
});
