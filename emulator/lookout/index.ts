/**
 * The Lookout console-settings service of contract/lookout/openapi.yaml: the token endpoint
 * (token.ts) and the settings documents (settings.ts), beside Lookout's public device list
 * and threats list (devices.ts, threats.ts), every error in Lookout's error schema. A tenant whose `lookoutApi` is `public`
 * serves what Lookout's own service does: the token and the device list, no settings route.
 * A path of the contract called with a method it does not serve answers 405 with `Allow`; any
 * other path answers 404.
 */
import { lookoutPaths } from "../../contract/lookout/routes";
import { errorBody, HttpError, type RateWindows, type Reply, type Request, type Service } from "../http";
import type { Store } from "../store";
import { type SettingsRoute, settingsRoutes } from "./settings";
import { createLookoutAccess } from "./token";
import { mraPaths } from "../../contract/lookout/mra";
import { asMraError, listDevices, mraErrorReply } from "./devices";
import { listThreats } from "./threats";
import { eventStreamPath } from "../../contract/lookout/events";
import { createEventStreams, defaultStreamSettings, type StreamSettings } from "./events";

export interface LookoutServiceOptions {
    store: Store;
    windows: RateWindows;
    now(): number;
    rateLimitPerMinute: number;
    tokenTtlSeconds: number;
    /** How the event stream behaves in time (tests shorten it). */
    streams?: Partial<StreamSettings>;
}

/**
 * Every path of the console-settings contract the service serves (parameters as `{name}`) with its
 * methods, as the OpenAPI document must list them. Lookout's public device list (`mraPaths`) is
 * served beside them; it is Lookout's API, described by Lookout, not by that document.
 */
export const lookoutRoutes: ReadonlyArray<{ template: string; methods: readonly string[] }> = [
    { template: lookoutPaths.token, methods: ["POST"] },
    ...settingsRoutes.map((route) => ({ template: route.template, methods: Object.keys(route.methods) })),
];

function methodNotAllowed(method: string, path: string, allowed: readonly string[]): HttpError {
    return new HttpError(405, "METHOD_NOT_ALLOWED", `${path} does not serve ${method}`, { allow: allowed.join(", ") });
}

/** The settings route of a path with its parameters, decoded. */
function settingsRouteOf(path: string): { route: SettingsRoute; params: Record<string, string> } | undefined {
    const segments = path.split("/");
    for (const route of settingsRoutes) {
        const names = route.template.split("/");
        if (names.length !== segments.length) continue;
        const params: Record<string, string> = {};
        const matches = names.every((name, i) => {
            if (!name.startsWith("{")) return name === segments[i];
            if (!segments[i]) return false;
            try {
                params[name.slice(1, -1)] = decodeURIComponent(segments[i]);
            } catch {
                throw new HttpError(
                    400,
                    "VALIDATION_ERROR",
                    `the path segment '${segments[i]}' is not valid percent-encoding`,
                );
            }
            return true;
        });
        if (matches) return { route, params };
    }
    return undefined;
}

export function createLookoutService(options: LookoutServiceOptions) {
    const access = createLookoutAccess(options);
    const streams = createEventStreams({ ...defaultStreamSettings, ...options.streams }, options.now);

    function handle(request: Request): Reply {
        const { path, method } = request;
        if (path === lookoutPaths.token) {
            if (method !== "POST") throw methodNotAllowed(method, path, ["POST"]);
            return access.issueToken(request.req, request.raw);
        }
        if (path === mraPaths.devices || path === mraPaths.threats) {
            try {
                if (method !== "GET") throw methodNotAllowed(method, path, ["GET"]);
                const tenant = access.authenticate(request.req);
                const list = path === mraPaths.devices ? listDevices : listThreats;
                return { ...list(tenant, request.url, options.now()), tenantId: tenant.id };
            } catch (err) {
                throw asMraError(err);
            }
        }
        if (path === eventStreamPath) {
            try {
                if (method !== "GET") throw methodNotAllowed(method, path, ["GET"]);
                return streams.subscribe(
                    access.session(request.req),
                    request.url,
                    request.req.headers["last-event-id"],
                );
            } catch (err) {
                throw asMraError(err);
            }
        }
        const { tenant, actor } = access.session(request.req);
        const match = settingsRouteOf(path);
        // A tenant told to serve only Lookout's public API answers the settings routes as Lookout's service does: they do not exist.
        if (!match || tenant.lookoutApi === "public")
            throw new HttpError(404, "NOT_FOUND", `${method} ${path} is not part of the contract`);
        const handler = match.route.methods[method];
        if (!handler) throw methodNotAllowed(method, path, Object.keys(match.route.methods));
        return {
            ...handler({ store: options.store, now: options.now, tenant, actor, request, params: match.params }),
            tenantId: tenant.id,
        };
    }

    return {
        service: {
            handle,
            errorReply: mraErrorReply,
            faultBody: (status, requestId) =>
                errorBody(status, "INJECTED_FAULT", "fault injected by the emulator", requestId),
        } satisfies Service,
        expireTokens: access.expireTokens,
        /** The event streams open now, and hooks to drop or end them. */
        streams,
        issuedTokens: access.issuedTokens,
    };
}
