/**
 * The Lookout console-settings service of contract/lookout/openapi.yaml: the token endpoint
 * (token.ts) and the settings documents (settings.ts), every error in Lookout's error schema.
 * A path of the contract called with a method it does not serve answers 405 with `Allow`; any
 * other path answers 404.
 */
import { lookoutPaths } from "../../contract/lookout/routes";
import { errorBody, errorReply, HttpError, type RateWindows, type Reply, type Request, type Service } from "../http";
import type { Store } from "../store";
import { type SettingsRoute, settingsRoutes } from "./settings";
import { createLookoutAccess } from "./token";

export interface LookoutServiceOptions {
    store: Store;
    windows: RateWindows;
    now(): number;
    rateLimitPerMinute: number;
    tokenTtlSeconds: number;
}

/** Every path the service serves (parameters as `{name}`) with its methods, as the OpenAPI document must list them. */
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
                throw new HttpError(400, "VALIDATION_ERROR", `the path segment '${segments[i]}' is not valid percent-encoding`);
            }
            return true;
        });
        if (matches) return { route, params };
    }
    return undefined;
}

export function createLookoutService(options: LookoutServiceOptions) {
    const access = createLookoutAccess(options);

    function handle(request: Request): Reply {
        const { path, method } = request;
        if (path === lookoutPaths.token) {
            if (method !== "POST") throw methodNotAllowed(method, path, ["POST"]);
            return access.issueToken(request.req, request.raw);
        }
        const tenant = access.authenticate(request.req);
        const match = settingsRouteOf(path);
        if (!match) throw new HttpError(404, "NOT_FOUND", `${method} ${path} is not part of the contract`);
        const handler = match.route.methods[method];
        if (!handler) throw methodNotAllowed(method, path, Object.keys(match.route.methods));
        return { ...handler({ store: options.store, now: options.now, tenant, request, params: match.params }), tenantId: tenant.id };
    }

    return {
        service: {
            handle,
            errorReply,
            faultBody: (status, requestId) => errorBody(status, "INJECTED_FAULT", "fault injected by the emulator", requestId),
        } satisfies Service,
        expireTokens: access.expireTokens,
        issuedTokens: access.issuedTokens,
    };
}
