/**
 * A real HTTP server implementing the Lookout console-settings contract (see
 * contract/lookout/openapi.yaml): token issuance and expiry, the Lookout error schema, payload
 * validation with the contract's own zod schemas, ETags with If-Match, a per-tenant rate limit,
 * and fault injection for tests. Loopback only.
 *
 * Test and demo hooks live under `/_emulator/`; they need no token and are not part of the contract.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { z } from "zod";
import {
    intuneConnectorSettingsSchema,
    type LookoutError,
    notificationPreferencesSchema,
    threatClassificationCatalogue,
    threatClassificationPatchSchema,
} from "../contract/lookout/schemas";
import { lookoutPaths } from "../contract/lookout/routes";
import { createFaultInjector, faultPlanSchema } from "./faults";
import { createGraphEmulator, GraphError, graphErrorBody, isGraphPath } from "./graph";
import { createStore, lookoutScopes, type Tenant, type Versioned } from "./store";

export interface EmulatorOptions {
    /** Port on 127.0.0.1; 0 picks a free one. */
    port?: number;
    /** Keep tenants in this JSON file across restarts. */
    stateFile?: string;
    /** Requests a minute per tenant before 429 (Lookout reports about 100). */
    rateLimitPerMinute?: number;
    /** Lifetime of access tokens in seconds (Lookout: two hours). */
    tokenTtlSeconds?: number;
    /** Graph requests a minute per tenant before 429. */
    graphRateLimitPerMinute?: number;
}

export interface RequestLogEntry {
    at: string;
    method: string;
    path: string;
    status: number;
    tenantId?: string;
    fault?: string;
}

class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly errorCode: string,
        message: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
    }
}

const notificationPattern = new RegExp(
    "^" +
        lookoutPaths
            .notificationPreferences("\u0000")
            .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
            .replace("%00", "([^/]+)") +
        "$",
);

export async function startLookoutEmulator(options: EmulatorOptions = {}) {
    const store = createStore(options.stateFile);
    const faults = createFaultInjector();
    const rateLimit = options.rateLimitPerMinute ?? 100;
    const tokenTtl = options.tokenTtlSeconds ?? 7200;
    const tokens = new Map<string, { tenantId: string; scopes: string[]; expiresAt: number }>();
    const graphRateLimit = options.graphRateLimitPerMinute ?? 600;
    const windows = new Map<string, number[]>();
    let requestLog: RequestLogEntry[] = [];
    let clockOffsetMs = 0;
    const now = () => Date.now() + clockOffsetMs;

    /** Counts a request against a one-minute sliding window; returns the seconds to wait when over the limit. */
    function overBudget(bucket: string, limit: number): number | undefined {
        const at = Date.now();
        const recent = (windows.get(bucket) ?? []).filter((t) => t > at - 60_000);
        windows.set(bucket, recent);
        if (recent.length >= limit) return Math.max(1, Math.ceil((recent[0] + 60_000 - at) / 1000));
        recent.push(at);
        return undefined;
    }

    function takeRateBudget(tenantId: string) {
        const wait = overBudget(tenantId, rateLimit);
        if (wait !== undefined) {
            throw new HttpError(429, "RATE_LIMITED", `more than ${rateLimit} requests a minute for this tenant`, { "retry-after": String(wait) });
        }
    }

    const graph = createGraphEmulator({
        store,
        now,
        takeRateBudget(bucket) {
            const wait = overBudget(bucket, graphRateLimit);
            if (wait !== undefined) throw new GraphError(429, "TooManyRequests", "Too many requests; retry after the given time.", { "retry-after": String(wait) });
        },
    });

    function bearer(req: IncomingMessage): string | undefined {
        const header = req.headers.authorization ?? "";
        return header.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    }

    function authenticate(req: IncomingMessage): Tenant {
        const token = bearer(req);
        const entry = token ? tokens.get(token) : undefined;
        if (!entry) throw new HttpError(401, "UNAUTHORIZED", "missing or unknown access token");
        if (entry.expiresAt <= Date.now()) throw new HttpError(401, "TOKEN_EXPIRED", "the access token has expired; request a new one");
        const tenant = store.tenantById(entry.tenantId);
        if (!tenant) throw new HttpError(401, "UNAUTHORIZED", "the tenant of this token no longer exists");
        takeRateBudget(tenant.id);
        const needed = req.method === "GET" ? "settings:read" : "settings:write";
        if (!entry.scopes.includes(needed)) throw new HttpError(403, "INSUFFICIENT_SCOPE", `the application key lacks the scope ${needed}`);
        return tenant;
    }

    function parse<T>(schema: z.ZodType<T>, body: unknown): T {
        const result = schema.safeParse(body);
        if (!result.success) {
            const detail = result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
            throw new HttpError(400, "VALIDATION_ERROR", detail);
        }
        return result.data;
    }

    const etagOf = (doc: Versioned<unknown>) => `"${doc.version}"`;

    function checkIfMatch(req: IncomingMessage, doc: Versioned<unknown> | null | undefined) {
        const ifMatch = req.headers["if-match"];
        if (!ifMatch || ifMatch === "*") return;
        if (!doc || ifMatch !== etagOf(doc)) {
            throw new HttpError(412, "PRECONDITION_FAILED", `the resource changed (If-Match ${ifMatch}, current ${doc ? etagOf(doc) : "none"})`);
        }
    }

    function classificationList(tenant: Tenant) {
        return {
            classifications: threatClassificationCatalogue.map((c) => ({
                name: c.name,
                category: c.category,
                riskLevel: tenant.threatClassifications.value[c.name] ?? c.defaultRiskLevel,
                defaultRiskLevel: c.defaultRiskLevel,
            })),
        };
    }

    type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

    async function issueToken(req: IncomingMessage, body: string): Promise<Reply> {
        const form = new URLSearchParams(body);
        if (form.get("grant_type") !== "client_credentials") {
            return { status: 400, body: { error: "unsupported_grant_type", error_description: "grant_type must be client_credentials" } };
        }
        const key = bearer(req);
        const tenant = key ? store.tenantByKey(key) : undefined;
        if (!tenant) return { status: 401, body: { error: "invalid_client", error_description: "unknown application key" } };
        takeRateBudget(tenant.id);
        const accessToken = randomBytes(32).toString("base64url");
        const scopes = tenant.keyScopes?.[key!] ?? [...lookoutScopes];
        tokens.set(accessToken, { tenantId: tenant.id, scopes, expiresAt: Date.now() + tokenTtl * 1000 });
        return { status: 200, body: { access_token: accessToken, token_type: "bearer", expires_in: tokenTtl, scope: scopes.join(" ") } };
    }

    async function api(req: IncomingMessage, path: string, json: () => unknown): Promise<Reply & { tenantId?: string }> {
        const tenant = authenticate(req);
        const method = req.method ?? "GET";
        const done = (reply: Reply) => ({ ...reply, tenantId: tenant.id });

        if (path === lookoutPaths.intuneConnector) {
            const doc = tenant.intuneConnector;
            if (method === "GET") {
                if (!doc) throw new HttpError(404, "NOT_FOUND", "the Intune connector is not configured");
                return done({ status: 200, body: doc.value, headers: { etag: etagOf(doc) } });
            }
            if (method === "PUT") {
                checkIfMatch(req, doc);
                const value = parse(intuneConnectorSettingsSchema(), json());
                tenant.intuneConnector = { value, version: (doc?.version ?? 0) + 1 };
                // Lookout heartbeats to Intune while its connector is configured (see emulator/graph/intune.ts).
                const heartbeat = tenant.lookoutHeartbeat;
                if (!heartbeat.since || heartbeat.stoppedAt) Object.assign(heartbeat, { since: new Date(now()).toISOString(), stoppedAt: null });
                heartbeat.frequencyMinutes = value.heartbeatFrequencyMinutes;
                store.persist();
                return done({ status: doc ? 200 : 201, body: value, headers: { etag: etagOf(tenant.intuneConnector) } });
            }
            if (method === "DELETE") {
                if (!doc) throw new HttpError(404, "NOT_FOUND", "the Intune connector is not configured");
                checkIfMatch(req, doc);
                tenant.intuneConnector = null;
                tenant.lookoutHeartbeat.stoppedAt = new Date(now()).toISOString();
                store.persist();
                return done({ status: 204 });
            }
        }

        const notification = notificationPattern.exec(path);
        if (notification) {
            const email = decodeURIComponent(notification[1]).toLowerCase();
            const doc = tenant.notificationPreferences[email];
            if (method === "GET") {
                if (!doc) throw new HttpError(404, "NOT_FOUND", `no notification preferences stored for ${email}; defaults apply`);
                return done({ status: 200, body: doc.value, headers: { etag: etagOf(doc) } });
            }
            if (method === "PUT") {
                if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new HttpError(400, "VALIDATION_ERROR", `'${email}' is not an e-mail address`);
                checkIfMatch(req, doc);
                const value = parse(notificationPreferencesSchema(), json());
                tenant.notificationPreferences[email] = { value, version: (doc?.version ?? 0) + 1 };
                store.persist();
                return done({ status: doc ? 200 : 201, body: value, headers: { etag: etagOf(tenant.notificationPreferences[email]) } });
            }
            if (method === "DELETE") {
                if (!doc) throw new HttpError(404, "NOT_FOUND", `no notification preferences stored for ${email}`);
                checkIfMatch(req, doc);
                delete tenant.notificationPreferences[email];
                store.persist();
                return done({ status: 204 });
            }
        }

        if (path === lookoutPaths.threatClassifications) {
            const doc = tenant.threatClassifications;
            if (method === "GET") return done({ status: 200, body: classificationList(tenant), headers: { etag: etagOf(doc) } });
            if (method === "PATCH") {
                checkIfMatch(req, doc);
                const patch = parse(threatClassificationPatchSchema(), json());
                const unknown = Object.keys(patch.riskLevels).filter((n) => !threatClassificationCatalogue.some((c) => c.name === n));
                if (unknown.length) throw new HttpError(400, "VALIDATION_ERROR", `unknown threat classification(s): ${unknown.join(", ")}`);
                tenant.threatClassifications = { value: { ...doc.value, ...patch.riskLevels }, version: doc.version + 1 };
                store.persist();
                return done({ status: 200, body: classificationList(tenant), headers: { etag: etagOf(tenant.threatClassifications) } });
            }
        }

        throw new HttpError(method === "GET" ? 404 : 405, method === "GET" ? "NOT_FOUND" : "METHOD_NOT_ALLOWED", `${method} ${path} is not part of the contract`);
    }

    async function admin(req: IncomingMessage, path: string, json: () => unknown): Promise<Reply> {
        const method = req.method ?? "GET";
        if (path === "/_emulator/tenants" && method === "POST") {
            const body = (json() ?? {}) as { name?: string; applicationKey?: string; entraTenantId?: string };
            const tenant = store.addTenant(body.name ?? "tenant", body.applicationKey, body.entraTenantId);
            return { status: 201, body: { tenantId: tenant.id, entraTenantId: tenant.entraTenantId, applicationKey: tenant.applicationKeys[0] } };
        }
        const appMatch = /^\/_emulator\/tenants\/([^/]+)\/graph-apps$/.exec(path);
        if (appMatch && method === "POST") {
            const tenant = store.tenantById(appMatch[1]);
            if (!tenant) throw new HttpError(404, "NOT_FOUND", "no such tenant");
            const app = store.addGraphApp(tenant, ((json() ?? {}) as { roles?: string[] }).roles);
            return { status: 201, body: app };
        }
        const directoryMatch = /^\/_emulator\/tenants\/([^/]+)\/directory$/.exec(path);
        if (directoryMatch && method === "PUT") {
            const tenant = store.tenantById(directoryMatch[1]);
            if (!tenant) throw new HttpError(404, "NOT_FOUND", "no such tenant");
            tenant.directory = json() as Tenant["directory"];
            store.persist();
            return { status: 200, body: tenant.directory };
        }
        if (path === "/_emulator/clock" && method === "POST") {
            clockOffsetMs += Number(((json() ?? {}) as { advanceMs?: number }).advanceMs ?? 0);
            return { status: 200, body: { now: new Date(now()).toISOString() } };
        }
        const tenantMatch = /^\/_emulator\/tenants\/([^/]+)$/.exec(path);
        if (tenantMatch && method === "GET") {
            const tenant = store.tenantById(tenantMatch[1]);
            if (!tenant) throw new HttpError(404, "NOT_FOUND", "no such tenant");
            return { status: 200, body: store.describe(tenant) };
        }
        if (path === "/_emulator/faults" && method === "PUT") {
            const plans = parse(faultPlanSchema().array(), json());
            faults.set(plans);
            return { status: 200, body: { plans } };
        }
        if (path === "/_emulator/faults" && method === "GET") return { status: 200, body: faults.stats() };
        if (path === "/_emulator/faults" && method === "DELETE") {
            faults.clear();
            return { status: 204 };
        }
        if (path === "/_emulator/requests" && method === "GET") return { status: 200, body: requestLog };
        if (path === "/_emulator/requests" && method === "DELETE") {
            requestLog = [];
            return { status: 204 };
        }
        if (path === "/_emulator/tokens/expire" && method === "POST") {
            expireTokens();
            return { status: 204 };
        }
        throw new HttpError(404, "NOT_FOUND", `${method} ${path} is not an emulator hook`);
    }

    function send(res: ServerResponse, reply: Reply, requestId: string) {
        const headers: Record<string, string> = { "x-request-id": requestId, ...(reply.headers ?? {}) };
        if (reply.body === undefined) {
            res.writeHead(reply.status, headers).end();
            return;
        }
        // Graph's `$count` segments answer a bare integer as text/plain; everything else is JSON.
        if (headers["content-type"]?.startsWith("text/plain")) {
            res.writeHead(reply.status, headers).end(String(reply.body));
            return;
        }
        res.writeHead(reply.status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(reply.body));
    }

    const server = createServer((req, res) => {
        const requestId = randomUUID();
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > 1_000_000) req.destroy();
            else chunks.push(chunk);
        });
        req.on("end", async () => {
            const url = new URL(req.url ?? "/", "http://127.0.0.1");
            const path = url.pathname;
            const method = req.method ?? "GET";
            const raw = Buffer.concat(chunks).toString("utf8");
            const json = () => {
                if (!raw) return undefined;
                try {
                    return JSON.parse(raw);
                } catch {
                    throw new HttpError(400, "INVALID_JSON", "the request body is not valid JSON");
                }
            };
            const entry: RequestLogEntry = { at: new Date().toISOString(), method, path, status: 0 };
            const isAdmin = path.startsWith("/_emulator/");
            if (!isAdmin) requestLog.push(entry);

            const fault = isAdmin ? undefined : faults.pick(method, path);
            if (fault) {
                entry.fault = fault.kind + (fault.status ? " " + fault.status : "");
                if (fault.kind === "drop") {
                    req.socket.destroy();
                    return;
                }
                if (fault.kind === "status") {
                    entry.status = fault.status!;
                    const headers: Record<string, string> = {};
                    if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
                    const body = isGraphPath(path)
                        ? graphErrorBody("InjectedFault", "fault injected by the emulator", requestId)
                        : errorBody(fault.status!, "INJECTED_FAULT", "fault injected by the emulator", requestId);
                    send(res, { status: fault.status!, headers, body }, requestId);
                    return;
                }
                if (fault.kind === "expireTokens") expireTokens();
                if (fault.kind === "delay") {
                    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
                    if (res.destroyed || req.socket.destroyed) return;
                }
            }
            const respond = (reply: Reply) => {
                if (fault?.kind === "loseResponse") req.socket.destroy();
                else send(res, reply, requestId);
            };

            try {
                let reply: Reply & { tenantId?: string };
                if (isAdmin) reply = await admin(req, path, json);
                else if (isGraphPath(path)) reply = graph.handle(req, url, raw, json) ?? { status: 404, body: graphErrorBody("ResourceNotFound", path, requestId) };
                else if (path === lookoutPaths.token && method === "POST") reply = await issueToken(req, raw);
                else reply = await api(req, path, json);
                entry.status = reply.status;
                entry.tenantId = reply.tenantId;
                respond(reply);
            } catch (err) {
                if (err instanceof GraphError || isGraphPath(path)) {
                    const e = err instanceof GraphError ? err : new GraphError(500, "InternalServerError", (err as Error).message);
                    entry.status = e.status;
                    respond({ status: e.status, headers: e.headers, body: graphErrorBody(e.code, e.message, requestId) });
                    return;
                }
                const e = err instanceof HttpError ? err : new HttpError(500, "INTERNAL_ERROR", (err as Error).message);
                entry.status = e.status;
                respond({ status: e.status, headers: e.headers, body: errorBody(e.status, e.errorCode, e.message, requestId) });
            }
        });
    });

    function expireTokens() {
        for (const entry of tokens.values()) entry.expiresAt = 0;
        graph.expireTokens();
    }

    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;

    return {
        url: `http://127.0.0.1:${port}`,
        port,
        store,
        faults,
        requests: () => requestLog,
        clearRequests: () => {
            requestLog = [];
        },
        expireTokens,
        /** Every access token handed out so far (Lookout and Graph), for leak checks in tests. */
        issuedTokens: () => [...tokens.keys(), ...graph.issuedTokens()],
        /** Moves the emulator's clock forward (heartbeats, partner state). */
        advanceClock(ms: number) {
            clockOffsetMs += ms;
        },
        /** The Graph base URL and authority host of this emulator, for `graph:baseUrl` / `graph:authorityHost`. */
        graphBaseUrl: `http://127.0.0.1:${port}/graph/v1.0`,
        authorityHost: `http://127.0.0.1:${port}/entra`,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

export type LookoutEmulator = Awaited<ReturnType<typeof startLookoutEmulator>>;

function errorBody(statusCode: number, errorCode: string, message: string, requestId: string): LookoutError {
    return { type: "Error", statusCode, errorCode, message, requestId };
}
