/**
 * `npm run sign-in`: a person signs in to a tenant for the runs that follow (graph:signIn user), as
 * `az login` or `Connect-MgGraph` do: a device code to enter in a browser, through a public client
 * (Microsoft Graph Command Line Tools unless `--client-id` names your own), asking for exactly the
 * delegated scopes a run needs. Prints who signed in and any scope the token still lacks.
 *
 *   npm run sign-in -- --tenant <tenant ID> [--graph https://graph.microsoft.com/v1.0]
 *       [--authority <sign-in host>] [--client-id <public client ID>]
 */
import { parseArgs } from "node:util";
import {
    authorityHostFor,
    defaultGraphBaseUrl,
    validateGraphBaseUrl,
    validateServiceUrl,
} from "../../contract/endpoints";
import { graphCommandLineToolsAppId, runDelegatedScopes } from "../../contract/graph/signIn";
import { signInFile, signInWithDeviceCode } from "../../providers/graph/signIn/userSignIn";

async function main() {
    const { values } = parseArgs({
        options: {
            tenant: { type: "string" },
            graph: { type: "string", default: process.env.GRAPH_BASE_URL ?? defaultGraphBaseUrl },
            authority: { type: "string", default: process.env.AZURE_AUTHORITY_HOST },
            "client-id": { type: "string", default: graphCommandLineToolsAppId },
        },
    });
    if (!values.tenant || !/^[0-9a-f-]{36}$/i.test(values.tenant))
        throw new Error("--tenant: give the tenant ID (a GUID), the one lookout-mtp:entra.tenantId names");
    const graphBaseUrl = validateGraphBaseUrl(values.graph!, "--graph");
    const authorityHost = validateServiceUrl(
        values.authority ?? authorityHostFor(graphBaseUrl),
        "--authority",
        "https://login.microsoftonline.com",
    );
    const target = { tenantId: values.tenant, clientId: values["client-id"]!, graphBaseUrl, authorityHost };
    const result = await signInWithDeviceCode(target, (message) => console.error(message));
    const lacking = runDelegatedScopes().filter((s) => !result.scopes.includes(s));
    console.log(
        `Signed in as ${result.userPrincipalName ?? "(unknown user)"} to tenant ${target.tenantId}; kept in ${signInFile(target)}.`,
    );
    console.log(
        `Runs of this tenant now sign in as this person: set graph:signIn user (or leave AZURE_CLIENT_ID unset).`,
    );
    if (lacking.length > 0)
        console.log(
            `The token lacks ${lacking.join(", ")}: a Global Administrator consents to them for client ${target.clientId} (Entra admin center > Enterprise applications > Permissions), then sign in again.`,
        );
}

main().catch((err) => {
    console.error(`sign-in: ${(err as Error).message}`);
    process.exit(1);
});
