/**
 * Who the run signed in as, checked before anything is written: the tenant the config names
 * (`lookout-mtp:entra.tenantId`), for the Graph token and, in manage mode, the azuread provider, and the Graph permissions the declared writes need, of the kind
 * the token carries (an app's `roles`, a person's `scp`), with a person's Intune role. Every problem
 * is one line naming what to change: the config key, the permission of the right kind, the role, or
 * the sign-in to use instead.
 *
 * Cost: no request for an app, or for a person whose token shows an Intune directory role; one read
 * of the connector list otherwise (Intune RBAC roles are in no token, only Intune's answer shows them).
 */
import type { StackConfig } from "../../config/stackConfig";
import { graphPaths, type GraphRoute, graphRoutes, type GraphRouteId } from "../../contract/graph/routes";
import type { GraphClient } from "../../providers/graph/client";
import {
    intuneRoleAdvice,
    intuneRolesOf,
    missingPermissions,
    permissionAdvice,
    type SignedInIdentity,
} from "../../providers/graph/identity";
import { azuread } from "../entra/azuread";
import { appsToDeploy } from "../intune/threatDefense";

/** The write routes the config declares, each as the permissions that grant it (least privileged first). */
export function declaredWrites(config: StackConfig): Array<readonly string[]> {
    const intune = config.intune;
    const routes: GraphRouteId[] = intune ? ["mtdConnector.create", "mtdConnector.update"] : [];
    if (intune && intune.compliancePolicies.length > 0)
        routes.push("compliancePolicy.create", "compliancePolicy.assign");
    if (intune && appsToDeploy(intune.apps).length > 0) routes.push("mobileApp.create", "mobileAppAssignment.create");
    // Conditional Access writes need two permissions together (Learn's "A and B"): each set is one entry.
    if (config.conditionalAccess) routes.push("conditionalAccessPolicy.create", "conditionalAccessPolicy.delete");
    for (const platform of new Set(config.appProtection?.policies.map((p) => p.platform)))
        routes.push(`${platform}AppProtection.updateBeta`);
    return routes.flatMap((id) => {
        const route: GraphRoute = graphRoutes[id];
        return [route.permissions, ...(route.alsoRequires ? [route.alsoRequires] : [])].map((p) => [
            p.least,
            ...p.higher,
        ]);
    });
}

function tenantProblem(config: StackConfig, identity: SignedInIdentity): string | undefined {
    const named = config.entra.tenantId;
    if (!named || !identity.tenantId || named.toLowerCase() === identity.tenantId.toLowerCase()) return undefined;
    return `lookout-mtp:entra.tenantId: is ${named}, but Microsoft Graph signed in ${identity.name ?? "the identity"} to tenant ${identity.tenantId}; sign in to ${named} (a person: \`npm run sign-in -- --tenant ${named}\`; an app or managed identity: one registered and consented in ${named}), or correct entra.tenantId`;
}

/** A person's Intune role: shown by `wids`, or else by whether Intune answers them. */
async function intuneRoleProblem(graph: GraphClient, identity: SignedInIdentity): Promise<string | undefined> {
    if (identity.kind !== "user" || intuneRolesOf(identity).length > 0) return undefined;
    const refused = await graph.request("GET", graphPaths.mtdConnectors).then(
        () => false,
        (err: { status?: number }) => err.status === 403,
    );
    return refused
        ? `${identity.name ?? "the signed-in user"} holds no Intune role, so Intune refuses the onboarding's writes; assign ${intuneRoleAdvice}, or sign in as an admin who holds one`
        : undefined;
}

/**
 * Manage mode: the tenant the azuread provider signs in to (its own sign-in: `azuread:tenantId`,
 * ARM_TENANT_ID or the Azure CLI's default), read with an invoke before any resource is declared.
 */
async function azureadTenantProblem(config: StackConfig, graphTenant: string | undefined): Promise<string | undefined> {
    // Without a tenant in config, azuread and Graph must at least sign in to the same one.
    const named = config.entra.tenantId ?? graphTenant;
    if (config.entra.mode !== "manage" || !named) return undefined;
    const { tenantId } = await azuread().getClientConfig({});
    if (tenantId.toLowerCase() === named.toLowerCase()) return undefined;
    const whose = config.entra.tenantId
        ? `lookout-mtp:entra.tenantId: is ${named}`
        : `lookout-mtp:entra.tenantId: Microsoft Graph signed in to tenant ${named}`;
    return `${whose}, but the azuread provider signs in to tenant ${tenantId}; set \`pulumi config set azuread:tenantId ${named}\` (or ARM_TENANT_ID) and entra.tenantId, or sign in to the other tenant`;
}

/** Problems with the signed-in identity, one line each; empty when it may do what the config declares. */
export async function checkSignedInIdentity(config: StackConfig, graph: GraphClient): Promise<string[]> {
    const identity = await graph.identity();
    const tenant =
        (identity && tenantProblem(config, identity)) || (await azureadTenantProblem(config, identity?.tenantId));
    if (tenant) return [tenant];
    if (!identity) return [];
    const missing = [...new Set(missingPermissions(identity, declaredWrites(config)))];
    const permissions =
        missing.length > 0
            ? [`graph:signIn: the onboarding's declared writes need ${permissionAdvice(identity, missing)}`]
            : [];
    // Intune's role only: Conditional Access checks a person's directory role itself (components/conditionalAccess/).
    const role = missing.length === 0 && config.intune ? await intuneRoleProblem(graph, identity) : undefined;
    return [...permissions, ...(role ? [role] : [])];
}
