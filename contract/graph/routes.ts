/**
 * Every Microsoft Graph v1.0 route this project calls, with the application permissions Microsoft
 * documents for it on the route's reference page (least privileged first, then the higher ones that
 * also grant it). The client names the least-privileged permission when Graph answers 403; the
 * emulator grants a request when the token holds any of them. Each route has a documented example
 * in `fixtures/` (a test fails when one is missing).
 *
 * Plain data and functions only: dynamic providers capture this module by value.
 */

const learn = (slug: string) => `https://learn.microsoft.com/en-us/graph/api/${slug}?view=graph-rest-1.0`;

// As the reference pages list them (the fixtures record each page's table; a test compares them).
const serviceConfigRead = {
    least: "DeviceManagementServiceConfig.Read.All",
    higher: ["DeviceManagementServiceConfig.ReadWrite.All", "DeviceManagementConfiguration.Read.All", "DeviceManagementConfiguration.ReadWrite.All"],
};
const serviceConfigWrite = { least: "DeviceManagementServiceConfig.ReadWrite.All", higher: ["DeviceManagementConfiguration.ReadWrite.All"] };
const configurationRead = { least: "DeviceManagementConfiguration.Read.All", higher: ["DeviceManagementConfiguration.ReadWrite.All"] };
const configurationWrite = { least: "DeviceManagementConfiguration.ReadWrite.All", higher: [] };
const groupRead = { least: "GroupMember.Read.All", higher: ["Directory.Read.All", "Directory.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All"] };
const memberRead = {
    least: "GroupMember.ReadBasic.All",
    higher: ["Directory.Read.All", "Group.Read.All", "Group.ReadBasic.All", "Group.ReadWrite.All", "GroupMember.Read.All", "GroupMember.ReadWrite.All"],
};

export interface GraphRoute {
    method: "GET" | "POST" | "PATCH" | "DELETE";
    /** Path below the v1.0 root, with `{placeholders}` as Microsoft's reference writes them. */
    template: string;
    permissions: { least: string; higher: string[] };
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
    "group.get": { method: "GET", template: "/groups/{groupId}", permissions: groupRead, page: learn("group-get") },
    "group.list": { method: "GET", template: "/groups", permissions: groupRead, page: learn("group-list") },
    "group.members": { method: "GET", template: "/groups/{groupId}/members", permissions: memberRead, page: learn("group-list-members") },
    "group.membersCount": { method: "GET", template: "/groups/{groupId}/members/$count", permissions: memberRead, page: learn("group-list-members") },
    "group.membersOfType": { method: "GET", template: "/groups/{groupId}/members/{type}", permissions: memberRead, page: learn("group-list-members") },
    "group.membersOfTypeCount": { method: "GET", template: "/groups/{groupId}/members/{type}/$count", permissions: memberRead, page: learn("group-list-members") },
} as const satisfies Record<string, GraphRoute>;

export type GraphRouteId = keyof typeof graphRoutes;

const seg = encodeURIComponent;
/** OData string literal: single quotes doubled. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const groupSelect = "$select=id,displayName,securityEnabled,mailEnabled";

/** Concrete paths (and the query strings the client sends) for the routes above. */
export const graphPaths = {
    mtdConnectors: "/deviceManagement/mobileThreatDefenseConnectors",
    mtdConnector: (id: string) => `/deviceManagement/mobileThreatDefenseConnectors/${seg(id)}`,
    compliancePolicies: "/deviceManagement/deviceCompliancePolicies",
    compliancePolicy: (id: string) => `/deviceManagement/deviceCompliancePolicies/${seg(id)}`,
    compliancePolicyAssign: (id: string) => `/deviceManagement/deviceCompliancePolicies/${seg(id)}/assign`,
    compliancePolicyAssignments: (id: string) => `/deviceManagement/deviceCompliancePolicies/${seg(id)}/assignments`,
    /** Groups whose display name starts with `prefix`, ignoring case (as Graph compares). */
    groupsByNamePrefix: (prefix: string) => `/groups?$filter=${seg(`startsWith(displayName, ${literal(prefix)})`)}&${groupSelect}&$top=999`,
    group: (id: string) => `/groups/${seg(id)}?${groupSelect}`,
    /** Needs `ConsistencyLevel: eventual`; Graph answers a plain integer. */
    groupMembersCount: (id: string) => `/groups/${seg(id)}/members/$count`,
    /** Needs `ConsistencyLevel: eventual`: the members of one type, counted (an OData cast). */
    groupMembersOfTypeCount: (id: string, type: "microsoft.graph.user") => `/groups/${seg(id)}/members/${type}/$count`,
    /** The first few members of one type, for naming them in an error. */
    groupMembersOfType: (id: string, type: "microsoft.graph.group", top: number) => `/groups/${seg(id)}/members/${type}?$select=id,displayName&$top=${top}`,
} as const;

/** Headers Graph requires for advanced queries (`$count`, OData casts with `$count`). */
export const advancedQueryHeaders = { ConsistencyLevel: "eventual" } as const;

function templatePattern(template: string): RegExp {
    const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
    return new RegExp(`^${escaped}$`);
}

/** The route a request is for (path without the query string), or undefined when the project documents none. */
export function routeFor(method: string, path: string): (GraphRoute & { id: GraphRouteId }) | undefined {
    const matches = (Object.entries(graphRoutes) as Array<[GraphRouteId, GraphRoute]>)
        .filter(([, r]) => r.method === method && templatePattern(r.template).test(path))
        // The most specific template wins: `/groups/{id}/members/$count` over `/groups/{id}/members/{type}`.
        .sort(([, a], [, b]) => b.template.replace(/\{[^}]+\}/g, "").length - a.template.replace(/\{[^}]+\}/g, "").length);
    const found = matches[0];
    return found ? { id: found[0], ...found[1] } : undefined;
}

/** The least-privileged application permission Microsoft documents for a request. */
export function requiredPermission(method: string, path: string): string {
    return routeFor(method, path.split("?")[0])?.permissions.least ?? "the permission documented for this route";
}
