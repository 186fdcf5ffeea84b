/**
 * Lookout's **public** event stream, `GET /mra/stream/v2/events` of the Mobile Risk API v2
 * (Server-Sent Events), as Lookout's Swagger documents it: the route, its query, the SSE messages,
 * the event model (`models.Event`, `models.Audit`, `models.Actor`, `models.Target`) and its enums.
 * The emulator serves it from here and the stream client (providers/lookout/eventStream.ts) reads it.
 *
 * One part is **not** Lookout's: the audited-attribute mapping at the end of this file. Lookout
 * documents that an AUDIT event carries `attribute_changes` (`name`, `from`, `to`) and lists the
 * audit types (MDM_CONNECTOR, CLASSIFICATION_POLICY, ADMIN, ...), but not which attribute names a
 * change of the Intune connector, of a threat classification or of a console user's preferences
 * carries. The names and value spellings below are this project's assumption, written once.
 *
 * Plain data and functions only: schemas are built by functions.
 */
import { z } from "zod";
import type { IntuneConnectorSettings, RiskLevel } from "./schemas";

export const eventStreamPath = "/mra/stream/v2/events";

/** How far back the stream serves: an `id` or `start_time` older than this starts 10 days ago (the Swagger's parameters). */
export const eventStreamHorizonMs = 10 * 24 * 60 * 60 * 1000;

/** The values of the `types` filter (comma-separated; all of them when absent). */
export const streamEventTypes = ["DEVICE", "THREAT", "AUDIT", "SMISHING_ALERT"] as const;
export type StreamEventType = (typeof streamEventTypes)[number];

/** `models.Event`'s enums, as the Swagger's descriptions list them (`oneof=`). */
export const eventTypes = ["DEVICE", "THREAT", "AUDIT"] as const;
export const changeTypes = ["CREATED", "UPDATED", "DELETED", "PURGED"] as const;
export type ChangeType = (typeof changeTypes)[number];
export const actorTypes = ["ADMIN", "DEVICE", "SYSTEM"] as const;
export type ActorType = (typeof actorTypes)[number];
export const targetTypes = [
    "ADMIN",
    "ENTERPRISE",
    "DEVICE",
    "THREAT",
    "CONNECTOR",
    "ORGANIZATION",
    "COMMERCIAL_PARTNER",
    "APPLICATION",
    "IDP",
] as const;
export type TargetType = (typeof targetTypes)[number];
export const auditTypes = [
    "ADMIN",
    "EMAIL_INVITE",
    "CLASSIFICATION_POLICY",
    "DENYLIST_POLICY",
    "ALLOWLIST_POLICY",
    "ENTERPRISE",
    "ENTERPRISE_FEATURE",
    "ADMIN_LOGIN",
    "MDM_CONNECTOR",
    "TENANCY",
    "POLICY_CHANGE",
    "DEVICE_GROUP_CHANGE",
    "DEVICE",
    "THREAT",
    "EXPORT",
    "PRODUCT_SETTINGS",
    "ORGANIZATION",
    "ORGANIZATION_TENANCY",
    "SSO",
    "POLICY_GROUP_CHANGE",
    "ADMIN_LOGOUT",
    "COMMERCIAL_PARTNER",
    "APPLICATION",
    "COMMERCIAL_PARTNER_TENANCY",
    "IDP",
    "CUSTOM_THREAT_MESSAGE",
] as const;
export type AuditType = (typeof auditTypes)[number];

/**
 * The SSE `event:` names. The Swagger's `models.SSEEvent` enumerates `event`, `reconnect`, `end`; its
 * text adds `heartbeat`, and its example writes the first message `events`. The emulator sends
 * `event`; a reader takes both spellings.
 */
export const sseMessages = {
    events: "event",
    eventsAlias: "events",
    heartbeat: "heartbeat",
    reconnect: "reconnect",
    end: "end",
} as const;

/**
 * A subscription's query. `id` resumes strictly after an event already processed (the same as the
 * `Last-Event-ID` header, which takes precedence, as an SSE client resends it with the first URL);
 * `start_time` (ISO 8601) starts at a time; neither: from now on.
 */
export function eventStreamQuery(query: {
    types?: readonly StreamEventType[];
    id?: string;
    startTime?: string;
}): string {
    const params = new URLSearchParams();
    if (query.id !== undefined) params.set("id", query.id);
    else if (query.startTime !== undefined) params.set("start_time", query.startTime);
    if (query.types !== undefined && query.types.length > 0) params.set("types", query.types.join(","));
    const text = params.toString();
    return text ? `${eventStreamPath}?${text}` : eventStreamPath;
}

/** The time a UUIDv7 carries (its first 48 bits, epoch ms), or undefined when the text is not one. */
export function uuidV7Time(id: string): number | undefined {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** Whether event id `a` comes after `b`: UUIDv7s are time-ordered, so their text orders as they do. */
export const isAfter = (a: string, b: string | undefined): boolean =>
    b === undefined || a.toLowerCase() > b.toLowerCase();

/** `models.AttributeChange`: `from` may be empty. */
function attributeChangeSchema() {
    return z.looseObject({ name: z.string(), from: z.string().nullish(), to: z.string().nullish() });
}

/** `models.Event`, read tolerantly: unknown fields kept, enums read as text (Lookout adds members). */
export function lookoutEventSchema() {
    const ref = z.looseObject({ guid: z.string().nullish(), type: z.string().nullish() });
    const status = z.looseObject({
        activation_status: z.string().nullish(),
        protection_status: z.string().nullish(),
        security_status: z.string().nullish(),
    });
    return z.looseObject({
        id: z.string(),
        type: z.string(),
        change_type: z.string().nullish(),
        created_time: z.string().nullish(),
        enterprise_guid: z.string().nullish(),
        actor: ref.nullish(),
        target: ref.nullish(),
        device: z
            .looseObject({
                guid: z.string().nullish(),
                platform: z.string().nullish(),
                status: status.nullish(),
                info: z.looseObject({ email: z.string().nullish() }).nullish(),
            })
            .nullish(),
        threat: z
            .looseObject({
                guid: z.string().nullish(),
                severity: z.string().nullish(),
                status: z.string().nullish(),
                type: z.string().nullish(),
                classifications: z.array(z.string()).nullish(),
            })
            .nullish(),
        audit: z
            .looseObject({ type: z.string().nullish(), attribute_changes: z.array(attributeChangeSchema()).nullish() })
            .nullish(),
    });
}
export type LookoutEvent = z.infer<ReturnType<typeof lookoutEventSchema>>;

/** The `data:` of an `event` message: `{"events": [...]}`, the message's `id` being the last one's. */
export function eventBatchSchema() {
    return z.looseObject({ events: z.array(lookoutEventSchema()) });
}

// ---------------------------------------------------------------------------------------------
// The audited-attribute mapping: an ASSUMPTION. Lookout publishes no attribute names for these.
// ---------------------------------------------------------------------------------------------

/** A setting of the connector as the stack declares it, by the contract's field (`stateSync` split in two). */
export type ConnectorSetting =
    Exclude<keyof IntuneConnectorSettings, "stateSync"> | "stateSync.deviceStatus" | "stateSync.threatStatus";

/** MDM_CONNECTOR (target CONNECTOR): the attribute each connector setting's change carries. */
export const connectorAuditAttributes: Readonly<Record<ConnectorSetting, string>> = {
    heartbeatFrequencyMinutes: "heartbeat_frequency",
    enrollmentGroups: "enrollment_groups",
    newDeviceCheckIntervalMinutes: "new_device_check_interval",
    disconnectedDeviceThresholdDays: "disconnected_device_threshold",
    "stateSync.deviceStatus": "device_status_sync",
    "stateSync.threatStatus": "threat_status_sync",
    errorReportEmail: "error_report_email",
};

/**
 * A console user's preferences (System > Preferences) are audited as ADMIN (target ADMIN, the
 * user's guid) with `email_notifications`, the user named by an unchanged `email` attribute
 * (from = to = the address). Other ADMIN attributes (a role, a name) are no setting of the stack.
 */
export const notificationAuditAttributes = { emailNotifications: "email_notifications", user: "email" } as const;

/** A threat classification's change is audited as CLASSIFICATION_POLICY, one attribute per classification, named as the catalogue names it, its level upper-case (NONE, LOW, MEDIUM, HIGH: the Swagger's severities). */
export const classificationAuditType = "CLASSIFICATION_POLICY";

/** The audit types the drift check reads, and whether an attribute the mapping lacks is reported (the stack owns the whole page) or left alone. */
export const watchedAuditTypes: Readonly<Record<string, { unknownAttributes: "report" | "ignore" }>> = {
    MDM_CONNECTOR: { unknownAttributes: "report" },
    [classificationAuditType]: { unknownAttributes: "report" },
    ADMIN: { unknownAttributes: "ignore" },
};

/** What an audited attribute is a change of. */
export type AuditedSetting =
    | { page: "connector"; setting: ConnectorSetting }
    | { page: "classifications"; classification: string }
    | { page: "notifications"; email: string };

/** A value as an attribute change spells it: numbers in decimal, booleans `true`/`false`, lists as JSON, unset empty. */
export function auditValue(value: unknown): string {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return JSON.stringify(value);
    return String(value);
}

/** A risk level as an attribute change spells it. */
export const auditRiskLevel = (level: RiskLevel | string): string => level.toUpperCase();

/** The attribute changes of one connector document replacing another (`null`: none), in the mapping's order. */
export function connectorAttributeChanges(
    before: IntuneConnectorSettings | null,
    after: IntuneConnectorSettings | null,
): Array<{ name: string; from: string; to: string }> {
    const valueOf = (doc: IntuneConnectorSettings | null, setting: ConnectorSetting) =>
        doc === null
            ? ""
            : auditValue(
                  setting === "stateSync.deviceStatus"
                      ? doc.stateSync.deviceStatus
                      : setting === "stateSync.threatStatus"
                        ? doc.stateSync.threatStatus
                        : doc[setting],
              );
    return (Object.keys(connectorAuditAttributes) as ConnectorSetting[])
        .map((setting) => ({
            name: connectorAuditAttributes[setting],
            from: valueOf(before, setting),
            to: valueOf(after, setting),
        }))
        .filter((c) => c.from !== c.to);
}

/**
 * What an audited attribute of an AUDIT event is a change of: a setting, `unknown` for an attribute
 * of a watched type the mapping lacks, or undefined for one that is no setting this project
 * declares (another audit type, another ADMIN attribute).
 */
export function auditedSettingOf(
    auditType: string,
    attribute: string,
    changes: ReadonlyArray<{ name: string; from?: string | null; to?: string | null }>,
    knownClassifications: readonly string[],
): AuditedSetting | "unknown" | undefined {
    if (auditType === "MDM_CONNECTOR") {
        const setting = (Object.keys(connectorAuditAttributes) as ConnectorSetting[]).find(
            (s) => connectorAuditAttributes[s] === attribute,
        );
        return setting ? { page: "connector", setting } : "unknown";
    }
    if (auditType === classificationAuditType)
        return knownClassifications.includes(attribute)
            ? { page: "classifications", classification: attribute }
            : "unknown";
    if (auditType === "ADMIN") {
        if (attribute !== notificationAuditAttributes.emailNotifications) return undefined;
        const user = changes.find((c) => c.name === notificationAuditAttributes.user);
        const email = user?.to || user?.from;
        return email ? { page: "notifications", email: email.toLowerCase() } : "unknown";
    }
    return undefined;
}

/** Whether an audited value (`to` of a change) is the declared one: lists compared as sets, levels and booleans ignoring case. */
export function auditValueMatches(declared: unknown, audited: string | null | undefined): boolean {
    const raw = audited ?? "";
    if (Array.isArray(declared)) {
        let list: unknown;
        try {
            list = JSON.parse(raw);
        } catch {
            return false;
        }
        if (!Array.isArray(list)) return false;
        const want = new Set(declared.map(String));
        return list.length === want.size && list.every((v) => want.has(String(v)));
    }
    return auditValue(declared).toLowerCase() === raw.toLowerCase();
}
