/**
 * The `/_emulator/` hooks that tests and the demo use to set up and inspect the emulator: tenants
 * and their Graph apps and directory, the clock, injected faults, the request log and token expiry.
 * They need no token, are never logged nor faulted, and are no part of either service's contract.
 */
import { faultPlanSchema, type createFaultInjector } from "./faults";
import { approveManagedGooglePlayApp } from "./graph/apps";
import { errorReply, HttpError, parseBody, type Reply, type Request, type RequestLog, type Service } from "./http";
import type { Store, Tenant } from "./store";
import type { EmulatedDevice } from "./store";
import { configureIntuneConnector, tenantConsoleAdmin } from "./lookout/settings";
import { consoleAdmin } from "./lookout/token";
import { intuneConnectorSettingsSchema } from "../contract/lookout/schemas";

export const adminPrefix = "/_emulator/";

export interface AdminContext {
    store: Store;
    faults: ReturnType<typeof createFaultInjector>;
    log: RequestLog;
    now(): number;
    advanceClock(ms: number): void;
    /** Expires every access token the emulator handed out (Lookout and Graph). */
    expireTokens(): void;
    /** Drops the connection of every open event stream, as a network failure would. */
    dropStreams(): void;
}

export function createAdminHooks({
    store,
    faults,
    log,
    now,
    advanceClock,
    expireTokens,
    dropStreams,
}: AdminContext): Service {
    function tenantOf(id: string): Tenant {
        const tenant = store.tenantById(id);
        if (!tenant) throw new HttpError(404, "NOT_FOUND", "no such tenant");
        return tenant;
    }

    function handle({ path, method, json, url }: Request): Reply {
        if (path === "/_emulator/tenants" && method === "POST") {
            const body = (json() ?? {}) as { name?: string; applicationKey?: string; entraTenantId?: string };
            const tenant = store.addTenant(body.name ?? "tenant", body.applicationKey, body.entraTenantId);
            return {
                status: 201,
                body: {
                    tenantId: tenant.id,
                    entraTenantId: tenant.entraTenantId,
                    applicationKey: tenant.applicationKeys[0],
                },
            };
        }
        const appMatch = /^\/_emulator\/tenants\/([^/]+)\/graph-apps$/.exec(path);
        if (appMatch && method === "POST") {
            const tenant = tenantOf(appMatch[1]);
            return { status: 201, body: store.addGraphApp(tenant, ((json() ?? {}) as { roles?: string[] }).roles) };
        }
        const directoryMatch = /^\/_emulator\/tenants\/([^/]+)\/directory$/.exec(path);
        if (directoryMatch && method === "PUT") {
            const tenant = tenantOf(directoryMatch[1]);
            tenant.directory = json() as Tenant["directory"];
            store.persist();
            return { status: 200, body: tenant.directory };
        }
        // An admin's consent to a multi-tenant app (what Lookout's consent page leaves), or its removal.
        const consentMatch = /^\/_emulator\/tenants\/([^/]+)\/consent$/.exec(path);
        if (consentMatch && method === "PUT") {
            const consent = json() as Parameters<Store["grantConsent"]>[1];
            return { status: 200, body: store.grantConsent(tenantOf(consentMatch[1]), consent) };
        }
        if (consentMatch && method === "DELETE") {
            const tenant = tenantOf(consentMatch[1]);
            const appId = ((json() ?? {}) as { appId?: string }).appId;
            tenant.servicePrincipals = tenant.servicePrincipals.filter((sp) => sp.appId !== appId);
            store.persist();
            return { status: 204 };
        }
        // An admin's approval of an app in managed Google Play and the sync that brings it into Intune.
        const playMatch = /^\/_emulator\/tenants\/([^/]+)\/managed-google-play\/apps$/.exec(path);
        if (playMatch && method === "POST") {
            const app = json() as { packageId: string; displayName: string; publisher?: string };
            const id = approveManagedGooglePlayApp(tenantOf(playMatch[1]), { publisher: "", ...app }, now());
            store.persist();
            return { status: 201, body: { id } };
        }
        // The tenant's devices (emulator/devices.ts): Intune manages them, Lookout lists those of its enrollment groups' users.
        const devicesMatch = /^\/_emulator\/tenants\/([^/]+)\/devices$/.exec(path);
        if (devicesMatch && method === "PUT") {
            const tenant = tenantOf(devicesMatch[1]);
            tenant.devices = ((json() ?? {}) as { devices?: EmulatedDevice[] }).devices ?? [];
            store.persist();
            return { status: 200, body: { devices: tenant.devices.length } };
        }
        // What the tenant's Lookout endpoint serves: `public` answers as Lookout's own service (no settings route).
        const apiMatch = /^\/_emulator\/tenants\/([^/]+)\/lookout-api$/.exec(path);
        if (apiMatch && method === "PUT") {
            const tenant = tenantOf(apiMatch[1]);
            const serves = ((json() ?? {}) as { serves?: string }).serves;
            if (serves !== "public" && serves !== "contract")
                throw new HttpError(400, "VALIDATION_ERROR", "serves must be public or contract");
            tenant.lookoutApi = serves;
            store.persist();
            return { status: 200, body: { serves } };
        }
        // An admin saving System > Connectors > Intune in Lookout's console (checklist mode's manual step),
        // audited as that admin's (`?admin=<address>`, else the tenant's console admin).
        const consoleMatch = /^\/_emulator\/tenants\/([^/]+)\/console\/intune-connector$/.exec(path);
        if (consoleMatch && method === "PUT") {
            const tenant = tenantOf(consoleMatch[1]);
            const admin = url.searchParams.get("admin");
            configureIntuneConnector(
                tenant,
                parseBody(intuneConnectorSettingsSchema(), json()),
                now(),
                admin ? consoleAdmin(admin) : tenantConsoleAdmin(tenant),
            );
            store.persist();
            return { status: 200, body: tenant.intuneConnector!.value };
        }
        if (path === "/_emulator/clock" && method === "POST") {
            advanceClock(Number(((json() ?? {}) as { advanceMs?: number }).advanceMs ?? 0));
            return { status: 200, body: { now: new Date(now()).toISOString() } };
        }
        const tenantMatch = /^\/_emulator\/tenants\/([^/]+)$/.exec(path);
        if (tenantMatch && method === "GET") return { status: 200, body: store.describe(tenantOf(tenantMatch[1])) };
        if (path === "/_emulator/faults" && method === "PUT") {
            const plans = parseBody(faultPlanSchema().array(), json());
            faults.set(plans);
            return { status: 200, body: { plans } };
        }
        if (path === "/_emulator/faults" && method === "GET") return { status: 200, body: faults.stats() };
        if (path === "/_emulator/faults" && method === "DELETE") {
            faults.clear();
            return { status: 204 };
        }
        if (path === "/_emulator/requests" && method === "GET") return { status: 200, body: log.entries() };
        if (path === "/_emulator/requests" && method === "DELETE") {
            log.clear();
            return { status: 204 };
        }
        if (path === "/_emulator/streams/drop" && method === "POST") {
            dropStreams();
            return { status: 204 };
        }
        if (path === "/_emulator/tokens/expire" && method === "POST") {
            expireTokens();
            return { status: 204 };
        }
        throw new HttpError(404, "NOT_FOUND", `${method} ${path} is not an emulator hook`);
    }

    return { handle, errorReply };
}
