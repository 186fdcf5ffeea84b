/**
 * Every Microsoft Graph v1.0 route this project calls, with the application permissions Microsoft
 * documents for it on the route's reference page (least privileged first, then the higher ones that
 * also grant it). The client names the least-privileged permission when Graph answers 403; the
 * emulator grants a request when the token holds any of them. Each route has a documented example
 * in `fixtures/` (a test fails when one is missing).
 *
 * Plain data and functions only: dynamic providers capture this module by value.
 */

const learn = (slug: string, version: GraphVersion = "v1.0") =>
    `https://learn.microsoft.com/en-us/graph/api/${slug}?view=graph-rest-${version === "v1.0" ? "1.0" : "beta"}`;

// As the reference pages list them (the fixtures record each page's table; a test compares them).
const serviceConfigRead = {
    least: "DeviceManagementServiceConfig.Read.All",
    higher: [
        "DeviceManagementServiceConfig.ReadWrite.All",
        "DeviceManagementConfiguration.Read.All",
        "DeviceManagementConfiguration.ReadWrite.All",
    ],
};
const serviceConfigWrite = {
    least: "DeviceManagementServiceConfig.ReadWrite.All",
    higher: ["DeviceManagementConfiguration.ReadWrite.All"],
};
const configurationRead = {
    least: "DeviceManagementConfiguration.Read.All",
    higher: ["DeviceManagementConfiguration.ReadWrite.All"],
};
const configurationWrite = { least: "DeviceManagementConfiguration.ReadWrite.All", higher: [] };
const groupRead = {
    least: "GroupMember.Read.All",
    higher: ["Directory.Read.All", "Directory.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All"],
};
const memberRead = {
    least: "GroupMember.ReadBasic.All",
    higher: [
        "Directory.Read.All",
        "Group.Read.All",
        "Group.ReadBasic.All",
        "Group.ReadWrite.All",
        "GroupMember.Read.All",
        "GroupMember.ReadWrite.All",
    ],
};

const appsRead = { least: "DeviceManagementApps.Read.All", higher: ["DeviceManagementApps.ReadWrite.All"] };
const appsWrite = { least: "DeviceManagementApps.ReadWrite.All", higher: [] };
// The newest pages of the beta list and of an assignment's update put DeviceManagementConfiguration.* first (fixtures/README.md).
const appsWriteOrConfiguration = {
    least: "DeviceManagementConfiguration.ReadWrite.All",
    higher: ["DeviceManagementApps.ReadWrite.All"],
};
const appsReadBeta = {
    least: "DeviceManagementConfiguration.Read.All",
    higher: ["DeviceManagementApps.Read.All", "DeviceManagementApps.ReadWrite.All"],
};
const applicationRead = {
    least: "Application.Read.All",
    higher: [
        "Application.ReadWrite.OwnedBy",
        "Application.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
};
const managedDevicesRead = {
    least: "DeviceManagementManagedDevices.Read.All",
    higher: ["DeviceManagementManagedDevices.ReadWrite.All"],
};
// App protection: the v1.0 list page lists DeviceManagementApps.* only; the beta item pages put
// DeviceManagementConfiguration.* first (fixtures/README.md).
const appProtectionReadBeta = {
    least: "DeviceManagementConfiguration.Read.All",
    higher: [
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementApps.Read.All",
        "DeviceManagementApps.ReadWrite.All",
    ],
};
// Conditional Access (Learn, conditionalaccessroot-list-policies, conditionalaccesspolicy-get): reading
// needs Policy.Read.All; writing needs it *and* Policy.ReadWrite.ConditionalAccess (Learn lists "Policy.Read.All
// and Policy.ReadWrite.ConditionalAccess", or Application.Read.All in place of Policy.Read.All).
const conditionalAccessRead = { least: "Policy.Read.All", higher: ["Policy.ReadWrite.ConditionalAccess"] };
const conditionalAccessWrite = { least: "Policy.ReadWrite.ConditionalAccess", higher: [] };
const conditionalAccessWriteAlso = { least: "Policy.Read.All", higher: ["Application.Read.All"] };
const grantsRead = {
    least: "Directory.Read.All",
    higher: ["DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"],
};

/**
 * The Graph version a route is called on. Everything is v1.0, Graph's stable API, except where
 * v1.0 cannot express what is needed: managed Google Play apps (`androidManagedStoreApp`) exist
 * only in beta's metadata, so finding one by package ID is a beta read.
 */
export type GraphVersion = "v1.0" | "beta";

export interface GraphRoute {
    method: "GET" | "POST" | "PATCH" | "DELETE";
    /** v1.0 unless named. */
    version?: GraphVersion;
    /** Path below the v1.0 root, with `{placeholders}` as Microsoft's reference writes them. */
    template: string;
    permissions: { least: string; higher: string[] };
    /** A second permission Microsoft requires together with `permissions` (Learn's "A and B"), any one of these. */
    alsoRequires?: { least: string; higher: string[] };
    /** Microsoft's reference page for the route. */
    page: string;
}

export const graphRoutes = {
    "mtdConnector.list": {
        method: "GET",
        template: "/deviceManagement/mobileThreatDefenseConnectors",
        permissions: serviceConfigRead,
        page: learn("intune-onboarding-mobilethreatdefenseconnector-list"),
    },
    "mtdConnector.get": {
        method: "GET",
        template: "/deviceManagement/mobileThreatDefenseConnectors/{mobileThreatDefenseConnectorId}",
        permissions: serviceConfigRead,
        page: learn("intune-onboarding-mobilethreatdefenseconnector-get"),
    },
    "mtdConnector.create": {
        method: "POST",
        template: "/deviceManagement/mobileThreatDefenseConnectors",
        permissions: serviceConfigWrite,
        page: learn("intune-onboarding-mobilethreatdefenseconnector-create"),
    },
    "mtdConnector.update": {
        method: "PATCH",
        template: "/deviceManagement/mobileThreatDefenseConnectors/{mobileThreatDefenseConnectorId}",
        permissions: serviceConfigWrite,
        page: learn("intune-onboarding-mobilethreatdefenseconnector-update"),
    },
    "mtdConnector.delete": {
        method: "DELETE",
        template: "/deviceManagement/mobileThreatDefenseConnectors/{mobileThreatDefenseConnectorId}",
        permissions: serviceConfigWrite,
        page: learn("intune-onboarding-mobilethreatdefenseconnector-delete"),
    },
    "compliancePolicy.list": {
        method: "GET",
        template: "/deviceManagement/deviceCompliancePolicies",
        permissions: configurationRead,
        page: learn("intune-deviceconfig-devicecompliancepolicy-list"),
    },
    "compliancePolicy.get": {
        method: "GET",
        template: "/deviceManagement/deviceCompliancePolicies/{deviceCompliancePolicyId}",
        permissions: configurationRead,
        page: learn("intune-deviceconfig-ioscompliancepolicy-get"),
    },
    "compliancePolicy.create": {
        method: "POST",
        template: "/deviceManagement/deviceCompliancePolicies",
        permissions: configurationWrite,
        page: learn("intune-deviceconfig-ioscompliancepolicy-create"),
    },
    "compliancePolicy.update": {
        method: "PATCH",
        template: "/deviceManagement/deviceCompliancePolicies/{deviceCompliancePolicyId}",
        permissions: configurationWrite,
        page: learn("intune-deviceconfig-ioscompliancepolicy-update"),
    },
    "compliancePolicy.delete": {
        method: "DELETE",
        template: "/deviceManagement/deviceCompliancePolicies/{deviceCompliancePolicyId}",
        permissions: configurationWrite,
        page: learn("intune-deviceconfig-ioscompliancepolicy-delete"),
    },
    "compliancePolicy.assign": {
        method: "POST",
        template: "/deviceManagement/deviceCompliancePolicies/{deviceCompliancePolicyId}/assign",
        permissions: configurationWrite,
        page: learn("intune-deviceconfig-devicecompliancepolicy-assign"),
    },
    "compliancePolicy.assignments": {
        method: "GET",
        template: "/deviceManagement/deviceCompliancePolicies/{deviceCompliancePolicyId}/assignments",
        permissions: configurationRead,
        page: learn("intune-deviceconfig-devicecompliancepolicyassignment-list"),
    },
    // One assignment at a time: the others, and what only beta shows of them (assignment filters), stay.
    // The stack never calls `assign` above, which replaces the whole list; the emulator serves it, as
    // other admins' tools call it.
    "compliancePolicy.createAssignment": {
        method: "POST",
        template: "/deviceManagement/deviceCompliancePolicies/{deviceCompliancePolicyId}/assignments",
        permissions: configurationWrite,
        page: learn("intune-deviceconfig-devicecompliancepolicyassignment-create"),
    },
    "compliancePolicy.deleteAssignment": {
        method: "DELETE",
        template:
            "/deviceManagement/deviceCompliancePolicies/{deviceCompliancePolicyId}/assignments/{deviceCompliancePolicyAssignmentId}",
        permissions: configurationWrite,
        page: learn("intune-deviceconfig-devicecompliancepolicyassignment-delete"),
    },
    "mobileApp.list": {
        method: "GET",
        template: "/deviceAppManagement/mobileApps",
        permissions: appsRead,
        page: learn("intune-apps-iosstoreapp-list"),
    },
    "mobileApp.listBeta": {
        method: "GET",
        version: "beta",
        template: "/deviceAppManagement/mobileApps",
        permissions: appsReadBeta,
        page: learn("intune-apps-androidmanagedstoreapp-list", "beta"),
    },
    "mobileApp.get": {
        method: "GET",
        template: "/deviceAppManagement/mobileApps/{mobileAppId}",
        permissions: appsRead,
        page: learn("intune-apps-iosstoreapp-get"),
    },
    "mobileApp.create": {
        method: "POST",
        template: "/deviceAppManagement/mobileApps",
        permissions: appsWrite,
        page: learn("intune-apps-iosstoreapp-create"),
    },
    "mobileApp.delete": {
        method: "DELETE",
        template: "/deviceAppManagement/mobileApps/{mobileAppId}",
        permissions: appsWrite,
        page: learn("intune-apps-iosstoreapp-delete"),
    },
    "mobileApp.assignments": {
        method: "GET",
        template: "/deviceAppManagement/mobileApps/{mobileAppId}/assignments",
        permissions: appsRead,
        page: learn("intune-apps-mobileappassignment-list"),
    },
    // One assignment at a time, never `POST .../assign`: assign replaces the whole list, and a v1.0
    // round trip of it would drop what only beta shows (assignment filters, Android update settings).
    "mobileAppAssignment.create": {
        method: "POST",
        template: "/deviceAppManagement/mobileApps/{mobileAppId}/assignments",
        permissions: appsWrite,
        page: learn("intune-apps-mobileappassignment-create"),
    },
    "mobileAppAssignment.update": {
        method: "PATCH",
        template: "/deviceAppManagement/mobileApps/{mobileAppId}/assignments/{mobileAppAssignmentId}",
        permissions: appsWriteOrConfiguration,
        page: learn("intune-apps-mobileappassignment-update"),
    },
    "mobileAppAssignment.delete": {
        method: "DELETE",
        template: "/deviceAppManagement/mobileApps/{mobileAppId}/assignments/{mobileAppAssignmentId}",
        permissions: appsWrite,
        page: learn("intune-apps-mobileappassignment-delete"),
    },
    // Read by the status report and the preview's impact warnings, never written.
    "managedDevice.list": {
        method: "GET",
        template: "/deviceManagement/managedDevices",
        permissions: managedDevicesRead,
        page: learn("intune-devices-manageddevice-list"),
    },
    "servicePrincipal.getByAppId": {
        method: "GET",
        template: "/servicePrincipals(appId='{appId}')",
        permissions: applicationRead,
        page: learn("serviceprincipal-get"),
    },
    "servicePrincipal.appRoleAssignments": {
        method: "GET",
        template: "/servicePrincipals/{servicePrincipalId}/appRoleAssignments",
        permissions: applicationRead,
        page: learn("serviceprincipal-list-approleassignments"),
    },
    "servicePrincipal.oauth2PermissionGrants": {
        method: "GET",
        template: "/servicePrincipals/{servicePrincipalId}/oauth2PermissionGrants",
        permissions: grantsRead,
        page: learn("serviceprincipal-list-oauth2permissiongrants"),
    },
    "group.get": { method: "GET", template: "/groups/{groupId}", permissions: groupRead, page: learn("group-get") },
    "group.list": { method: "GET", template: "/groups", permissions: groupRead, page: learn("group-list") },
    "group.members": {
        method: "GET",
        template: "/groups/{groupId}/members",
        permissions: memberRead,
        page: learn("group-list-members"),
    },
    "group.membersCount": {
        method: "GET",
        template: "/groups/{groupId}/members/$count",
        permissions: memberRead,
        page: learn("group-list-members"),
    },
    "group.membersOfType": {
        method: "GET",
        template: "/groups/{groupId}/members/{type}",
        permissions: memberRead,
        page: learn("group-list-members"),
    },
    "group.membersOfTypeCount": {
        method: "GET",
        template: "/groups/{groupId}/members/{type}/$count",
        permissions: memberRead,
        page: learn("group-list-members"),
    },
    // App protection (contract/graph/appProtection.ts): found on v1.0; the two threat settings exist
    // only in beta, so they are read and written on the beta item, never another property.
    "iosAppProtection.list": {
        method: "GET",
        template: "/deviceAppManagement/iosManagedAppProtections",
        permissions: appsRead,
        page: learn("intune-mam-iosmanagedappprotection-list"),
    },
    "androidAppProtection.list": {
        method: "GET",
        template: "/deviceAppManagement/androidManagedAppProtections",
        permissions: appsRead,
        page: learn("intune-mam-androidmanagedappprotection-list"),
    },
    "iosAppProtection.getBeta": {
        method: "GET",
        version: "beta",
        template: "/deviceAppManagement/iosManagedAppProtections/{iosManagedAppProtectionId}",
        permissions: appProtectionReadBeta,
        page: learn("intune-mam-iosmanagedappprotection-get", "beta"),
    },
    "androidAppProtection.getBeta": {
        method: "GET",
        version: "beta",
        template: "/deviceAppManagement/androidManagedAppProtections/{androidManagedAppProtectionId}",
        permissions: appProtectionReadBeta,
        page: learn("intune-mam-androidmanagedappprotection-get", "beta"),
    },
    "iosAppProtection.updateBeta": {
        method: "PATCH",
        version: "beta",
        template: "/deviceAppManagement/iosManagedAppProtections/{iosManagedAppProtectionId}",
        permissions: appsWriteOrConfiguration,
        page: learn("intune-mam-iosmanagedappprotection-update", "beta"),
    },
    "androidAppProtection.updateBeta": {
        method: "PATCH",
        version: "beta",
        template: "/deviceAppManagement/androidManagedAppProtections/{androidManagedAppProtectionId}",
        permissions: appsWriteOrConfiguration,
        page: learn("intune-mam-androidmanagedappprotection-update", "beta"),
    },
    "conditionalAccessPolicy.list": {
        method: "GET",
        template: "/identity/conditionalAccess/policies",
        permissions: conditionalAccessRead,
        page: learn("conditionalaccessroot-list-policies"),
    },
    "conditionalAccessPolicy.get": {
        method: "GET",
        template: "/identity/conditionalAccess/policies/{conditionalAccessPolicyId}",
        permissions: conditionalAccessRead,
        page: learn("conditionalaccesspolicy-get"),
    },
    "conditionalAccessPolicy.create": {
        method: "POST",
        template: "/identity/conditionalAccess/policies",
        permissions: conditionalAccessWrite,
        alsoRequires: conditionalAccessWriteAlso,
        page: learn("conditionalaccessroot-post-policies"),
    },
    "conditionalAccessPolicy.update": {
        method: "PATCH",
        template: "/identity/conditionalAccess/policies/{conditionalAccessPolicyId}",
        permissions: conditionalAccessWrite,
        alsoRequires: conditionalAccessWriteAlso,
        page: learn("conditionalaccesspolicy-update"),
    },
    "conditionalAccessPolicy.delete": {
        method: "DELETE",
        template: "/identity/conditionalAccess/policies/{conditionalAccessPolicyId}",
        permissions: conditionalAccessWrite,
        alsoRequires: conditionalAccessWriteAlso,
        page: learn("conditionalaccesspolicy-delete"),
    },
} as const satisfies Record<string, GraphRoute>;

export type GraphRouteId = keyof typeof graphRoutes;

const seg = encodeURIComponent;
/** OData string literal: single quotes doubled. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const groupSelect = "$select=id,displayName,securityEnabled,mailEnabled";

/**
 * A route's concrete path: its template with each `{placeholder}` filled, path segments
 * percent-encoded and a quoted placeholder (an OData key such as `appId='{appId}'`) as an OData
 * string; then the query string, if any.
 */
function pathOf(id: GraphRouteId, params: Record<string, string> = {}, query?: string): string {
    const path = graphRoutes[id].template.replace(/('?)\{(\w+)\}\1/g, (_, quote: string, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`graph route ${id}: no value for {${name}}`);
        return quote ? literal(value) : seg(value);
    });
    return query ? `${path}?${query}` : path;
}

/** Concrete paths (and the query strings the client sends) for the routes above. */
export const graphPaths = {
    mtdConnectors: pathOf("mtdConnector.list"),
    mtdConnector: (id: string) => pathOf("mtdConnector.get", { mobileThreatDefenseConnectorId: id }),
    compliancePolicies: pathOf("compliancePolicy.list"),
    compliancePolicy: (id: string) => pathOf("compliancePolicy.get", { deviceCompliancePolicyId: id }),
    compliancePolicyAssign: (id: string) => pathOf("compliancePolicy.assign", { deviceCompliancePolicyId: id }),
    compliancePolicyAssignments: (id: string) =>
        pathOf("compliancePolicy.assignments", { deviceCompliancePolicyId: id }),
    compliancePolicyAssignment: (id: string, assignmentId: string) =>
        pathOf("compliancePolicy.deleteAssignment", {
            deviceCompliancePolicyId: id,
            deviceCompliancePolicyAssignmentId: assignmentId,
        }),
    /** Groups whose display name starts with `prefix`, ignoring case (as Graph compares). */
    groupsByNamePrefix: (prefix: string) =>
        pathOf(
            "group.list",
            {},
            `$filter=${seg(`startsWith(displayName, ${literal(prefix)})`)}&${groupSelect}&$top=999`,
        ),
    group: (id: string) => pathOf("group.get", { groupId: id }, groupSelect),
    /** Needs `ConsistencyLevel: eventual`; Graph answers a plain integer. */
    groupMembersCount: (id: string) => pathOf("group.membersCount", { groupId: id }),
    /** Needs `ConsistencyLevel: eventual`: the members of one type, counted (an OData cast). */
    groupMembersOfTypeCount: (id: string, type: "microsoft.graph.user") =>
        pathOf("group.membersOfTypeCount", { groupId: id, type }),
    /** A group's user members with the properties that match them to devices, a page of 999 at a time. */
    groupUserMembers: (id: string) =>
        pathOf(
            "group.membersOfType",
            { groupId: id, type: "microsoft.graph.user" },
            "$select=id,userPrincipalName,mail&$top=999",
        ),
    /** The first few members of one type, for naming them in an error. */
    groupMembersOfType: (id: string, type: "microsoft.graph.group", top: number) =>
        pathOf("group.membersOfType", { groupId: id, type }, `$select=id,displayName&$top=${top}`),
    /** The tenant's apps of these types (`isof`, as Microsoft's own samples filter); the store ID is matched by the reader. */
    mobileAppsOfType: (types: readonly string[]) =>
        pathOf(
            "mobileApp.list",
            {},
            `$filter=${seg(types.map((t) => `isof(${literal(t.replace(/^#/, ""))})`).join(" or "))}`,
        ),
    mobileApps: pathOf("mobileApp.list"),
    mobileApp: (id: string) => pathOf("mobileApp.get", { mobileAppId: id }),
    mobileAppAssignments: (id: string) => pathOf("mobileApp.assignments", { mobileAppId: id }),
    mobileAppAssignment: (id: string, assignmentId: string) =>
        pathOf("mobileAppAssignment.update", { mobileAppId: id, mobileAppAssignmentId: assignmentId }),
    /** A service principal by its app's client ID (the alternate key Learn documents); 404 when the app has none in the tenant. */
    servicePrincipalByAppId: (appId: string) =>
        pathOf(
            "servicePrincipal.getByAppId",
            { appId },
            "$select=id,appId,displayName,accountEnabled,appRoles,oauth2PermissionScopes",
        ),
    /** Managed devices, only the properties read; `filter` is an OData `$filter` (see managedDevices.ts), a page of up to 1,000. */
    managedDevices: (select: readonly string[], filter?: string) =>
        pathOf(
            "managedDevice.list",
            {},
            `$select=${select.join(",")}${filter ? `&$filter=${seg(filter)}` : ""}&$top=1000`,
        ),
    servicePrincipalAppRoleAssignments: (id: string) =>
        pathOf("servicePrincipal.appRoleAssignments", { servicePrincipalId: id }),
    servicePrincipalPermissionGrants: (id: string) =>
        pathOf("servicePrincipal.oauth2PermissionGrants", { servicePrincipalId: id }),
    /** A platform's app protection policies (v1.0), only what finds one by name. */
    appProtections: (platform: "ios" | "android") =>
        pathOf(`${platform}AppProtection.list`, {}, "$select=id,displayName"),
    /** One policy on beta, where its threat settings are (contract/graph/appProtection.ts). */
    appProtectionBeta: (platform: "ios" | "android", id: string) =>
        pathOf(`${platform}AppProtection.getBeta`, { [`${platform}ManagedAppProtectionId`]: id }),
    conditionalAccessPolicies: pathOf("conditionalAccessPolicy.list"),
    conditionalAccessPolicy: (id: string) => pathOf("conditionalAccessPolicy.get", { conditionalAccessPolicyId: id }),
} as const;

/** Headers Graph requires for advanced queries (`$count`, OData casts with `$count`). */
export const advancedQueryHeaders = { ConsistencyLevel: "eventual" } as const;

function templatePattern(template: string): RegExp {
    const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
    return new RegExp(`^${escaped}$`);
}

/** The route a request is for (path without the query string), or undefined when the project documents none. */
export function routeFor(
    method: string,
    path: string,
    version: GraphVersion = "v1.0",
): (GraphRoute & { id: GraphRouteId }) | undefined {
    const matches = (Object.entries(graphRoutes) as Array<[GraphRouteId, GraphRoute]>)
        .filter(
            ([, r]) =>
                r.method === method && (r.version ?? "v1.0") === version && templatePattern(r.template).test(path),
        )
        // The most specific template wins: `/groups/{id}/members/$count` over `/groups/{id}/members/{type}`.
        .sort(
            ([, a], [, b]) => b.template.replace(/\{[^}]+\}/g, "").length - a.template.replace(/\{[^}]+\}/g, "").length,
        );
    const found = matches[0];
    return found ? { id: found[0], ...found[1] } : undefined;
}

/** Every application permission Microsoft documents as granting a request, least privileged first. */
export function acceptedPermissions(method: string, path: string, version: GraphVersion = "v1.0"): string[] {
    const route = routeFor(method, path.split("?")[0], version);
    return route ? [route.permissions.least, ...route.permissions.higher] : [];
}

/**
 * Every permission set a request needs, each as the permissions that grant it (least privileged
 * first): one set for most routes, two where Microsoft requires two permissions together.
 */
export function requiredPermissionSets(method: string, path: string, version: GraphVersion = "v1.0"): string[][] {
    const route = routeFor(method, path.split("?")[0], version);
    if (!route) return [];
    return [route.permissions, ...(route.alsoRequires ? [route.alsoRequires] : [])].map((p) => [p.least, ...p.higher]);
}

/** The least-privileged application permission Microsoft documents for a request. */
export function requiredPermission(method: string, path: string, version: GraphVersion = "v1.0"): string {
    return (
        routeFor(method, path.split("?")[0], version)?.permissions.least ?? "the permission documented for this route"
    );
}
