/**
 * Whether Lookout's multi-tenant app holds the admin consent its console needs, read (never
 * written) through Microsoft Graph: its service principal in the tenant, found by client ID, the
 * application permissions granted to it (app role assignments on Microsoft Graph's service
 * principal) and the delegated scopes consented for all users (an `AllPrincipals` grant). Until
 * consent exists every sign-in to the Lookout console fails ("Bad Login"), so nothing is written
 * to Lookout before this check passes.
 *
 * A service principal alone is no consent: one user's consent to sign in creates it too, with a
 * `Principal` grant for that user only. Permission IDs are mapped to names through Microsoft
 * Graph's own service principal, so no ID is written here.
 *
 * Cost: 4 Graph requests whatever the tenant's size (two service principals by client ID, then the
 * grants of Lookout's).
 */
import { graphPaths } from "../../contract/graph/routes";
import {
    appRoleAssignmentSchema,
    microsoftGraphAppId,
    permissionGrantSchema,
    type ServicePrincipalRead,
    servicePrincipalSchema,
} from "../../contract/graph/servicePrincipals";
import type { GraphClient } from "../../providers/graph/client";
import { defaultAuthorityHost } from "../../contract/endpoints";

export interface ConsentRequirement {
    /** Lookout's multi-tenant app (client ID, from Lookout support). */
    lookoutClientId: string;
    /** Graph application permissions Lookout's app must hold. */
    applicationPermissions: string[];
    /** Delegated Graph scopes that must be consented for all users. */
    delegatedScopes: string[];
}

export interface ConsentStatus {
    /** Object ID of Lookout's service principal in the tenant. */
    servicePrincipalObjectId: string;
    applicationPermissions: string[];
    delegatedScopes: string[];
}

/**
 * Microsoft's tenant-wide admin consent URL for an app (Entra, "Grant tenant-wide admin consent to an
 * application"), on the sign-in host of the tenant's cloud (a national cloud's own).
 */
export function adminConsentUrl(tenantId: string, clientId: string, authorityHost = defaultAuthorityHost): string {
    return `${authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${encodeURIComponent(clientId)}`;
}

async function servicePrincipal(graph: GraphClient, appId: string): Promise<ServicePrincipalRead | undefined> {
    return (
        await graph.request("GET", graphPaths.servicePrincipalByAppId(appId), {
            schema: servicePrincipalSchema(),
            allow404: true,
        })
    )?.body;
}

/** What consent Lookout's app holds in the tenant now, by permission name. */
export interface ExistingConsent {
    /** Lookout's service principal, when the tenant has one. */
    servicePrincipal?: { objectId: string; accountEnabled: boolean };
    /** Graph application permissions granted to it. */
    applicationPermissions: string[];
    /** Delegated scopes of its grant for all users; undefined when it has no such grant. */
    delegatedScopes?: string[];
}

/** Reads what consent Lookout's app holds (4 requests whatever the tenant's size). */
export async function readConsent(graph: GraphClient, lookoutClientId: string): Promise<ExistingConsent> {
    const [lookout, microsoftGraph] = await Promise.all([
        servicePrincipal(graph, lookoutClientId),
        servicePrincipal(graph, microsoftGraphAppId),
    ]);
    if (!lookout) return { applicationPermissions: [] };
    if (!microsoftGraph)
        throw new Error(
            "Microsoft Graph's own service principal was not found in the tenant; the tenant cannot be read as Microsoft documents it.",
        );
    const [roleAssignments, grants] = await Promise.all([
        graph.listAll(graphPaths.servicePrincipalAppRoleAssignments(lookout.id), appRoleAssignmentSchema()),
        graph.listAll(graphPaths.servicePrincipalPermissionGrants(lookout.id), permissionGrantSchema()),
    ]);
    // GUIDs compare ignoring case: Graph does not promise one.
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const roleNames = new Map((microsoftGraph.appRoles ?? []).map((r) => [r.id.toLowerCase(), r.value ?? ""]));
    const allPrincipals = grants.filter(
        (g) => same(g.resourceId, microsoftGraph.id) && g.consentType === "AllPrincipals",
    );
    return {
        servicePrincipal: { objectId: lookout.id, accountEnabled: lookout.accountEnabled !== false },
        applicationPermissions: roleAssignments
            .filter((a) => same(a.resourceId, microsoftGraph.id))
            .map((a) => roleNames.get(a.appRoleId.toLowerCase()) ?? a.appRoleId),
        delegatedScopes:
            allPrincipals.length === 0
                ? undefined
                : allPrincipals.flatMap((g) => (g.scope ?? "").split(" ")).filter(Boolean),
    };
}

/** What consent Lookout's app lacks, as sentences; empty when it holds everything `required` names. */
export async function missingConsent(
    graph: GraphClient,
    required: ConsentRequirement,
): Promise<{ status?: ConsentStatus; missing: string[] }> {
    const existing = await readConsent(graph, required.lookoutClientId);
    if (!existing.servicePrincipal)
        return { missing: ["the app has no service principal in the tenant: nobody has consented to it yet"] };
    const missingRoles = required.applicationPermissions.filter((p) => !existing.applicationPermissions.includes(p));
    const missingScopes = required.delegatedScopes.filter((s) => !(existing.delegatedScopes ?? []).includes(s));
    const missing = [
        ...(!existing.servicePrincipal.accountEnabled
            ? ["its service principal is disabled (accountEnabled is false), so nobody can sign in with it"]
            : []),
        ...(missingRoles.length > 0 ? [`application permission(s) ${missingRoles.join(", ")} not granted`] : []),
        ...(missingScopes.length > 0
            ? [`delegated scope(s) ${missingScopes.join(", ")} not consented for all users`]
            : []),
    ];
    const status = {
        servicePrincipalObjectId: existing.servicePrincipal.objectId,
        applicationPermissions: [...required.applicationPermissions],
        delegatedScopes: [...required.delegatedScopes],
    };
    return missing.length > 0 ? { missing } : { status, missing };
}

/** Lookout's own consent page (the setup guide's): accepting it registers the tenant with Lookout and grants the Entra consent. */
export const lookoutConsentPage = "https://aad.lookout.com/les?action=consent";

/** The admin consent of Lookout's app, verified; throws an error saying what is missing and where to grant it. */
export async function verifyLookoutConsent(
    graph: GraphClient,
    required: ConsentRequirement,
    tenantId: string,
): Promise<ConsentStatus> {
    const { status, missing } = await missingConsent(graph, required);
    if (status) return status;
    throw new Error(
        `lookout-mtp:consent: Lookout's app (client ID ${required.lookoutClientId}) lacks admin consent in tenant ${tenantId}: ${missing.join("; ")}. ` +
            `Until it has it, every sign-in to the Lookout console fails ("Bad Login"). A Global Administrator signs in at Lookout's consent page ${lookoutConsentPage} ` +
            `(or Microsoft's ${adminConsentUrl(tenantId, required.lookoutClientId, graph.authorityHost)}) and accepts, then run again; a permission Lookout's app does not ask for ` +
            `cannot be consented to: remove it from lookout-mtp:consent.applicationPermissions or consent.delegatedScopes. Nothing was written to Lookout.`,
    );
}

/**
 * The same check after the stack granted consent itself (manage mode): Entra replicates new grants
 * with a delay (Learn: "This request might have replication delays"), so a shortfall is read again
 * a few times before it counts.
 */
export async function verifyGrantedConsent(
    graph: GraphClient,
    required: ConsentRequirement,
    tenantId: string,
    // The client's retry policy: by default 6 reads 5 s apart.
    wait: { attempts: number; delayMs: number } = {
        attempts: graph.policy.maxAttempts,
        delayMs: Math.min(5000, graph.policy.maxDelayMs),
    },
): Promise<ConsentStatus> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await verifyLookoutConsent(graph, required, tenantId);
        } catch (err) {
            if (attempt >= wait.attempts || (err as { status?: number }).status !== undefined) throw err;
            await new Promise((resolve) => setTimeout(resolve, wait.delayMs));
        }
    }
}
