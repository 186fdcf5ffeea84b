/**
 * The Microsoft Graph part of the emulator: Entra's sign-in (signIn.ts: app-only and delegated
 * tokens), and the Graph v1.0 routes of contract/graph/routes.ts with Graph's error body, permission
 * checks of either kind taken from that route table, throttling with Retry-After, and answers shaped as Microsoft's
 * reference documents them (directory.ts, intune.ts, odata.ts).
 *
 *   /entra/...                                    (authority host: <emulator>/entra; signIn.ts)
 *   /graph/v1.0/...                               (Graph base URL: <emulator>/graph/v1.0)
 *   /graph/beta/...                               (the beta routes of the table, beside it)
 */
import type { IncomingMessage } from "node:http";
import { graphRoutes, type GraphRouteId, type GraphVersion, routeFor } from "../../contract/graph/routes";
import {
    createApp,
    createAssignment,
    deleteApp,
    deleteAssignment,
    getApp,
    listAppAssignments,
    listApps,
    updateAssignment,
} from "./apps";
import { listManagedDevices } from "./managedDevices";
import { getAppProtectionBeta, listAppProtections, updateAppProtectionBeta } from "./appProtection";
import type { IntuneThrottling } from "./intuneThrottling";
import type { Replication } from "./replication";
import { getServicePrincipalByAppId, listAppRoleAssignments, listPermissionGrants } from "./servicePrincipals";
import type { Store, Tenant } from "../store";
import { intuneDirectoryRoles } from "../../contract/graph/signIn";
import { conditionalAccessWriterRoles } from "../../contract/graph/conditionalAccess";
import { createSignIn, type IssuedToken } from "./signIn";
import { countMembers, countMembersOfType, getGroup, listGroups, listMembers, listMembersOfType } from "./directory";
import { badRequest, GraphError, type Reply } from "./errors";
import {
    assignPolicy,
    createConnector,
    createPolicy,
    createPolicyAssignment,
    deletePolicyAssignment,
    deleteConnector,
    deletePolicy,
    getConnector,
    getPolicy,
    type IntuneContext,
    listAssignments,
    listConnectors,
    listPolicies,
    updateConnector,
    updatePolicy,
} from "./intune";
import {
    createConditionalAccessPolicy,
    deleteConditionalAccessPolicy,
    getConditionalAccessPolicy,
    listConditionalAccessPolicies,
    updateConditionalAccessPolicy,
} from "./conditionalAccess";

export { GraphError, graphErrorBody } from "./errors";

export const graphPrefix = "/graph/v1.0";
const graphPrefixes: Record<GraphVersion, string> = { "v1.0": graphPrefix, beta: "/graph/beta" };
export const authorityPrefix = "/entra";

export interface GraphContext {
    store: Store;
    now(): number;
    /** Throws the service's 429 when the tenant is over its budget. */
    takeRateBudget(bucket: string): void;
    /** Intune as it behaves beyond its payloads: throttling windows, late objects, connector IDs. */
    intune: {
        throttling: IntuneThrottling;
        replication: Replication;
        connectorCreateAssignsId: boolean;
    };
}

/** A request for one route, with its path parameters by the names the route's template gives them. */
type RouteRequest = IntuneContext & { params: Record<string, string> };

/** One handler per documented route: a route added to the table without one fails `tsc`. */
const handlers = {
    "mtdConnector.list": (r) => listConnectors(r),
    "mtdConnector.get": (r) => getConnector(r, r.params.mobileThreatDefenseConnectorId),
    "mtdConnector.create": (r) => createConnector(r),
    "mtdConnector.update": (r) => updateConnector(r, r.params.mobileThreatDefenseConnectorId),
    "mtdConnector.delete": (r) => deleteConnector(r, r.params.mobileThreatDefenseConnectorId),
    "compliancePolicy.list": (r) => listPolicies(r),
    "compliancePolicy.get": (r) => getPolicy(r, r.params.deviceCompliancePolicyId),
    "compliancePolicy.create": (r) => createPolicy(r),
    "compliancePolicy.update": (r) => updatePolicy(r, r.params.deviceCompliancePolicyId),
    "compliancePolicy.delete": (r) => deletePolicy(r, r.params.deviceCompliancePolicyId),
    "compliancePolicy.assign": (r) => assignPolicy(r, r.params.deviceCompliancePolicyId),
    "compliancePolicy.assignments": (r) => listAssignments(r, r.params.deviceCompliancePolicyId),
    "compliancePolicy.createAssignment": (r) => createPolicyAssignment(r, r.params.deviceCompliancePolicyId),
    "compliancePolicy.deleteAssignment": (r) =>
        deletePolicyAssignment(r, r.params.deviceCompliancePolicyId, r.params.deviceCompliancePolicyAssignmentId),
    "mobileApp.list": (r) => listApps(r, "v1.0"),
    "mobileApp.listBeta": (r) => listApps(r, "beta"),
    "mobileApp.get": (r) => getApp(r, r.params.mobileAppId),
    "mobileApp.create": (r) => createApp(r),
    "mobileApp.delete": (r) => deleteApp(r, r.params.mobileAppId),
    "mobileApp.assignments": (r) => listAppAssignments(r, r.params.mobileAppId),
    "mobileAppAssignment.create": (r) => createAssignment(r, r.params.mobileAppId),
    "mobileAppAssignment.update": (r) => updateAssignment(r, r.params.mobileAppId, r.params.mobileAppAssignmentId),
    "mobileAppAssignment.delete": (r) => deleteAssignment(r, r.params.mobileAppId, r.params.mobileAppAssignmentId),
    "managedDevice.list": (r) => listManagedDevices(r.tenant, r.req, r.now),
    "servicePrincipal.getByAppId": (r) => getServicePrincipalByAppId(r.tenant, r.req, r.params.appId),
    "servicePrincipal.appRoleAssignments": (r) => listAppRoleAssignments(r.tenant, r.req, r.params.servicePrincipalId),
    "servicePrincipal.oauth2PermissionGrants": (r) =>
        listPermissionGrants(r.tenant, r.req, r.params.servicePrincipalId),
    "group.list": (r) => listGroups(r.tenant.directory, r.req),
    "group.get": (r) => getGroup(r.tenant.directory, r.req, r.params.groupId),
    "group.members": (r) => listMembers(r.tenant.directory, r.req, r.params.groupId),
    "group.membersCount": (r) => countMembers(r.tenant.directory, r.req, r.params.groupId),
    "group.membersOfType": (r) => listMembersOfType(r.tenant.directory, r.req, r.params.groupId, r.params.type),
    "group.membersOfTypeCount": (r) => countMembersOfType(r.tenant.directory, r.req, r.params.groupId, r.params.type),
    "iosAppProtection.list": (r) => listAppProtections(r, "ios"),
    "androidAppProtection.list": (r) => listAppProtections(r, "android"),
    "iosAppProtection.getBeta": (r) => getAppProtectionBeta(r, "ios", r.params.iosManagedAppProtectionId),
    "androidAppProtection.getBeta": (r) => getAppProtectionBeta(r, "android", r.params.androidManagedAppProtectionId),
    "iosAppProtection.updateBeta": (r) => updateAppProtectionBeta(r, "ios", r.params.iosManagedAppProtectionId),
    "androidAppProtection.updateBeta": (r) =>
        updateAppProtectionBeta(r, "android", r.params.androidManagedAppProtectionId),
    "conditionalAccessPolicy.list": (r) => listConditionalAccessPolicies(r),
    "conditionalAccessPolicy.get": (r) => getConditionalAccessPolicy(r, r.params.conditionalAccessPolicyId),
    "conditionalAccessPolicy.create": (r) => createConditionalAccessPolicy(r),
    "conditionalAccessPolicy.update": (r) => updateConditionalAccessPolicy(r, r.params.conditionalAccessPolicyId),
    "conditionalAccessPolicy.delete": (r) => deleteConditionalAccessPolicy(r, r.params.conditionalAccessPolicyId),
} satisfies Record<GraphRouteId, (request: RouteRequest) => Reply>;

/** The values of a template's `{placeholders}` in a path the template matched (a placeholder may sit inside a segment: `servicePrincipals(appId='{appId}')`). */
function paramsOf(template: string, segments: string[]): Record<string, string> {
    const names = template.split("/").filter(Boolean);
    return Object.fromEntries(
        names.flatMap((name, i) => {
            const placeholder = /\{(\w+)\}/.exec(name);
            if (!placeholder) return [];
            const [before, after] = name.split(placeholder[0]);
            return [[placeholder[1], segments[i].slice(before.length, segments[i].length - after.length)]];
        }),
    );
}

/**
 * The bound actions of the route table (`.../assign`), which OData also lets a client call by their
 * qualified name: the metadata declares `<Action Name="assign" IsBound="true">` bound to
 * deviceCompliancePolicy, and Microsoft's OpenAPI document writes the path
 * `/deviceManagement/deviceCompliancePolicies/{id}/microsoft.graph.assign`.
 */
const boundActions = new Set(["assign"]);

/**
 * A request's path segments as the route table writes them. The metadata's schema
 * `microsoft.graph` has the alias `graph` (`<Schema Namespace="microsoft.graph" Alias="graph">`),
 * and OData lets a qualified name use either (CSDL 4.01, 5.1.1 and 15; URL Conventions 4.11), so
 * `members/graph.user` is the cast `members/microsoft.graph.user`, as Microsoft's SDKs send it; a
 * bound action's qualified name (`microsoft.graph.assign`) is the action the table names `assign`.
 */
export function canonicalSegments(segments: readonly string[]): string[] {
    return segments.map((segment, i) => {
        const qualified = segment.startsWith("graph.") ? `microsoft.${segment}` : segment;
        const simple = qualified.startsWith("microsoft.graph.")
            ? qualified.slice("microsoft.graph.".length)
            : undefined;
        return i === segments.length - 1 && simple && boundActions.has(simple) ? simple : qualified;
    });
}

/** The methods the route table serves on a path (any version's `{placeholder}` matching any segment). */
export function servedMethods(path: string, version: GraphVersion = "v1.0"): string[] {
    return [...new Set(Object.values(graphRoutes).map((r) => r.method))].filter(
        (method) => routeFor(method, path, version) !== undefined,
    );
}

export function createGraphEmulator(ctx: GraphContext) {
    const tokens = new Map<string, IssuedToken>();

    const signIn = createSignIn(
        {
            now: ctx.now,
            tenantByEntraId: (id) => ctx.store.tenantByEntraId(id),
            tenantById: (id) => ctx.store.tenantById(id),
            persist: () => ctx.store.persist(),
        },
        tokens,
    );

    function authenticate(req: IncomingMessage): { tenant: Tenant; token: IssuedToken } {
        const header = req.headers.authorization ?? "";
        const entry = header.startsWith("Bearer ") ? tokens.get(header.slice(7)) : undefined;
        if (!entry || entry.expiresAt <= ctx.now())
            throw new GraphError(401, "InvalidAuthenticationToken", "Access token is empty, invalid or has expired.");
        const tenant = ctx.store.tenantById(entry.tenantId);
        if (!tenant) throw new GraphError(401, "InvalidAuthenticationToken", "Unknown tenant.");
        ctx.takeRateBudget(`graph:${tenant.id}`);
        return { tenant, token: entry };
    }

    /** Grants the request when the token holds the route's least-privileged permission or a higher one Microsoft documents. */
    function authorize(
        token: IssuedToken,
        route: {
            method?: string;
            template: string;
            permissions: { least: string; higher: readonly string[] };
            alsoRequires?: { least: string; higher: readonly string[] };
        },
    ): void {
        // Learn's "A and B" (Conditional Access writes): each set must be held, one permission of it.
        if (route.alsoRequires) authorize(token, { template: route.template, permissions: route.alsoRequires });
        const { least, higher } = route.permissions;
        const accepted = [least, ...higher];
        if (token.user) return authorizeDelegated(token, route, accepted);
        if (accepted.some((permission) => (token.claims.roles ?? []).includes(permission))) return;
        throw new GraphError(
            403,
            "Authorization_RequestDenied",
            `Insufficient privileges to complete the operation. The application needs ${least} (or one of: ${higher.join(", ") || "none higher"}).`,
        );
    }

    function graph(req: IncomingMessage, url: URL, json: () => unknown): Reply {
        const method = req.method ?? "GET";
        const { tenant, token } = authenticate(req);
        const version = (Object.keys(graphPrefixes) as GraphVersion[]).find((v) =>
            url.pathname.startsWith(graphPrefixes[v] + "/"),
        )!;
        const path = url.pathname.slice(graphPrefixes[version].length);
        const segments = canonicalSegments(path.split("/").filter(Boolean).map(decodeURIComponent));
        const route = routeFor(method, `/${segments.join("/")}`, version);
        if (!route) {
            // A path the emulator serves, with a method it does not: 405 with Allow (RFC 9110, 15.5.6), in
            // the directory's words (microsoftgraph/microsoft-graph-docs#119, #3076). Graph itself may
            // serve more methods on the path than the emulator does; Allow names the emulator's.
            const allowed = servedMethods(`/${segments.join("/")}`, version);
            if (allowed.length > 0)
                throw new GraphError(
                    405,
                    "Request_BadRequest",
                    "Specified HTTP method is not allowed for the request target.",
                    { allow: allowed.join(", ") },
                );
            throw badRequest(`Resource not found for the segment '${segments.at(-1) ?? ""}'.`);
        }
        authorize(token, route);
        ctx.intune.throttling.take(tenant.id, token.claims.appid ?? "unknown", method, `/${segments.join("/")}`);
        const request: RouteRequest = {
            tenant,
            now: ctx.now(),
            params: paramsOf(route.template, segments),
            req: {
                origin: origin(req),
                path: url.pathname,
                query: url.searchParams,
                eventual: String(req.headers["consistencylevel"]).toLowerCase() === "eventual",
            },
            body() {
                try {
                    return json();
                } catch {
                    throw badRequest("The request body is not valid JSON.");
                }
            },
            persist: () => ctx.store.persist(),
            replication: ctx.intune.replication,
            connectorCreateAssignsId: ctx.intune.connectorCreateAssignsId,
        };
        return { ...handlers[route.id](request), tenantId: tenant.id };
    }

    return {
        /** Handles a request for the emulated Entra or Graph, or returns undefined when the path is neither. */
        handle(req: IncomingMessage, url: URL, raw: string, json: () => unknown): Reply | undefined {
            if (url.pathname.startsWith(authorityPrefix + "/")) {
                const reply = signIn.handle(req.method ?? "GET", url.pathname, raw, origin(req), authorityPrefix);
                if (reply?.tenantId) ctx.takeRateBudget(`entra:${reply.tenantId}`);
                if (reply) return reply;
            }
            if (isGraphApiPath(url.pathname)) return graph(req, url, json);
            return undefined;
        },
        expireTokens() {
            for (const entry of tokens.values()) entry.expiresAt = 0;
        },
        issuedTokens: () => [...tokens.keys()],
    };
}

/** The emulator's own origin as the request addressed it: its Graph's resource identifier too. */
function origin(req: IncomingMessage): string {
    return `http://${req.headers.host ?? "127.0.0.1"}`;
}

/**
 * A delegated request: the token's `scp` must hold one of the route's permissions (Graph's 403 in the
 * words Intune uses, Azure/azure-cli#22775), and an Intune route needs the user to hold an Intune role:
 * Global Administrator or Intune Administrator (`wids`), or an Intune RBAC role (Learn,
 * "Enable the Mobile Threat Defense connector"). Directory reads need no role (members read the directory).
 */
function authorizeDelegated(
    token: IssuedToken,
    { template, method }: { template: string; method?: string },
    accepted: string[],
): void {
    const scopes = (token.claims.scp ?? "").split(" ");
    if (!accepted.some((permission) => scopes.includes(permission)))
        throw new GraphError(
            403,
            "Forbidden",
            `Application is not authorized to perform this operation. Application must have one of the following scopes: ${accepted.join(", ")}`,
        );
    const intune = template.startsWith("/deviceManagement") || template.startsWith("/deviceAppManagement");
    const user = token.user!;
    // Learn ("Create conditionalAccessPolicy"): a person writing a policy needs Security Administrator or
    // Conditional Access Administrator (or Global Administrator). Reads are left to the scopes.
    if (
        template.startsWith("/identity/conditionalAccess") &&
        method !== "GET" &&
        !user.wids.some((id) => conditionalAccessWriterRoles[id])
    )
        throw new GraphError(
            403,
            "Forbidden",
            `User ${user.userPrincipalName} is not authorized to perform this operation: writing Conditional Access policies needs Conditional Access Administrator or Security Administrator.`,
        );
    const roles = user.wids.filter((id) => intuneDirectoryRoles[id]);
    if (intune && roles.length === 0 && (user.intuneRoles ?? []).length === 0)
        throw new GraphError(
            403,
            "Forbidden",
            `User ${user.userPrincipalName} is not authorized to perform this operation: no Intune role is assigned (Global Administrator, Intune Administrator, or an Intune role such as Endpoint Security Manager).`,
        );
}

function isGraphApiPath(path: string): boolean {
    return Object.values(graphPrefixes).some((prefix) => path.startsWith(prefix + "/"));
}

export function isGraphPath(path: string): boolean {
    return isGraphApiPath(path) || path.startsWith(authorityPrefix + "/");
}
