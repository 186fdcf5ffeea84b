/**
 * The emulator's in-memory model of tenants (Lookout settings, and the Entra and Intune objects the
 * emulated Graph serves), with optional persistence to a JSON file. Each Lookout settings document
 * carries a version that the HTTP layer exposes as an ETag; Graph entities are kept whole, every
 * v1.0 property of their type (contract/graph/entities.ts).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import {
    completeEntity,
    compliancePolicyEntityTypes,
    computedProperties,
    mtdConnectorProperties,
    settableProperties,
} from "../contract/graph/entities";
import { microsoftGraphAppRoles } from "../contract/graph/microsoftGraphPermissions";
import type { MraSecurityStatus } from "../contract/lookout/mra";
import {
    type IntuneConnectorSettings,
    type NotificationPreferences,
    type RiskLevel,
    threatClassificationCatalogue,
} from "../contract/lookout/schemas";

/** One device as seeded (emulator/devices.ts computes what Lookout and Intune show of it over time). */
export interface EmulatedDevice {
    /** Intune's managed device ID. */
    id: string;
    userId: string;
    userPrincipalName: string;
    deviceName: string;
    operatingSystem: "iOS" | "Android";
    osVersion: string;
    /** When it enrolled in Intune (ISO, emulator clock). */
    enrolledDateTime: string;
    /** Minutes from Lookout listing the device to the user opening Lookout for Work; null: never opened. */
    activatesAfterMinutes: number | null;
    /** Minutes from activation to the app being removed; null or absent: never. */
    disconnectsAfterMinutes?: number | null;
    /** Lookout's verdict once activated, at Lookout's default classification levels (a threat verdict is an open threat: emulator/devices.ts). */
    security: MraSecurityStatus;
    /** The console classification of its open threat, when the seed names one (otherwise one whose default level is `security`). */
    threatClassification?: string;
    /** Deactivated in the Lookout console. */
    deactivated?: boolean;
    /** Minutes from Lookout listing the device to an admin deactivating it in the console; null or absent: never. */
    deactivatesAfterMinutes?: number | null;
}

/** One AUDIT event of Lookout's event stream, as the emulator keeps it (emulator/lookout/events.ts). */
export interface StoredAuditEvent {
    /** A UUIDv7 of `at`, ordered with every other event of the tenant. */
    id: string;
    at: number;
    changeType: "CREATED" | "UPDATED" | "DELETED";
    actor: { guid: string; type: string };
    target: { guid: string; type: string };
    auditType: string;
    changes: Array<{ name: string; from: string; to: string }>;
}

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

/** A person who may sign in to the tenant (delegated tokens), with what Entra and Intune let them do. */
export interface SignInUser {
    userPrincipalName: string;
    /** A test double's password: it protects nothing real. */
    password: string;
    /** Directory role template IDs (the token's `wids`), e.g. Global Administrator. */
    wids: string[];
    /** Intune RBAC roles (e.g. "Endpoint Security Manager"): Intune checks them, no token carries them. */
    intuneRoles?: string[];
}

/** A Graph entity as stored: every property of its v1.0 type. */
export type StoredEntity = Record<string, unknown> & { id: string };

/** An assignment target as stored, its `@odata.type` always with Graph's leading `#`. */
export type StoredAssignmentTarget = Record<string, unknown> & { "@odata.type": string; groupId?: string | null };

export interface StoredCompliancePolicy {
    body: StoredEntity & { "@odata.type": string };
    assignments: Array<{ id: string; target: StoredAssignmentTarget }>;
}

export interface StoredMobileApp {
    /** Every property of its type, beta's for a type only beta defines (contract/graph/entities.ts). */
    body: StoredEntity & { "@odata.type": string };
    assignments: Array<{
        id: string;
        intent: string;
        target: StoredAssignmentTarget;
        settings: Record<string, unknown> | null;
    }>;
}

/**
 * A multi-tenant app's service principal in this tenant, with what consent granted it: Microsoft
 * Graph application permissions (app role assignments) and delegated scopes (permission grants).
 * Kept apart from `directory`, which tests replace whole, as consent outlives a directory change.
 */
export interface StoredServicePrincipal {
    id: string;
    appId: string;
    displayName: string;
    accountEnabled: boolean;
    /** On Microsoft Graph unless `resourceId` names another API's service principal. */
    appRoleAssignments: Array<{ id: string; appRoleId: string; createdDateTime: string; resourceId?: string }>;
    /** Delegated grants, on Microsoft Graph unless `resourceId` says otherwise: `AllPrincipals` (admin consent) or `Principal` (one user's). */
    permissionGrants: Array<{
        id: string;
        consentType: "AllPrincipals" | "Principal";
        principalId: string | null;
        scope: string;
        resourceId?: string;
    }>;
}

/** Graph application permissions a new app gets unless a test asks for fewer. */
export const allGraphRoles = [
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
    "GroupMember.Read.All",
    "Application.Read.All",
    "Directory.Read.All",
    "Policy.Read.All",
    "Policy.ReadWrite.ConditionalAccess",
];

/**
 * The slice of an Entra directory the emulated Graph serves: groups with their members, and the
 * users, devices and service principals they may hold. Objects may carry more of their v1.0
 * properties (e.g. a group's `mailNickname`); what is absent reads as Graph's unset value.
 */
export interface Directory {
    users: Array<{
        id: string;
        userPrincipalName: string;
        displayName?: string;
        mail?: string | null;
        [property: string]: unknown;
    }>;
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
    /** Keys that act as a console user (their address): what they change is audited as that admin's, not the key's. */
    consoleUserKeys?: Record<string, string>;
    /** Lookout's audit trail of console changes, the AUDIT events of its event stream (at most its 10-day horizon). */
    auditLog?: StoredAuditEvent[];
    /** The last sequence number given to an event of the tenant's stream (its ids' ordering). */
    eventSequence?: number;
    intuneConnector: Versioned<IntuneConnectorSettings> | null;
    notificationPreferences: Record<string, Versioned<NotificationPreferences>>;
    threatClassifications: Versioned<Record<string, RiskLevel>>;
    graphApps: GraphApp[];
    /** People who may sign in (delegated tokens). */
    signInUsers?: SignInUser[];
    /** Public clients known to the tenant, each with the delegated Graph scopes consented for it tenant-wide. */
    publicClients?: Record<string, string[]>;
    mtdConnectors: Record<string, StoredEntity>;
    compliancePolicies: Record<string, StoredCompliancePolicy>;
    /** Conditional Access policies, stored whole (graph/conditionalAccess.ts); absent in a store saved before them. */
    conditionalAccessPolicies?: Record<string, StoredEntity>;
    mobileApps: Record<string, StoredMobileApp>;
    /** iOS and Android app protection policies, by id (graph/appProtection.ts); none when absent. */
    appProtections?: Record<string, StoredAppProtection>;
    directory: Directory;
    /** Service principals of multi-tenant apps consented to in this tenant (Microsoft Graph's own is implied, see graph/servicePrincipals.ts). */
    servicePrincipals: StoredServicePrincipal[];
    /** Devices of the tenant's users, as Intune manages them and Lookout lists them (emulator/devices.ts). */
    devices?: EmulatedDevice[];
    /**
     * What this tenant's Lookout endpoint serves: `contract` (default), this project's console-settings
     * contract and Lookout's public API; `public`, only what Lookout's real service serves (the token
     * exchange and the Mobile Risk API), so every settings route answers 404.
     */
    lookoutApi?: "contract" | "public";
    /** When Lookout's Intune connector started and stopped heartbeating to Intune (emulator clock, ISO). */
    lookoutHeartbeat: { since: string | null; stoppedAt: string | null; frequencyMinutes: number };
}

/** An app protection policy: its platform, and its properties as set (v1.0's, and beta's once written). */
export interface StoredAppProtection {
    platform: "ios" | "android";
    body: Record<string, unknown> & { id: string };
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
    return Object.fromEntries(
        Object.entries(connectors).map(([id, connector]) => [id, { ...completeEntity(settable, connector), id }]),
    );
}

/** Policies written before the emulator kept whole entities get the properties their type lacks. */
function completePolicies(policies: Record<string, StoredCompliancePolicy>): Record<string, StoredCompliancePolicy> {
    return Object.fromEntries(
        Object.entries(policies).map(([id, policy]) => {
            const properties = compliancePolicyEntityTypes[policy.body["@odata.type"]];
            const body = properties
                ? {
                      ...completeEntity(properties, {
                          lastModifiedDateTime: policy.body.createdDateTime,
                          ...policy.body,
                      }),
                      "@odata.type": policy.body["@odata.type"],
                      id,
                  }
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
                mobileApps: t.mobileApps ?? {},
                servicePrincipals: t.servicePrincipals ?? [],
                lookoutHeartbeat: t.lookoutHeartbeat ?? { since: null, stoppedAt: null, frequencyMinutes: 60 },
            }));
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
                throw new Error(`emulator state file ${stateFile} is unreadable: ${(err as Error).message}`, {
                    cause: err,
                });
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
                mobileApps: {},
                servicePrincipals: [],
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
        /** Adds an application key that acts as the console user `email` (what it changes is that admin's change); returns it. */
        addConsoleUserKey(tenant: Tenant, email: string): string {
            const key = newApplicationKey();
            tenant.applicationKeys.push(key);
            tenant.consoleUserKeys = { ...(tenant.consoleUserKeys ?? {}), [key]: email };
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
        /**
         * What an admin's consent to a multi-tenant app leaves in the tenant: its service principal (kept
         * when it exists), the application permissions as app role assignments on Microsoft Graph, and
         * the delegated scopes as one grant for all users (`consentType`), replacing earlier grants.
         */
        grantConsent(
            tenant: Tenant,
            consent: {
                appId: string;
                displayName: string;
                applicationPermissions: string[];
                delegatedScopes: string[];
                consentType?: "AllPrincipals" | "Principal";
            },
        ): StoredServicePrincipal {
            let sp = tenant.servicePrincipals.find((p) => p.appId === consent.appId);
            if (!sp) {
                sp = {
                    id: randomUUID(),
                    appId: consent.appId,
                    displayName: consent.displayName,
                    accountEnabled: true,
                    appRoleAssignments: [],
                    permissionGrants: [],
                };
                tenant.servicePrincipals.push(sp);
            }
            const at = new Date().toISOString();
            sp.appRoleAssignments = consent.applicationPermissions.map((name) => {
                const appRoleId = microsoftGraphAppRoles[name];
                if (!appRoleId)
                    throw new Error(
                        `Microsoft Graph publishes no application permission '${name}' in the emulator's table`,
                    );
                return { id: randomBytes(32).toString("base64url").slice(0, 43), appRoleId, createdDateTime: at };
            });
            const consentType = consent.consentType ?? "AllPrincipals";
            sp.permissionGrants =
                consent.delegatedScopes.length === 0
                    ? []
                    : [
                          {
                              id: randomBytes(32).toString("base64url").slice(0, 43),
                              consentType,
                              principalId: consentType === "Principal" ? randomUUID() : null,
                              scope: consent.delegatedScopes.join(" "),
                          },
                      ];
            persist();
            return sp;
        },
        /** A public view of a tenant for tests and the demo: settings only, never keys. */
        describe(tenant: Tenant) {
            const {
                applicationKeys: _keys,
                keyScopes: _scopes,
                consoleUserKeys: _users,
                graphApps: _apps,
                ...settings
            } = tenant;
            return settings;
        },
    };
}

export type Store = ReturnType<typeof createStore>;
