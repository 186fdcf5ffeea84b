import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminConsentUrl } from "../../components/entra/consentCheck";
import { authorityHostFor, graphScopeFor, qualifiedScope } from "../../contract/endpoints";
import { acceptedPermissions, graphPaths } from "../../contract/graph/routes";
import { conditionalAccessPolicyBody } from "../../contract/graph/conditionalAccess";
import { graphCommandLineToolsAppId, runDelegatedScopes } from "../../contract/graph/signIn";
import { graphClientFor, type GraphConnection } from "../../providers/graph/connection";
import { signInFile, userAccessToken } from "../../providers/graph/signIn/userSignIn";
import { signInAs } from "../kit/signIn";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

describe("A person's sign-in (graph:signIn user)", () => {
    const t = useEmulatedTenant({ eachTest: true });
    let dir: string;
    const before = process.env.LOOKOUT_MTP_SIGN_IN_DIR;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "lookout-sign-in-"));
        process.env.LOOKOUT_MTP_SIGN_IN_DIR = dir;
    });
    afterEach(() => {
        if (before === undefined) delete process.env.LOOKOUT_MTP_SIGN_IN_DIR;
        else process.env.LOOKOUT_MTP_SIGN_IN_DIR = before;
        rmSync(dir, { recursive: true, force: true });
    });

    const target = () => ({
        authorityHost: t.emulator.authorityHost,
        tenantId: t.entraTenantId,
        clientId: graphCommandLineToolsAppId,
        graphBaseUrl: t.emulator.graphBaseUrl,
    });
    const connection = (): GraphConnection => ({
        baseUrl: t.emulator.graphBaseUrl,
        authorityHost: t.emulator.authorityHost,
        signIn: "user",
        tenantId: t.entraTenantId,
        retry: t.graph.retry,
    });

    /** Signs the tenant's admin in, entering the code on the emulator's page as a browser would. */
    async function signIn(password = t.admin.password) {
        return signInAs(target(), { userPrincipalName: t.admin.userPrincipalName, password });
    }

    it("signs in with a device code, keeps only a refresh token readable by the user, and runs as that person", async () => {
        const result = await signIn();
        assert.equal(result.userPrincipalName, t.admin.userPrincipalName);
        assert.deepEqual(result.scopes.sort(), runDelegatedScopes().sort());
        assert.equal(statSync(signInFile(target())).mode & 0o777, 0o600);
        const graph = graphClientFor(connection());
        assert.equal((await graph.request("GET", graphPaths.mtdConnectors))!.status, 200);
        const who = await graph.identity();
        assert.equal(who?.kind, "user");
        assert.equal(who?.tenantId, t.entraTenantId);
    });

    it("names a delegated scope the token lacks, never an application permission", async () => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        tenant.publicClients![graphCommandLineToolsAppId] = runDelegatedScopes().filter(
            (s) => !s.startsWith("DeviceManagementServiceConfig.") && !s.startsWith("DeviceManagementConfiguration."),
        );
        await signIn();
        const graph = graphClientFor(connection());
        await assert.rejects(
            graph.assertPermissions(
                [acceptedPermissions("PATCH", graphPaths.mtdConnector("x"))],
                "Enabling the connector",
            ),
            (err: Error) =>
                /delegated Graph permission DeviceManagementServiceConfig\.ReadWrite\.All/.test(err.message) &&
                /npm run sign-in/.test(err.message) &&
                !/application permission/.test(err.message),
        );
        await assert.rejects(
            graph.request("PATCH", graphPaths.mtdConnector("x"), { body: {} }),
            /403 Forbidden: Application is not authorized.*delegated Graph permission DeviceManagementServiceConfig\.ReadWrite\.All/,
        );
    });

    it("renews with the scopes the tenant consented to, where Entra refuses a refresh naming another (AADSTS65001)", async () => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        await signIn();
        tenant.publicClients![graphCommandLineToolsAppId] = ["Directory.Read.All"];
        const { refreshToken } = JSON.parse(readFileSync(signInFile(target()), "utf8")) as { refreshToken: string };
        const named = await fetch(`${t.emulator.authorityHost}/${t.entraTenantId}/oauth2/v2.0/token`, {
            method: "POST",
            body: new URLSearchParams({
                grant_type: "refresh_token",
                client_id: graphCommandLineToolsAppId,
                refresh_token: refreshToken,
                scope: qualifiedScope(t.emulator.graphBaseUrl, "DeviceManagementApps.ReadWrite.All"),
            }),
        });
        assert.equal(named.status, 400);
        assert.match(await named.text(), /AADSTS65001/);
        const who = await graphClientFor(connection()).identity();
        assert.deepEqual(who?.permissions, ["Directory.Read.All"]);
    });

    it("gets a new token, not the cached one, when Graph refuses it", async () => {
        await signIn();
        const graph = graphClientFor(connection());
        await graph.request("GET", graphPaths.mtdConnectors);
        t.emulator.expireTokens();
        t.emulator.clearRequests();
        assert.equal((await graph.request("GET", graphPaths.mtdConnectors))!.status, 200);
        assert.deepEqual(
            t.emulator.requests().map((r) => `${r.method} ${r.path.split("/")[1]} ${r.status}`),
            ["GET graph 401", "POST entra 200", "GET graph 200"],
        );
    });

    it("refuses to run without a sign-in for the tenant, naming the command", async () => {
        await assert.rejects(userAccessToken(target()), /nobody is signed in to tenant .*npm run sign-in -- --tenant/);
        await assert.rejects(
            graphClientFor(connection()).request("GET", graphPaths.mtdConnectors),
            /graph:signIn user: signing in to tenant .* failed: nobody is signed in/,
        );
    });

    it("refuses a wrong password at the sign-in page", async () => {
        const answer = await fetch(`${t.emulator.authorityHost}/devicelogin`, {
            method: "POST",
            body: new URLSearchParams({ code: "NOPE", username: t.admin.userPrincipalName, password: "wrong" }),
        });
        assert.equal(answer.status, 400);
    });

    it("writes a Conditional Access policy only as an admin who holds a role that may, as Learn says", async () => {
        await signIn();
        const graph = graphClientFor(connection());
        const body = conditionalAccessPolicyBody({
            displayName: "Lookout MTP - require a compliant mobile device",
            state: "enabledForReportingButNotEnforced",
            includeGroups: ["3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80"],
            excludeGroups: ["5fa06172-3d4e-4f90-8b1c-6d7e8f9a0b1c"],
            includeApplications: ["All"],
        });
        // A Global Administrator may.
        assert.equal((await graph.request("POST", graphPaths.conditionalAccessPolicies, { body }))!.status, 201);
        // An Intune Administrator alone may not: the write is refused, the read is not.
        t.admin.wids.splice(0, t.admin.wids.length, "3a2c62db-5318-420d-8d74-23affee5d9d5");
        await signIn();
        const refused = await graphClientFor(connection())
            .request("POST", graphPaths.conditionalAccessPolicies, { body })
            .then(
                () => undefined,
                (err: { status?: number; message: string }) => err,
            );
        assert.equal(refused?.status, 403);
        assert.match(refused!.message, /Conditional Access Administrator or Security Administrator/);
        assert.equal(
            (await graphClientFor(connection()).request("GET", graphPaths.conditionalAccessPolicies))!.status,
            200,
        );
    });
});

describe("National clouds", () => {
    it("asks the global cloud's Graph for its token at the global sign-in host", () => {
        assert.equal(graphScopeFor("https://graph.microsoft.com/v1.0"), "https://graph.microsoft.com/.default");
        assert.equal(authorityHostFor("https://graph.microsoft.com/v1.0"), "https://login.microsoftonline.com");
    });

    it("asks a national cloud's Graph for its own token at that cloud's sign-in host", () => {
        assert.equal(graphScopeFor("https://graph.microsoft.us/v1.0"), "https://graph.microsoft.us/.default");
        assert.equal(authorityHostFor("https://graph.microsoft.us/v1.0"), "https://login.microsoftonline.us");
        assert.equal(
            authorityHostFor("https://microsoftgraph.chinacloudapi.cn/v1.0"),
            "https://login.chinacloudapi.cn",
        );
        assert.equal(
            adminConsentUrl("t", "c", authorityHostFor("https://graph.microsoft.us/v1.0")),
            "https://login.microsoftonline.us/t/adminconsent?client_id=c",
        );
        assert.equal(adminConsentUrl("t", "c"), "https://login.microsoftonline.com/t/adminconsent?client_id=c");
        assert.equal(
            qualifiedScope("https://dod-graph.microsoft.us/v1.0", "User.Read"),
            "https://dod-graph.microsoft.us/User.Read",
        );
    });
});
