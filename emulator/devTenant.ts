/**
 * The tenant the `dev` stack (Pulumi.dev.yaml) expects in the emulator, made to look like a real
 * one: its Entra tenant ID, the groups and users its config names, Lookout's app with the admin
 * consent a Global Administrator gave it, and Intune objects the stack did not create (a Windows
 * compliance policy another admin made, a Lookout MTD connector set up before, with Windows and
 * Defender settings the stack does not manage, Microsoft Authenticator added before and offered to
 * all users, and Lookout for Work approved in managed Google Play), and the phones of about 200
 * users enrolled in Intune. `npm run emulator` and
 * `npm run demo` create it.
 */
import {
    completeEntity,
    computedProperties,
    iosStoreAppProperties,
    iosStoreAppType,
    mtdConnectorProperties,
    settableProperties,
    windows81CompliancePolicyProperties,
} from "../contract/graph/entities";
import { lookoutApps } from "../contract/graph/lookoutApps";
import { iosMinimumOs } from "../contract/graph/mobileApps";
import { lookoutMtdConnectorId } from "../contract/graph/schemas";
import { lookoutApplicationPermissions, lookoutDelegatedScopes } from "../contract/graph/servicePrincipals";
import {
    azureCliAppId,
    globalAdministratorRoleId,
    graphCommandLineToolsAppId,
    runDelegatedScopes,
} from "../contract/graph/signIn";
import { randomBytes } from "node:crypto";
import {
    conditionalAccessComplexUnset,
    conditionalAccessConditionSetUnset,
    conditionalAccessPolicyUnset,
} from "../contract/graph/conditionalAccess";
import { approveManagedGooglePlayApp } from "./graph/apps";
import { seedDevices } from "./devices";
import { devAppProtectionPolicies } from "./devAppProtection";
import type { Directory, SignInUser, Store, Tenant } from "./store";

export const devEntraTenantId = "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10";

/**
 * The client ID the emulator gives Lookout's multi-tenant app (Lookout's real one is not published:
 * it is configuration, `lookout-mtp:consent.lookoutClientId`).
 */
export const devLookoutClientId = "5f0d6071-2c3e-4f90-9b4c-5d6e7f8091a2";

/** What accepting Lookout's consent page leaves in a tenant: Lookout's service principal with the Graph permissions it reads with. */
export function grantLookoutConsent(store: Store, tenant: Tenant, clientId: string = devLookoutClientId) {
    return store.grantConsent(tenant, {
        appId: clientId,
        displayName: "Lookout Mobile Endpoint Security",
        applicationPermissions: [...lookoutApplicationPermissions],
        delegatedScopes: [...lookoutDelegatedScopes],
    });
}

export function devDirectory(): Directory {
    const group = (id: string, displayName: string, members: string[]) => ({
        id,
        displayName,
        securityEnabled: true,
        mailEnabled: false,
        members,
    });
    return {
        users: [
            {
                id: "0a6b2c1d-1111-4e2f-8a3b-000000000001",
                userPrincipalName: "alex@contoso.example",
                displayName: "Alex Wilber",
            },
            {
                id: "0a6b2c1d-1111-4e2f-8a3b-000000000002",
                userPrincipalName: "sam@contoso.example",
                displayName: "Sam Taylor",
            },
            {
                id: "0a6b2c1d-1111-4e2f-8a3b-000000000003",
                userPrincipalName: "breakglass@contoso.example",
                displayName: "Emergency Access 1",
            },
        ],
        groups: [
            group("1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e", "Lookout MTP Admins", [
                "0a6b2c1d-1111-4e2f-8a3b-000000000001",
            ]),
            group("2c7a3d4e-9f0b-4c6d-8e1f-2a3b4c5d6e7f", "Lookout MTP Analysts", [
                "0a6b2c1d-1111-4e2f-8a3b-000000000002",
            ]),
            group("3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80", "Lookout Pilot", [
                "0a6b2c1d-1111-4e2f-8a3b-000000000001",
                "0a6b2c1d-1111-4e2f-8a3b-000000000002",
            ]),
            group("4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091", "Sales Mobile", ["0a6b2c1d-1111-4e2f-8a3b-000000000002"]),
            // Emergency-access (break-glass) accounts, which every Conditional Access policy excludes.
            group("5fa06172-3d4e-4f90-8b1c-6d7e8f9a0b1c", "Emergency Access", ["0a6b2c1d-1111-4e2f-8a3b-000000000003"]),
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

export const caPolicyByAnotherAdminId = "8c2e4a6b-1d3f-4e5a-9b7c-0d1e2f3a4b5c";

/**
 * Another admin's Conditional Access policy (MFA for admins, made in the Entra admin center): the
 * stack never reads, changes or deletes it. Stored whole, as Graph returns it.
 */
function caPolicyByAnotherAdmin() {
    return {
        ...conditionalAccessPolicyUnset,
        id: caPolicyByAnotherAdminId,
        displayName: "Require MFA for administrators (Identity team)",
        state: "enabled",
        createdDateTime: "2024-02-01T08:00:00Z",
        conditions: {
            ...conditionalAccessConditionSetUnset,
            clientAppTypes: ["all"],
            applications: { ...conditionalAccessComplexUnset.applications, includeApplications: ["All"] },
            users: {
                ...conditionalAccessComplexUnset.users,
                includeRoles: ["62e90394-69f5-4237-9190-012177145e10"],
                excludeGroups: ["5fa06172-3d4e-4f90-8b1c-6d7e8f9a0b1c"],
            },
        },
        grantControls: { ...conditionalAccessComplexUnset.grantControls, operator: "OR", builtInControls: ["mfa"] },
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

const authenticatorAppId = "6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b";

/** Microsoft Authenticator as another admin added it for all users, earlier: the stack adopts it and keeps that assignment. */
function authenticatorAddedBefore() {
    const at = "2024-05-06T10:00:00Z";
    const authenticator = lookoutApps.ios.find((a) => a.key === "authenticator")!;
    return {
        body: {
            ...completeEntity(iosStoreAppProperties, {
                displayName: authenticator.displayName,
                publisher: authenticator.publisher,
                bundleId: authenticator.storeId,
                appStoreUrl: authenticator.storeUrl,
                applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
                minimumSupportedOperatingSystem: iosMinimumOs("v14_0"),
                createdDateTime: at,
                lastModifiedDateTime: at,
                publishingState: "published",
            }),
            "@odata.type": iosStoreAppType,
            id: authenticatorAppId,
        },
        assignments: [
            {
                id: `${authenticatorAppId}_allLicensedUsersAssignmentTarget_0`,
                intent: "available",
                target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" },
                settings: {
                    "@odata.type": "#microsoft.graph.iosStoreAppAssignmentSettings",
                    uninstallOnDeviceRemoval: false,
                    isRemovable: true,
                    vpnConfigurationId: null,
                },
            },
        ],
    };
}

/**
 * Who may sign in to a tenant as a person: an Intune admin (Global Administrator), and the public
 * clients Microsoft's own tools use. The Graph command-line tools app holds tenant-wide consent for
 * the scopes a run asks for (an admin consented once, as `Connect-MgGraph -Scopes` asks them to);
 * the Azure CLI's app only its pre-authorized directory scopes, none of Intune's (Azure/azure-cli#22775:
 * an assumption for the exact list, which Microsoft does not publish).
 */
export function seedSignIn(tenant: Tenant): SignInUser {
    const admin: SignInUser = {
        userPrincipalName: "intune.admin@contoso.example",
        password: "pw_" + randomBytes(12).toString("base64url"),
        wids: [globalAdministratorRoleId],
    };
    tenant.signInUsers = [admin];
    tenant.publicClients = {
        [graphCommandLineToolsAppId]: runDelegatedScopes(),
        [azureCliAppId]: [
            "Application.ReadWrite.All",
            "Directory.AccessAsUser.All",
            "Group.ReadWrite.All",
            "User.ReadWrite.All",
        ],
    };
    return admin;
}

/** Gives a new tenant what the dev tenant holds before the stack first runs. */
/** When the dev tenant's users enrolled their phones in Intune, before the stack ran. */
const devicesEnrolledAt = Date.parse("2024-05-06T09:00:00Z");

export function seedDevTenant(store: Store, tenant: Tenant): void {
    tenant.directory = devDirectory();
    // Enough users and phones for the status report to show a rollout under way: devices go from
    // pending to activated as their users open Lookout for Work (emulator/devices.ts).
    const [pilot, sales] = [tenant.directory.groups[2], tenant.directory.groups[3]];
    pilot.generatedUsers = 48;
    sales.generatedUsers = 150;
    seedDevices(tenant, [pilot.id, sales.id], devicesEnrolledAt);
    tenant.compliancePolicies[windowsPolicyId] = windowsPolicyByAnotherAdmin();
    tenant.conditionalAccessPolicies = { [caPolicyByAnotherAdminId]: caPolicyByAnotherAdmin() };
    tenant.mtdConnectors[lookoutMtdConnectorId] = existingLookoutConnector();
    tenant.mobileApps[authenticatorAppId] = authenticatorAddedBefore();
    tenant.appProtections = devAppProtectionPolicies();
    const [android] = lookoutApps.androidEnterprise;
    approveManagedGooglePlayApp(
        tenant,
        { packageId: android.storeId, displayName: android.displayName, publisher: android.publisher },
        Date.parse("2024-05-06T10:05:00Z"),
    );
    grantLookoutConsent(store, tenant);
    seedSignIn(tenant);
}
