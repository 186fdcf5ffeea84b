/**
 * The sign-in of one stack of a fleet in a GitHub Actions job. The job's identity is one
 * multi-tenant app with a federated credential for the workflow; each stack signs in as it to its
 * own tenant (`fleet:azureTenantId`, see stacks.ts). GitHub's OIDC tokens expire minutes after they
 * are issued and the Azure CLI session `azure/login` leaves cannot renew one, so a job that works
 * through many tenants asks GitHub for a fresh token as each stack starts and hands it to the
 * stack's DefaultAzureCredential as a workload identity token file (`AZURE_FEDERATED_TOKEN_FILE`).
 * The azuread provider (`ARM_USE_OIDC`) requests its own tokens from the same endpoint.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** GitHub's audience for tokens exchanged with Entra (the federated credential's `audiences`). */
const entraAudience = "api://AzureADTokenExchange";

/**
 * `{ AZURE_FEDERATED_TOKEN_FILE }` for `stack`, written into `dir` (mode 600), when the job may
 * request OIDC tokens, names an app (`AZURE_CLIENT_ID`) and holds no client secret; `{}` otherwise
 * (a laptop, the tests: the environment's own sign-in is used as it is).
 */
export async function federatedTokenEnv(
    dir: string,
    stack: string,
    env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
    const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer } = env;
    if (!url || !bearer || !env.AZURE_CLIENT_ID || env.AZURE_CLIENT_SECRET) return {};
    const response = await fetch(`${url}&audience=${encodeURIComponent(entraAudience)}`, {
        headers: { authorization: `bearer ${bearer}` },
    });
    const body = (await response.json().catch(() => ({}))) as { value?: string };
    if (!response.ok || !body.value)
        throw new Error(
            `GitHub's OIDC token request failed (${response.status}); does the job have 'permissions: id-token: write'?`,
        );
    const file = join(dir, `${stack}.jwt`);
    writeFileSync(file, body.value, { mode: 0o600 });
    return { AZURE_FEDERATED_TOKEN_FILE: file };
}
