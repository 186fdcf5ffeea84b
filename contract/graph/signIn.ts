/**
 * Signing in to Microsoft Graph, as Entra documents it: the claims an access token carries, the
 * well-known public clients a person signs in through, the directory roles an Intune write needs,
 * and the delegated scopes a run asks for (derived from the route table, never listed by hand).
 *
 * Plain data and functions only: dynamic providers capture this module by value.
 */
import { z } from "zod";
import { graphRoutes, type GraphRoute } from "./routes";

/**
 * How a run signs in (`graph:signIn`):
 * - `user`: a person, delegated, through a public client (`npm run sign-in` first);
 * - `environment`: an app, app-only, from AZURE_CLIENT_ID with workload identity (OIDC), a client
 *   certificate or a secret: pipelines;
 * - `azureCli`: the Azure CLI's own token (`az login`), whose app Microsoft does not grant Intune's
 *   scopes: enough for `reference`/`graph` mode checks, refused before any Intune write;
 * - `managedIdentity`: the Azure resource the run executes on;
 * - `auto` (default): `environment` when AZURE_CLIENT_ID is set, `user` otherwise. Never a managed
 *   identity by surprise, as DefaultAzureCredential would on an Azure VM.
 */
export const signInModes = ["auto", "user", "environment", "azureCli", "managedIdentity"] as const;
export type SignInMode = (typeof signInModes)[number];

/**
 * "Microsoft Graph Command Line Tools", the first-party public client Microsoft documents for
 * delegated Graph scopes (`Connect-MgGraph -Scopes ...`, Graph PowerShell); the default of
 * `graph:clientId` for `user` sign-in. An admin may name their own public client registration.
 */
export const graphCommandLineToolsAppId = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/** The Azure CLI's first-party app: its Graph token holds no DeviceManagement* scope (Azure/azure-cli#20572, #22775). */
export const azureCliAppId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/**
 * Entra directory roles (role template IDs, the `wids` claim) that carry Intune's permissions
 * (Learn, "Enable the Mobile Threat Defense connector": Global Administrator or an Intune role).
 * Intune's own RBAC roles (Endpoint Security Manager, a custom role with Mobile Threat Defense
 * read/modify) are not in the token: only Intune's answer shows them.
 */
export const globalAdministratorRoleId = "62e90394-69f5-4237-9190-012177145e10";
const intuneAdministratorRoleId = "3a2c62db-5318-420d-8d74-23affee5d9d5";
export const intuneDirectoryRoles: Readonly<Record<string, string>> = {
    [globalAdministratorRoleId]: "Global Administrator",
    [intuneAdministratorRoleId]: "Intune Administrator",
};

/** The claims of an Entra access token that say who signed in and what they may do (read tolerantly). */
export function accessTokenClaimsSchema() {
    return z.looseObject({
        tid: z.string().optional(),
        /** `app` for app-only tokens, `user` for delegated ones (optional claim; `scp` tells too). */
        idtyp: z.string().optional(),
        /** Application permissions (app-only tokens). */
        roles: z.array(z.string()).optional(),
        /** Delegated scopes, space-separated (delegated tokens). */
        scp: z.string().optional(),
        /** Directory role template IDs of the signed-in user. */
        wids: z.array(z.string()).optional(),
        appid: z.string().optional(),
        upn: z.string().optional(),
        preferred_username: z.string().optional(),
    });
}
export type AccessTokenClaims = z.infer<ReturnType<typeof accessTokenClaimsSchema>>;

/**
 * The delegated scopes a run asks for: for every route (writes first), its least-privileged
 * permission, unless a scope already chosen also grants the route. Graph's delegated permissions
 * for these routes have the same names as the application ones (each route's reference page).
 */
export function runDelegatedScopes(): string[] {
    const routes = Object.values(graphRoutes) as GraphRoute[];
    const ordered = [...routes.filter((r) => r.method !== "GET"), ...routes.filter((r) => r.method === "GET")];
    const chosen: string[] = [];
    // A route that needs two permissions together (`alsoRequires`) asks for both.
    for (const permissions of ordered.flatMap((r) => [r.permissions, ...(r.alsoRequires ? [r.alsoRequires] : [])])) {
        if (![permissions.least, ...permissions.higher].some((p) => chosen.includes(p))) chosen.push(permissions.least);
    }
    return chosen;
}
