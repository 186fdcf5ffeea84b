/**
 * The Microsoft Graph part of the emulator: Entra's client-credentials token endpoint and the
 * Intune routes the providers use, with Graph's error body, application-permission checks,
 * throttling with Retry-After, and Lookout's partner state derived from the Lookout side of the
 * same tenant (it heartbeats while Lookout's Intune connector is configured).
 *
 *   POST /entra/{tenantId}/oauth2/v2.0/token      (authority host: <emulator>/entra)
 *   /graph/v1.0/deviceManagement/...              (Graph base URL: <emulator>/graph/v1.0)
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import {
    assignBodySchema,
    compliancePolicyCreateSchema,
    compliancePolicyPatchSchema,
    type GraphErrorBody,
    type MtdConnectorSettings,
    mtdConnectorSettingsSchema,
} from "../contract/graph/schemas";
import { requiredPermission } from "../providers/graph/client";
import type { Store, Tenant } from "./store";

export const graphPrefix = "/graph/v1.0";
export const authorityPrefix = "/entra";

export class GraphError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
    }
}

export function graphErrorBody(code: string, message: string, requestId: string): GraphErrorBody {
    return { error: { code, message, innerError: { date: new Date().toISOString(), "request-id": requestId, "client-request-id": requestId } } };
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; tenantId?: string };

export interface GraphContext {
    store: Store;
    now(): number;
    /** Throws the service's 429 when the tenant is over its budget. */
    takeRateBudget(bucket: string): void;
}

/** What Intune reports about Lookout, from when Lookout's connector started and stopped heartbeating. */
export function partnerView(tenant: Tenant, connector: MtdConnectorSettings, now: number) {
    const hb = tenant.lookoutHeartbeat;
    if (!hb.since) return { partnerState: "notSetUp" as const, lastHeartbeatDateTime: "0001-01-01T00:00:00Z" };
    const since = Date.parse(hb.since);
    const end = hb.stoppedAt ? Date.parse(hb.stoppedAt) : now;
    const every = hb.frequencyMinutes * 60_000;
    const last = since + Math.floor((end - since) / every) * every;
    const silentDays = (now - last) / 86_400_000;
    const partnerState = silentDays > connector.partnerUnresponsivenessThresholdInDays ? "unresponsive" : connector.androidEnabled || connector.iosEnabled ? "enabled" : "available";
    return { partnerState, lastHeartbeatDateTime: new Date(last).toISOString() };
}

export function createGraphEmulator(ctx: GraphContext) {
    const tokens = new Map<string, { tenantId: string; roles: string[]; expiresAt: number }>();

    function parse<T>(schema: z.ZodType<T>, body: unknown): T {
        const result = schema.safeParse(body);
        if (!result.success) {
            throw new GraphError(400, "BadRequest", result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "));
        }
        return result.data;
    }

    function issueToken(tenantSegment: string, raw: string): Reply {
        const form = new URLSearchParams(raw);
        const tenant = ctx.store.tenantByEntraId(decodeURIComponent(tenantSegment));
        if (!tenant) return { status: 400, body: { error: "invalid_request", error_description: `AADSTS90002: Tenant '${tenantSegment}' not found.` } };
        if (form.get("grant_type") !== "client_credentials") return { status: 400, body: { error: "unsupported_grant_type", error_description: "AADSTS70003: only client_credentials" } };
        const app = tenant.graphApps.find((a) => a.clientId === form.get("client_id"));
        if (!app || app.clientSecret !== form.get("client_secret")) {
            return { status: 401, body: { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." } };
        }
        ctx.takeRateBudget(`entra:${tenant.id}`);
        // Shaped like Entra's app-only tokens (a JWT with tid and roles); the signature is random bytes.
        const expiresAt = ctx.now() + 3599_000;
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        const accessToken = [
            part({ typ: "JWT", alg: "none" }),
            part({ aud: "https://graph.microsoft.com", tid: tenant.entraTenantId, appid: app.clientId, roles: app.roles, exp: Math.floor(expiresAt / 1000) }),
            randomBytes(32).toString("base64url"),
        ].join(".");
        tokens.set(accessToken, { tenantId: tenant.id, roles: app.roles, expiresAt });
        return { status: 200, body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken }, tenantId: tenant.id };
    }

    function authorize(req: IncomingMessage, method: string, route: string): Tenant {
        const header = req.headers.authorization ?? "";
        const entry = header.startsWith("Bearer ") ? tokens.get(header.slice(7)) : undefined;
        if (!entry || entry.expiresAt <= ctx.now()) throw new GraphError(401, "InvalidAuthenticationToken", "Access token is empty, invalid or has expired.");
        const tenant = ctx.store.tenantById(entry.tenantId);
        if (!tenant) throw new GraphError(401, "InvalidAuthenticationToken", "Unknown tenant.");
        ctx.takeRateBudget(`graph:${tenant.id}`);
        const needed = requiredPermission(method, route);
        const readWrite = needed.replace(".Read.All", ".ReadWrite.All");
        if (!entry.roles.includes(needed) && !entry.roles.includes(readWrite)) {
            throw new GraphError(403, "Authorization_RequestDenied", `Insufficient privileges to complete the operation (requires ${needed}).`);
        }
        return tenant;
    }

    function connectorView(tenant: Tenant, id: string) {
        const connector = tenant.mtdConnectors[id];
        return { "@odata.type": "#microsoft.graph.mobileThreatDefenseConnector", ...connector, ...partnerView(tenant, connector, ctx.now()) };
    }

    /** `GET /groups?$filter=startswith(displayName,'x')` or `displayName eq 'x'`, compared ignoring case as Graph does. */
    function groupFilter(filter: string | null): (name: string) => boolean {
        if (!filter) return () => true;
        const startsWith = /^startswith\(displayName,'((?:[^']|'')*)'\)$/.exec(filter);
        const equals = /^displayName eq '((?:[^']|'')*)'$/.exec(filter);
        const value = (startsWith ?? equals)?.[1].replace(/''/g, "'").toLowerCase();
        if (value === undefined) throw new GraphError(400, "Request_UnsupportedQuery", `Unsupported query: ${filter}`);
        return startsWith ? (name) => name.toLowerCase().startsWith(value) : (name) => name.toLowerCase() === value;
    }

    function directory(tenant: Tenant, method: string, segments: string[], query: URLSearchParams): Reply | undefined {
        if (method !== "GET") return undefined;
        const view = (g: Tenant["directory"]["groups"][number]) => ({ id: g.id, displayName: g.displayName, securityEnabled: g.securityEnabled, mailEnabled: g.mailEnabled });
        const groups = tenant.directory.groups;
        if (segments.length === 1) {
            const keep = groupFilter(query.get("$filter"));
            return { status: 200, body: { value: groups.filter((g) => keep(g.displayName)).map(view) } };
        }
        const group = groups.find((g) => g.id === segments[1]);
        if (!group) throw new GraphError(404, "Request_ResourceNotFound", `Resource '${segments[1]}' does not exist.`);
        if (segments.length === 2) return { status: 200, body: view(group) };
        if (segments[2] === "members") {
            const users = new Set(tenant.directory.users.map((u) => u.id));
            const type = (id: string) => (users.has(id) ? "#microsoft.graph.user" : groups.some((g) => g.id === id) ? "#microsoft.graph.group" : "#microsoft.graph.device");
            return { status: 200, body: { value: group.members.map((id) => ({ "@odata.type": type(id), id })) } };
        }
        return undefined;
    }

    function intune(req: IncomingMessage, method: string, route: string, json: () => unknown): Reply {
        const [routePath, rawQuery] = route.split("?");
        const tenant = authorize(req, method, routePath);
        const done = (reply: Reply): Reply => ({ ...reply, tenantId: tenant.id });
        const segments = routePath.split("/").filter(Boolean).map(decodeURIComponent);

        if (segments[0] === "groups") {
            const reply = directory(tenant, method, segments, new URLSearchParams(rawQuery ?? ""));
            if (reply) return done(reply);
        }

        if (segments[0] === "deviceManagement" && segments[1] === "mobileThreatDefenseConnectors") {
            const id = segments[2];
            if (!id && method === "POST") {
                const body = (json() ?? {}) as Record<string, unknown>;
                const { id: newId, "@odata.type": _type, ...settings } = body;
                if (typeof newId !== "string") throw new GraphError(400, "BadRequest", "id is required");
                if (tenant.mtdConnectors[newId]) throw new GraphError(409, "Conflict", `connector ${newId} exists`);
                tenant.mtdConnectors[newId] = { id: newId, ...parse(mtdConnectorSettingsSchema(), settings) };
                ctx.store.persist();
                return done({ status: 201, body: connectorView(tenant, newId) });
            }
            if (id && !segments[3]) {
                if (!tenant.mtdConnectors[id]) throw new GraphError(404, "ResourceNotFound", `mobileThreatDefenseConnector ${id} not found`);
                if (method === "GET") return done({ status: 200, body: connectorView(tenant, id) });
                if (method === "PATCH") {
                    const { "@odata.type": _type, ...patch } = (json() ?? {}) as Record<string, unknown>;
                    const merged = parse(mtdConnectorSettingsSchema(), { ...withoutId(tenant.mtdConnectors[id]), ...patch });
                    tenant.mtdConnectors[id] = { id, ...merged };
                    ctx.store.persist();
                    return done({ status: 200, body: connectorView(tenant, id) });
                }
                if (method === "DELETE") {
                    delete tenant.mtdConnectors[id];
                    ctx.store.persist();
                    return done({ status: 204 });
                }
            }
        }

        if (segments[0] === "deviceManagement" && segments[1] === "deviceCompliancePolicies") {
            const id = segments[2];
            if (!id && method === "GET") return done({ status: 200, body: { value: Object.values(tenant.compliancePolicies).map((p) => p.body) } });
            if (!id && method === "POST") {
                const body = parse(compliancePolicyCreateSchema(), json());
                const { scheduledActionsForRule: _rules, ...settings } = body;
                const policy = { ...settings, id: randomUUID(), createdDateTime: new Date(ctx.now()).toISOString(), version: 1 };
                tenant.compliancePolicies[policy.id] = { body: policy, assignments: [] };
                ctx.store.persist();
                return done({ status: 201, body: policy });
            }
            const stored = id ? tenant.compliancePolicies[id] : undefined;
            if (id && !stored) throw new GraphError(404, "ResourceNotFound", `deviceCompliancePolicy ${id} not found`);
            if (stored && !segments[3]) {
                if (method === "GET") return done({ status: 200, body: stored.body });
                if (method === "PATCH") {
                    const patch = parse(compliancePolicyPatchSchema(), json());
                    if (patch["@odata.type"] !== stored.body["@odata.type"]) throw new GraphError(400, "BadRequest", "@odata.type cannot change");
                    stored.body = { ...stored.body, ...patch, version: Number(stored.body.version ?? 1) + 1 };
                    ctx.store.persist();
                    return done({ status: 204 });
                }
                if (method === "DELETE") {
                    delete tenant.compliancePolicies[id!];
                    ctx.store.persist();
                    return done({ status: 204 });
                }
            }
            if (stored && segments[3] === "assign" && method === "POST") {
                const { assignments } = parse(assignBodySchema(), json());
                stored.assignments = assignments.map((a) => ({ id: `${id}_${a.target.groupId}`, target: a.target }));
                ctx.store.persist();
                return done({ status: 200, body: { value: stored.assignments } });
            }
            if (stored && segments[3] === "assignments" && method === "GET") return done({ status: 200, body: { value: stored.assignments } });
        }
        throw new GraphError(400, "BadRequest", `Resource not found for the segment '${segments.join("/")}' (${method}).`);
    }

    return {
        /** Handles a request for the emulated Entra or Graph, or returns undefined when the path is neither. */
        handle(req: IncomingMessage, path: string, raw: string, json: () => unknown): Reply | undefined {
            const method = req.method ?? "GET";
            const token = new RegExp(`^${authorityPrefix}/([^/]+)/oauth2/v2\\.0/token$`).exec(path);
            if (token && method === "POST") return issueToken(token[1], raw);
            if (path.startsWith(graphPrefix + "/")) return intune(req, method, path.slice(graphPrefix.length), json);
            return undefined;
        },
        expireTokens() {
            for (const entry of tokens.values()) entry.expiresAt = 0;
        },
        issuedTokens: () => [...tokens.keys()],
    };
}

function withoutId(connector: MtdConnectorSettings & { id: string }): MtdConnectorSettings {
    const { id: _id, ...settings } = connector;
    return settings;
}

export function isGraphPath(path: string): boolean {
    return path.startsWith(graphPrefix + "/") || path.startsWith(authorityPrefix + "/");
}
