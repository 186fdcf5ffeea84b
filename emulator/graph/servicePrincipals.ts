/**
 * Service principals and what consent granted them, as Graph v1.0 serves them (Learn, "Get
 * servicePrincipal" by `appId`, "List appRoleAssignments granted to a service principal", "List
 * oauth2PermissionGrants" of a service principal): the read side of admin consent.
 *
 * Microsoft Graph's own service principal is in every tenant (its object ID differs per tenant,
 * derived here from the tenant ID) and publishes the permissions of Microsoft's permissions
 * reference; consented apps are the tenant's `servicePrincipals`.
 */
import { createHash } from "node:crypto";
import {
    appRoleAssignmentProperties,
    permissionGrantProperties,
    servicePrincipalDefaultProperties,
} from "../../contract/graph/entities";
import { microsoftGraphAppRoles, microsoftGraphScopes } from "../../contract/graph/microsoftGraphPermissions";
import { microsoftGraphAppId } from "../../contract/graph/servicePrincipals";
import type { StoredServicePrincipal, Tenant } from "../store";
import { GraphError, type Reply } from "./errors";
import { graphTypes } from "../../contract/graph/model";
import { arraySequence, collectionPage, entityBody, type ODataRequest } from "./odata";

/** A GUID that is the same for the same seed. */
function stableGuid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function microsoftGraphServicePrincipalId(tenant: Tenant): string {
    return stableGuid(`microsoft-graph-service-principal:${tenant.entraTenantId}`);
}

/** Collection-valued properties read as empty lists when unset; the others as null. */
const listProperties = new Set([
    "addIns",
    "alternativeNames",
    "appRoles",
    "endpoints",
    "keyCredentials",
    "oauth2PermissionScopes",
    "passwordCredentials",
    "replyUrls",
    "resourceSpecificApplicationPermissions",
    "servicePrincipalNames",
    "tags",
]);

/** Non-nullable scalars among the defaults, with Graph's unset value: the metadata declares `appRoleAssignmentRequired` Edm.Boolean `Nullable="false"`. */
const unsetScalars: Readonly<Record<string, unknown>> = { appRoleAssignmentRequired: false };

function view(values: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        servicePrincipalDefaultProperties.map((name) => [
            name,
            values[name] ?? (listProperties.has(name) ? [] : name in unsetScalars ? unsetScalars[name] : null),
        ]),
    );
}

function microsoftGraphView(tenant: Tenant): Record<string, unknown> {
    return view({
        id: microsoftGraphServicePrincipalId(tenant),
        appId: microsoftGraphAppId,
        appDisplayName: "Microsoft Graph",
        displayName: "Microsoft Graph",
        accountEnabled: true,
        appOwnerOrganizationId: "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
        servicePrincipalType: "Application",
        signInAudience: "AzureADMultipleOrgs",
        appRoles: Object.entries(microsoftGraphAppRoles).map(([value, id]) => ({
            allowedMemberTypes: ["Application"],
            description: value,
            displayName: value,
            id,
            isEnabled: true,
            origin: "Application",
            value,
        })),
        oauth2PermissionScopes: Object.entries(microsoftGraphScopes).map(([value, id]) => ({
            adminConsentDescription: value,
            adminConsentDisplayName: value,
            id,
            isEnabled: true,
            type: "User",
            userConsentDescription: value,
            userConsentDisplayName: value,
            value,
        })),
    });
}

function appView(sp: StoredServicePrincipal): Record<string, unknown> {
    return view({
        ...sp,
        appDisplayName: sp.displayName,
        servicePrincipalType: "Application",
        signInAudience: "AzureADMultipleOrgs",
    });
}

const notFound = (key: string) =>
    new GraphError(
        404,
        "Request_ResourceNotFound",
        `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
    );

const contextOf = (req: ODataRequest, entitySet: string) => `${req.origin}/graph/v1.0/$metadata#${entitySet}`;

export function getServicePrincipalByAppId(tenant: Tenant, req: ODataRequest, appId: string): Reply {
    const found =
        appId === microsoftGraphAppId
            ? microsoftGraphView(tenant)
            : tenant.servicePrincipals.filter((sp) => sp.appId === appId).map(appView)[0];
    if (!found) throw notFound(appId);
    return {
        status: 200,
        body: entityBody(
            req,
            found,
            found,
            { type: graphTypes.servicePrincipal, service: "directory" },
            contextOf(req, "servicePrincipals/$entity"),
        ),
    };
}

function consented(tenant: Tenant, id: string): StoredServicePrincipal | undefined {
    if (id === microsoftGraphServicePrincipalId(tenant)) return undefined;
    const sp = tenant.servicePrincipals.find((p) => p.id === id);
    if (!sp) throw notFound(id);
    return sp;
}

export function listAppRoleAssignments(tenant: Tenant, req: ODataRequest, id: string): Reply {
    const sp = consented(tenant, id);
    const items = (sp?.appRoleAssignments ?? []).map((a) => ({
        ...a,
        principalDisplayName: sp!.displayName,
        principalId: sp!.id,
        principalType: "ServicePrincipal",
        resourceDisplayName: a.resourceId ? "Another API" : "Microsoft Graph",
        resourceId: a.resourceId ?? microsoftGraphServicePrincipalId(tenant),
    }));
    const pick = (item: Record<string, unknown>) =>
        Object.fromEntries(appRoleAssignmentProperties.map((name) => [name, item[name] ?? null]));
    return {
        status: 200,
        body: collectionPage(
            req,
            arraySequence(items),
            pick,
            { type: graphTypes.appRoleAssignment, service: "directory" },
            contextOf(req, "appRoleAssignments"),
        ),
    };
}

export function listPermissionGrants(tenant: Tenant, req: ODataRequest, id: string): Reply {
    const sp = consented(tenant, id);
    const items = (sp?.permissionGrants ?? []).map((g) => ({
        ...g,
        clientId: sp!.id,
        resourceId: g.resourceId ?? microsoftGraphServicePrincipalId(tenant),
    }));
    const pick = (item: Record<string, unknown>) =>
        Object.fromEntries(permissionGrantProperties.map((name) => [name, item[name] ?? null]));
    return {
        status: 200,
        body: collectionPage(
            req,
            arraySequence(items),
            pick,
            { type: graphTypes.oAuth2PermissionGrant, service: "directory" },
            contextOf(req, "oauth2PermissionGrants"),
        ),
    };
}
