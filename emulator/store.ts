/**
 * The emulator's in-memory model of Lookout tenants, with optional persistence to a JSON file.
 * Each settings document carries a version that the HTTP layer exposes as an ETag.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
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

export interface Tenant {
    id: string;
    name: string;
    /** Application keys are kept as given: this is a test double, its keys protect nothing real. */
    applicationKeys: string[];
    intuneConnector: Versioned<IntuneConnectorSettings> | null;
    notificationPreferences: Record<string, Versioned<NotificationPreferences>>;
    threatClassifications: Versioned<Record<string, RiskLevel>>;
}

export interface StoreSnapshot {
    tenants: Tenant[];
}

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
            tenants = (JSON.parse(readFileSync(stateFile, "utf8")) as StoreSnapshot).tenants;
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
        addTenant(name: string, applicationKey = newApplicationKey()): Tenant {
            const tenant: Tenant = {
                id: randomUUID(),
                name,
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
        /** A public view of a tenant for tests and the demo: settings only, never keys. */
        describe(tenant: Tenant) {
            const { applicationKeys: _keys, ...settings } = tenant;
            return settings;
        },
    };
}

export type Store = ReturnType<typeof createStore>;
