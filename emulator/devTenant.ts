/**
 * The tenant the `dev` stack (Pulumi.dev.yaml) expects in the emulator, made to look like a real
 * one: its Entra tenant ID, the groups and users its config names, and Intune objects the stack did
 * not create (a Windows compliance policy another admin made, and a Lookout MTD connector set up
 * before, with Windows and Defender settings the stack does not manage). `npm run emulator` and
 * `npm run demo` create it.
 */
import { completeEntity, computedProperties, mtdConnectorProperties, settableProperties, windows81CompliancePolicyProperties } from "../contract/graph/entities";
import { lookoutMtdConnectorId } from "../contract/graph/schemas";
import type { Directory, Tenant } from "./store";

export const devEntraTenantId = "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10";

export function devDirectory(): Directory {
    const group = (id: string, displayName: string, members: string[]) => ({ id, displayName, securityEnabled: true, mailEnabled: false, members });
    return {
        users: [
            { id: "0a6b2c1d-1111-4e2f-8a3b-000000000001", userPrincipalName: "alex@contoso.example", displayName: "Alex Wilber" },
            { id: "0a6b2c1d-1111-4e2f-8a3b-000000000002", userPrincipalName: "sam@contoso.example", displayName: "Sam Taylor" },
        ],
        groups: [
            group("1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e", "Lookout MTP Admins", ["0a6b2c1d-1111-4e2f-8a3b-000000000001"]),
            group("2c7a3d4e-9f0b-4c6d-8e1f-2a3b4c5d6e7f", "Lookout MTP Analysts", ["0a6b2c1d-1111-4e2f-8a3b-000000000002"]),
            group("3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "Lookout Pilot", ["0a6b2c1d-1111-4e2f-8a3b-000000000001", "0a6b2c1d-1111-4e2f-8a3b-000000000002"]),
            group("4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091", "Sales Mobile", ["0a6b2c1d-1111-4e2f-8a3b-000000000002"]),
        ],
    };
}

const windowsPolicyId = "9d41a4b5-6071-4d34-9f80-91a2b3c4d5e6";

/** A policy of a type the stack never manages, which every list of the tenant's policies holds. */
function windowsPolicyByAnotherAdmin() {
    const at = "2024-03-04T09:15:00Z";
    return {
        body: {
            ...completeEntity(windows81CompliancePolicyProperties, {
                displayName: "Windows 8.1 baseline (IT)",
                description: "Made in the Intune portal by the workplace team",
                createdDateTime: at,
                lastModifiedDateTime: at,
                version: 3,
                passwordRequired: true,
                passwordMinimumLength: 8,
                storageRequireEncryption: true,
            }),
            "@odata.type": "#microsoft.graph.windows81CompliancePolicy",
            id: windowsPolicyId,
        },
        assignments: [],
    };
}

/** Lookout's connector as an earlier, manual onboarding left it: its Windows and Defender settings are not the stack's. */
function existingLookoutConnector() {
    return {
        ...completeEntity(settableProperties(mtdConnectorProperties, computedProperties.mtdConnector), {
            windowsEnabled: true,
            windowsDeviceBlockedOnMissingPartnerData: true,
            microsoftDefenderForEndpointAttachEnabled: true,
            partnerUnresponsivenessThresholdInDays: 7,
        }),
        id: lookoutMtdConnectorId,
    };
}

/** Gives a new tenant what the dev tenant holds before the stack first runs. */
export function seedDevTenant(tenant: Tenant): void {
    tenant.directory = devDirectory();
    tenant.compliancePolicies[windowsPolicyId] = windowsPolicyByAnotherAdmin();
    tenant.mtdConnectors[lookoutMtdConnectorId] = existingLookoutConnector();
}
