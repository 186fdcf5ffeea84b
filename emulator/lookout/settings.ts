/**
 * The three console-settings documents of the Lookout contract (the Intune connector, a console
 * user's notification preferences, the threat classifications), validated with the contract's own
 * zod schemas. Each document carries a version that is answered as its ETag; a write with an
 * `If-Match` other than the current ETag (or `*`) answers 412.
 */
import type { IncomingMessage } from "node:http";
import { lookoutPaths } from "../../contract/lookout/routes";
import {
    type IntuneConnectorSettings,
    intuneConnectorSettingsSchema,
    notificationPreferencesSchema,
    threatClassificationCatalogue,
    threatClassificationPatchSchema,
} from "../../contract/lookout/schemas";
import {
    auditRiskLevel,
    classificationAuditType,
    connectorAttributeChanges,
    notificationAuditAttributes,
} from "../../contract/lookout/events";
import { HttpError, parseBody, type Reply, type Request } from "../http";
import type { Store, Tenant, Versioned } from "../store";
import { connectorGuid, materialize, recordAudit } from "./events";
import { consoleAdmin, type LookoutActor } from "./token";

interface SettingsContext {
    store: Store;
    /** The emulator's clock (tests move it forward). */
    now(): number;
}

/** One call to a settings document, by a token of `tenant`. */
export interface SettingsCall extends SettingsContext {
    tenant: Tenant;
    /** Who the call's token acts for: what it changes is audited as theirs. */
    actor: LookoutActor;
    request: Request;
    /** The path's `{parameters}`, decoded. */
    params: Record<string, string>;
}

/** A settings path, its parameters as `{name}`, with a handler per method it serves. */
export interface SettingsRoute {
    template: string;
    methods: Record<string, (call: SettingsCall) => Reply>;
}

/** JavaScript's `\s`, spelled out so that the regex dialects of other readers of the OpenAPI document agree with it. */
const space = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";

/**
 * What a console user's address must look like when preferences are stored. The OpenAPI document
 * states the same pattern for the `{email}` parameter (tests/unit/lookoutContract.spec.ts checks it).
 */
export const consoleUserAddress = new RegExp(`^[^@${space}]+@[^@${space}]+$`);

const etagOf = (doc: Versioned<unknown>) => `"${doc.version}"`;

function checkIfMatch(req: IncomingMessage, doc: Versioned<unknown> | null | undefined) {
    const ifMatch = req.headers["if-match"];
    if (!ifMatch || ifMatch === "*") return;
    if (!doc || ifMatch !== etagOf(doc)) {
        throw new HttpError(
            412,
            "PRECONDITION_FAILED",
            `the resource changed (If-Match ${ifMatch}, current ${doc ? etagOf(doc) : "none"})`,
        );
    }
}

/** The console admin a change made in the console itself is audited as, unless another is named. */
export const tenantConsoleAdmin = (tenant: Tenant): LookoutActor => consoleAdmin(`admin@${tenant.name}.example`);

/**
 * What saving System > Connectors > Intune does, through the contract or in the console: Lookout
 * then heartbeats to Intune (see emulator/graph/intune.ts), and audits the change as `actor`'s.
 */
export function configureIntuneConnector(
    tenant: Tenant,
    value: IntuneConnectorSettings,
    now: number,
    actor: LookoutActor = tenantConsoleAdmin(tenant),
): void {
    const before = tenant.intuneConnector?.value ?? null;
    tenant.intuneConnector = { value, version: (tenant.intuneConnector?.version ?? 0) + 1 };
    recordAudit(tenant, now, {
        changeType: before ? "UPDATED" : "CREATED",
        actor,
        target: { guid: connectorGuid(tenant), type: "CONNECTOR" },
        auditType: "MDM_CONNECTOR",
        changes: connectorAttributeChanges(before, value),
    });
    const heartbeat = tenant.lookoutHeartbeat;
    if (!heartbeat.since || heartbeat.stoppedAt)
        Object.assign(heartbeat, { since: new Date(now).toISOString(), stoppedAt: null });
    heartbeat.frequencyMinutes = value.heartbeatFrequencyMinutes;
}

const intuneConnector: SettingsRoute = {
    template: lookoutPaths.intuneConnector,
    methods: {
        GET({ tenant }) {
            const doc = tenant.intuneConnector;
            if (!doc) throw new HttpError(404, "NOT_FOUND", "the Intune connector is not configured");
            return { status: 200, body: doc.value, headers: { etag: etagOf(doc) } };
        },
        PUT({ tenant, request, store, now, actor }) {
            const doc = tenant.intuneConnector;
            checkIfMatch(request.req, doc);
            const value = parseBody(intuneConnectorSettingsSchema(), request.json());
            configureIntuneConnector(tenant, value, now(), actor);
            store.persist();
            return { status: doc ? 200 : 201, body: value, headers: { etag: etagOf(tenant.intuneConnector!) } };
        },
        DELETE({ tenant, request, store, now, actor }) {
            const doc = tenant.intuneConnector;
            if (!doc) throw new HttpError(404, "NOT_FOUND", "the Intune connector is not configured");
            checkIfMatch(request.req, doc);
            tenant.intuneConnector = null;
            recordAudit(tenant, now(), {
                changeType: "DELETED",
                actor,
                target: { guid: connectorGuid(tenant), type: "CONNECTOR" },
                auditType: "MDM_CONNECTOR",
                changes: connectorAttributeChanges(doc.value, null),
            });
            tenant.lookoutHeartbeat.stoppedAt = new Date(now()).toISOString();
            store.persist();
            return { status: 204 };
        },
    },
};

/** Preferences are kept by the lower-cased address of the console user. */
const userOf = ({ params }: SettingsCall) => params.email.toLowerCase();

/** A console user's preferences changed: audited as ADMIN, on that user, the user named by `email` (contract/lookout/events.ts). */
function auditPreferences(call: SettingsCall, email: string, before: boolean | undefined, after: boolean | undefined) {
    const at = (v: boolean | undefined) => (v === undefined ? "" : String(v));
    if (at(before) === at(after)) return;
    recordAudit(call.tenant, call.now(), {
        changeType: before === undefined ? "CREATED" : after === undefined ? "DELETED" : "UPDATED",
        actor: call.actor,
        target: { guid: consoleAdmin(email).guid, type: "ADMIN" },
        auditType: "ADMIN",
        changes: [
            { name: notificationAuditAttributes.user, from: email, to: email },
            { name: notificationAuditAttributes.emailNotifications, from: at(before), to: at(after) },
        ],
    });
}

const notificationPreferences: SettingsRoute = {
    template: lookoutPaths.notificationPreferences("\u0000").replace("%00", "{email}"),
    methods: {
        GET(call) {
            const email = userOf(call);
            const doc = call.tenant.notificationPreferences[email];
            if (!doc)
                throw new HttpError(
                    404,
                    "NOT_FOUND",
                    `no notification preferences stored for ${email}; defaults apply`,
                );
            return { status: 200, body: doc.value, headers: { etag: etagOf(doc) } };
        },
        PUT(call) {
            const { tenant, request, store } = call;
            const email = userOf(call);
            if (!consoleUserAddress.test(email))
                throw new HttpError(400, "VALIDATION_ERROR", `'${email}' is not an e-mail address`);
            const doc = tenant.notificationPreferences[email];
            checkIfMatch(request.req, doc);
            const value = parseBody(notificationPreferencesSchema(), request.json());
            tenant.notificationPreferences[email] = { value, version: (doc?.version ?? 0) + 1 };
            auditPreferences(call, email, doc?.value.emailNotifications, value.emailNotifications);
            store.persist();
            return {
                status: doc ? 200 : 201,
                body: value,
                headers: { etag: etagOf(tenant.notificationPreferences[email]) },
            };
        },
        DELETE(call) {
            const { tenant, request, store } = call;
            const email = userOf(call);
            const doc = tenant.notificationPreferences[email];
            if (!doc) throw new HttpError(404, "NOT_FOUND", `no notification preferences stored for ${email}`);
            checkIfMatch(request.req, doc);
            delete tenant.notificationPreferences[email];
            auditPreferences(call, email, doc.value.emailNotifications, undefined);
            store.persist();
            return { status: 204 };
        },
    },
};

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

const threatClassifications: SettingsRoute = {
    template: lookoutPaths.threatClassifications,
    methods: {
        GET({ tenant }) {
            return {
                status: 200,
                body: classificationList(tenant),
                headers: { etag: etagOf(tenant.threatClassifications) },
            };
        },
        PATCH({ tenant, request, store, now, actor }) {
            const doc = tenant.threatClassifications;
            checkIfMatch(request.req, doc);
            const patch = parseBody(threatClassificationPatchSchema(), request.json());
            const unknown = Object.keys(patch.riskLevels).filter(
                (n) => !threatClassificationCatalogue.some((c) => c.name === n),
            );
            if (unknown.length)
                throw new HttpError(400, "VALIDATION_ERROR", `unknown threat classification(s): ${unknown.join(", ")}`);
            const levelOf = (levels: Record<string, string>, name: string) =>
                levels[name] ?? threatClassificationCatalogue.find((c) => c.name === name)!.defaultRiskLevel;
            recordAudit(tenant, now(), {
                changeType: "UPDATED",
                actor,
                target: { guid: tenant.id, type: "ENTERPRISE" },
                auditType: classificationAuditType,
                changes: Object.entries(patch.riskLevels)
                    .map(([name, level]) => ({
                        name,
                        from: auditRiskLevel(levelOf(doc.value, name)),
                        to: auditRiskLevel(level),
                    }))
                    .filter((c) => c.from !== c.to),
            });
            tenant.threatClassifications = { value: { ...doc.value, ...patch.riskLevels }, version: doc.version + 1 };
            // Lookout re-rates the open threats of a re-rated classification at once: their events follow the audit.
            materialize(tenant, now());
            store.persist();
            return {
                status: 200,
                body: classificationList(tenant),
                headers: { etag: etagOf(tenant.threatClassifications) },
            };
        },
    },
};

export const settingsRoutes: readonly SettingsRoute[] = [
    intuneConnector,
    notificationPreferences,
    threatClassifications,
];
