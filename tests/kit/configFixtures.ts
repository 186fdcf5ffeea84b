import { devDirectory, devLookoutClientId } from "../../emulator/devTenant";
import type { Directory } from "../../emulator/store";
import { parseStackConfig, type StackConfig } from "../../config/stackConfig";
/** A valid stack config in the shape `pulumi.runtime.allConfig()` returns, for tests to break one key at a time. */
export const referenceTenantId = "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10";

export function validReferenceConfig(): Record<string, unknown> {
    return {
        "lookout:baseUrl": "http://127.0.0.1:8787",
        "lookout-mtp:entra": { mode: "reference", tenantId: referenceTenantId },
        // The emulated tenants of the tests hold Lookout's consent for this client ID (tests/kit/lookoutEmulator.ts).
        "lookout-mtp:consent": { lookoutClientId: devLookoutClientId },
        "lookout-mtp:consoleAccess": {
            full: { displayName: "Lookout MTP Admins", objectId: "1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e" },
            restricted: { displayName: "Lookout MTP Analysts", objectId: "2c7a3d4e-9f0b-4c6d-8e1f-2a3b4c5d6e7f" },
        },
        "lookout-mtp:enrollmentGroups": [
            { displayName: "Lookout Pilot", objectId: "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80" },
            { displayName: "Sales Mobile", objectId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091" },
        ],
        "lookout-mtp:connector": {
            heartbeatFrequencyMinutes: 60,
            disconnectedDeviceThresholdDays: 30,
            errorReportEmail: "mobile-security@contoso.example",
        },
        "lookout-mtp:notifications": [{ email: "secops@contoso.example", emailNotifications: true }],
        "lookout-mtp:threatClassifications": { SIDELOADED_APP: "high" },
        "graph:baseUrl": "http://127.0.0.1:8787/graph/v1.0",
        "graph:authorityHost": "http://127.0.0.1:8787/entra",
        "lookout-mtp:intune": {
            mtdConnector: {
                androidEnabled: true,
                iosEnabled: true,
                partnerUnsupportedOsVersionBlocked: true,
                partnerUnresponsivenessThresholdInDays: 7,
            },
            compliancePolicies: [
                { platform: "androidWorkProfile", requiredSecurityLevel: "medium" },
                { platform: "ios", requiredSecurityLevel: "low" },
            ],
        },
    };
}

export function validManageConfig(): Record<string, unknown> {
    return {
        "lookout-mtp:consent": { lookoutClientId: devLookoutClientId },
        "lookout-mtp:consoleAccess": {
            full: { displayName: "Lookout MTP Admins", create: true, members: ["alex@contoso.com"] },
        },
        "lookout-mtp:enrollmentGroups": [
            { displayName: "Lookout Pilot", create: true, members: ["alex@contoso.com", "sam@contoso.com"] },
            { displayName: "Sales Mobile" },
        ],
        "lookout-mtp:connector": { heartbeatFrequencyMinutes: 30, errorReportEmail: "mobile-security@contoso.com" },
    };
}

/** Encodes values the way the engine hands them to a program: objects as JSON strings. */
export function asRawConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/** Lookout Intune connector settings as the contract stores them, for tests that need one in the emulator. */
export function sampleConnectorSettings() {
    return {
        heartbeatFrequencyMinutes: 60,
        enrollmentGroups: ["Lookout Pilot"],
        newDeviceCheckIntervalMinutes: 5,
        disconnectedDeviceThresholdDays: null,
        stateSync: { deviceStatus: true, threatStatus: true },
        errorReportEmail: "sec@contoso.example",
    };
}

/** The dev-like config in graph mode: groups found through Microsoft Graph, one of them pinned by object ID. */
export function validGraphConfig(): Record<string, unknown> {
    return {
        ...validReferenceConfig(),
        "lookout-mtp:entra": { mode: "graph" },
        "lookout-mtp:consoleAccess": {
            full: { displayName: "Lookout MTP Admins" },
            restricted: { displayName: "Lookout MTP Analysts" },
        },
        "lookout-mtp:enrollmentGroups": [
            { displayName: "Lookout Pilot" },
            { displayName: "Sales Mobile", objectId: "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091" },
        ],
    };
}

/** Graph mode with the endpoints left out, for a test stack to aim at its own emulator. */
export function graphModeConfigForStack(): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(validGraphConfig()).filter(([key]) => !/^(lookout:baseUrl|graph:)/.test(key)),
    );
}

/**
 * An Entra directory matching the fixtures (the dev tenant's groups, same object IDs as the
 * reference config), plus groups that must be refused: a nested one, a mail-enabled one, and two
 * sharing a name.
 */
export function sampleDirectory(): Directory {
    const dev = devDirectory();
    const [alex] = dev.users;
    const group = (id: string, displayName: string, members: string[], mailEnabled = false) => ({
        id,
        displayName,
        securityEnabled: true,
        mailEnabled,
        members,
    });
    return {
        users: dev.users,
        groups: [
            ...dev.groups,
            group("5f0d6071-2c3e-4f90-9b4c-5d6e7f809100", "Field Mobile", [
                alex.id,
                "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091",
            ]),
            group("6a1e7182-3d4f-4a01-8c5d-6e7f8091a2b3", "Newsletter", [alex.id], true),
            group("7b2f8293-4e5a-4b12-9d6e-7f8091a2b3c4", "Shared Mobile", []),
            group("8c309304-5f6b-4c23-8e7f-8091a2b3c4d5", "Shared Mobile", []),
        ],
    };
}

/** A fixture parsed as the program parses stack config (every key taken as a secret where it must be). */
export function parsedConfig(raw: Record<string, unknown>): StackConfig {
    const result = parseStackConfig(asRawConfig(raw), () => true);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    return result.config;
}
