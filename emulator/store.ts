/**
 * The emulator's in-memory model of Lookout tenants, with optional persistence to a JSON file.
 * Each settings document carries a version that the HTTP layer exposes as an ETag.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { MtdConnectorSettings } from "../contract/graph/schemas";
import {
    type IntuneConnectorSettings,
    type NotificationPreferences,
    type RiskLevel,
    threatClassificationCatalogue,
} from "../contract/lookout/schemas";

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

export interface StoredCompliancePolicy {
    body: Record<string, unknown> & { id: string; "@odata.type": string };
    assignments: Array<{ id: string; target: { "@odata.type": string; groupId: string } }>;
}

/** Graph application permissions a new app gets unless a test asks for fewer. */
export const allGraphRoles = [
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "GroupMember.Read.All",
];

/** The slice of an Entra directory the stack reads: groups with their members, and users. */
export interface Directory {
    users: Array<{ id: string; userPrincipalName: string }>;
    groups: Array<{ id: string; displayName: string; securityEnabled: boolean; mailEnabled: boolean; members: string[] }>;
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
    mtdConnectors: Record<string, MtdConnectorSettings & { id: string }>;
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
                mtdConnectors: t.mtdConnectors ?? {},
                compliancePolicies: t.compliancePolicies ?? {},
                lookoutHeartbeat: t.lookoutHeartbeat ?? { since: null, stoppedAt: null, frequencyMinutes: 60 },
            }));
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
                throw new Error(`emulator state file ${stateFile} is unreadable: ${(err as Error).message}`);
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
