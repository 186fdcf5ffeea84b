/**
 * The emulator's in-memory model of tenants (Lookout settings, and the Entra and Intune objects the
 * emulated Graph serves), with optional persistence to a JSON file. Each Lookout settings document
 * carries a version that the HTTP layer exposes as an ETag; Graph entities are kept whole, every
 * v1.0 property of their type (contract/graph/entities.ts).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { completeEntity, compliancePolicyEntityTypes, computedProperties, mtdConnectorProperties, settableProperties } from "../contract/graph/entities";
import { type IntuneConnectorSettings, type NotificationPreferences, type RiskLevel, threatClassificationCatalogue } from "../contract/lookout/schemas";

export interface Versioned<T> {
    value: T;
    version: number;
}

/** An app registration that may call the emulated Graph, with the application permissions it was granted. */
export interface GraphApp {
    clientId: string;
    clientSecret: string;
    roles: string[];
}

/** A Graph entity as stored: every property of its v1.0 type. */
export type StoredEntity = Record<string, unknown> & { id: string };

/** An assignment target as stored, its `@odata.type` always with Graph's leading `#`. */
export type StoredAssignmentTarget = Record<string, unknown> & { "@odata.type": string; groupId?: string | null };

export interface StoredCompliancePolicy {
    body: StoredEntity & { "@odata.type": string };
    assignments: Array<{ id: string; target: StoredAssignmentTarget }>;
}

/** Graph application permissions a new app gets unless a test asks for fewer. */
export const allGraphRoles = ["DeviceManagementServiceConfig.ReadWrite.All", "DeviceManagementConfiguration.ReadWrite.All", "GroupMember.Read.All"];

/**
 * The slice of an Entra directory the emulated Graph serves: groups with their members, and the
 * users, devices and service principals they may hold. Objects may carry more of their v1.0
 * properties (e.g. a group's `mailNickname`); what is absent reads as Graph's unset value.
 */
export interface Directory {
    users: Array<{ id: string; userPrincipalName: string; displayName?: string; mail?: string | null; [property: string]: unknown }>;
    groups: DirectoryGroupRecord[];
    devices?: Array<{ id: string; displayName: string; [property: string]: unknown }>;
    servicePrincipals?: Array<{ id: string; displayName: string; appId?: string; [property: string]: unknown }>;
}

export interface DirectoryGroupRecord {
    id: string;
    displayName: string;
    securityEnabled: boolean;
    mailEnabled: boolean;
    /** Object IDs of direct members: users, groups, devices or service principals of this directory. */
    members: string[];
    /**
     * How many more user members the group has, generated on request with deterministic IDs and
     * never stored, so a group of 100,000 users costs a page per request.
     */
    generatedUsers?: number;
    [property: string]: unknown;
}

export interface Tenant {
    id: string;
    name: string;
    /** The Entra tenant this Lookout tenant belongs to (the emulated Graph's tenant). */
    entraTenantId: string;
    /** Application keys are kept as given: this is a test double, its keys protect nothing real. */
    applicationKeys: string[];
    /** Scopes of keys created with fewer than all (see `lookoutScopes`); other keys have all. */
    keyScopes?: Record<string, string[]>;
    intuneConnector: Versioned<IntuneConnectorSettings> | null;
    notificationPreferences: Record<string, Versioned<NotificationPreferences>>;
    threatClassifications: Versioned<Record<string, RiskLevel>>;
    graphApps: GraphApp[];
    mtdConnectors: Record<string, StoredEntity>;
    compliancePolicies: Record<string, StoredCompliancePolicy>;
    directory: Directory;
    /** When Lookout's Intune connector started and stopped heartbeating to Intune (emulator clock, ISO). */
    lookoutHeartbeat: { since: string | null; stoppedAt: string | null; frequencyMinutes: number };
}

export interface StoreSnapshot {
    tenants: Tenant[];
}

/** What a Lookout application key may do with the console settings. */
export const lookoutScopes = ["settings:read", "settings:write"] as const;

export function defaultRiskLevels(): Record<string, RiskLevel> {
    return Object.fromEntries(threatClassificationCatalogue.map((c) => [c.name, c.defaultRiskLevel]));
}

export function newApplicationKey(): string {
    return "lk_" + randomBytes(24).toString("base64url");
}

/** Connectors written before the emulator kept whole entities get the properties they lack. */
function completeConnectors(connectors: Record<string, StoredEntity>): Record<string, StoredEntity> {
    const settable = settableProperties(mtdConnectorProperties, computedProperties.mtdConnector);
    return Object.fromEntries(Object.entries(connectors).map(([id, connector]) => [id, { ...completeEntity(settable, connector), id }]));
}

/** Policies written before the emulator kept whole entities get the properties their type lacks. */
function completePolicies(policies: Record<string, StoredCompliancePolicy>): Record<string, StoredCompliancePolicy> {
    return Object.fromEntries(
        Object.entries(policies).map(([id, policy]) => {
            const properties = compliancePolicyEntityTypes[policy.body["@odata.type"]];
            const body = properties
                ? { ...completeEntity(properties, { lastModifiedDateTime: policy.body.createdDateTime, ...policy.body }), "@odata.type": policy.body["@odata.type"], id }
                : policy.body;
            return [id, { ...policy, body }];
        }),
    );
}

export function createStore(stateFile?: string) {
    let tenants: Tenant[] = [];
    if (stateFile) {
        try {
            // Files written before a field existed get its empty value.
            tenants = (JSON.parse(readFileSync(stateFile, "utf8")) as StoreSnapshot).tenants.map((t) => ({
                ...t,
                entraTenantId: t.entraTenantId ?? t.id,
                graphApps: t.graphApps ?? [],
                directory: t.directory ?? { users: [], groups: [] },
                mtdConnectors: completeConnectors(t.mtdConnectors ?? {}),
                compliancePolicies: completePolicies(t.compliancePolicies ?? {}),
                lookoutHeartbeat: t.lookoutHeartbeat ?? { since: null, stoppedAt: null, frequencyMinutes: 60 },
            }));
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
                throw new Error(`emulator state file ${stateFile} is unreadable: ${(err as Error).message}`, { cause: err });
            }
        }
    }

    function persist() {
        if (!stateFile) return;
        const tmp = `${stateFile}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ tenants } satisfies StoreSnapshot, null, 2));
        renameSync(tmp, stateFile);
    }

    return {
        persist,
        addTenant(name: string, applicationKey = newApplicationKey(), entraTenantId: string = randomUUID()): Tenant {
            const tenant: Tenant = {
                id: randomUUID(),
                name,
                entraTenantId,
                graphApps: [],
                directory: { users: [], groups: [] },
                mtdConnectors: {},
                compliancePolicies: {},
                lookoutHeartbeat: { since: null, stoppedAt: null, frequencyMinutes: 60 },
                applicationKeys: [applicationKey],
                intuneConnector: null,
                notificationPreferences: {},
                threatClassifications: { value: defaultRiskLevels(), version: 1 },
            };
            tenants.push(tenant);
            persist();
            return tenant;
        },
        tenants: () => tenants,
        tenantById: (id: string) => tenants.find((t) => t.id === id),
        tenantByKey: (key: string) => tenants.find((t) => t.applicationKeys.includes(key)),
        tenantByEntraId: (entraTenantId: string) => tenants.find((t) => t.entraTenantId === entraTenantId),
        /** Adds an application key limited to `scopes`; returns it. */
        addLimitedKey(tenant: Tenant, scopes: string[]): string {
            const key = newApplicationKey();
            tenant.applicationKeys.push(key);
            tenant.keyScopes = { ...(tenant.keyScopes ?? {}), [key]: scopes };
            persist();
            return key;
        },
        /** Registers an app that may call Graph in this tenant; returns its credentials. */
        addGraphApp(tenant: Tenant, roles: string[] = allGraphRoles): GraphApp {
            const app = { clientId: randomUUID(), clientSecret: "gs_" + randomBytes(24).toString("base64url"), roles };
            tenant.graphApps.push(app);
            persist();
            return app;
        },
        /** A public view of a tenant for tests and the demo: settings only, never keys. */
        describe(tenant: Tenant) {
            const { applicationKeys: _keys, keyScopes: _scopes, graphApps: _apps, ...settings } = tenant;
            return settings;
        },
    };
}

export type Store = ReturnType<typeof createStore>;
