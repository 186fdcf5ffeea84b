/**
 * The Graph v1.0 entity types the emulator stores, property by property, as the published v1.0
 * metadata (CSDL) declares them: each type's structural (non-navigation) properties, inherited ones
 * included, with the EDM type that decides the value Graph gives an unset property and the values
 * it accepts. `tsc` checks each list against Microsoft's generated types
 * (`@microsoft/microsoft-graph-types`, generated from that metadata): a property missing, misspelt
 * or added fails the build.
 *
 * Emulator-only facts: the providers read Graph through `schemas.ts`, never through this file.
 */
import type {
    AllDevicesAssignmentTarget,
    AppRoleAssignment,
    OAuth2PermissionGrant,
    ServicePrincipal,
    AllLicensedUsersAssignmentTarget,
    AndroidCompliancePolicy,
    AndroidRequiredPasswordType,
    AndroidWorkProfileCompliancePolicy,
    ConfigurationManagerCollectionAssignmentTarget,
    DeviceCompliancePolicy,
    ExclusionGroupAssignmentTarget,
    Group,
    GroupAssignmentTarget,
    IosStoreApp,
    ManagedDevice,
    IosVppApp,
    MobileAppAssignment,
    VppTokenAccountType,
    MobileAppPublishingState,
    IosCompliancePolicy,
    MobileThreatDefenseConnector,
    RequiredPasswordType,
    User,
    Windows10CompliancePolicy,
    Windows81CompliancePolicy,
} from "@microsoft/microsoft-graph-types";
import type { AndroidManagedStoreApp as BetaAndroidManagedStoreApp } from "@microsoft/microsoft-graph-types-beta";
import type {
    AndroidManagedAppProtection,
    IosManagedAppProtection,
    ManagedAppClipboardSharingLevel,
    ManagedAppDataEncryptionType,
    ManagedAppDataTransferLevel,
    ManagedAppPinCharacterSet,
    ManagedBrowserType,
} from "@microsoft/microsoft-graph-types";
import { appProtectionTypes } from "./appProtection";
import { installIntents, iosVppAppType, storeAppTypes } from "./mobileApps";
import { partnerStates, threatProtectionLevels } from "./schemas";
import { complianceStates, partnerReportedThreatStates } from "./managedDevices";

/**
 * A property's type in the metadata. `nullable` mirrors the absence of `Nullable="false"`; an
 * enum lists its members in metadata order, the first being the member of value 0 (Graph's value
 * for an unset non-nullable enum).
 */
export type PropertyType =
    | {
          kind: "Edm.Boolean" | "Edm.Int32" | "Edm.Int64" | "Edm.String" | "Edm.DateTimeOffset" | "Edm.Duration";
          nullable: boolean;
      }
    | { kind: "enum"; name: string; members: readonly string[]; nullable: false }
    /** A complex type (an object) or a collection; `unset` is Graph's value when nobody set a non-nullable one. */
    | { kind: "complex" | "collection"; name: string; nullable: boolean; unset?: unknown };

const boolean = { kind: "Edm.Boolean", nullable: false } as const;
const int32 = { kind: "Edm.Int32", nullable: false } as const;
const int64 = { kind: "Edm.Int64", nullable: false } as const;
const nullableBoolean = { kind: "Edm.Boolean", nullable: true } as const;
const nullableInt32 = { kind: "Edm.Int32", nullable: true } as const;
const string = { kind: "Edm.String", nullable: false } as const;
const nullableString = { kind: "Edm.String", nullable: true } as const;
const dateTime = { kind: "Edm.DateTimeOffset", nullable: false } as const;
const enumOf = (name: string, members: readonly string[]) =>
    ({ kind: "enum", name, members, nullable: false }) as const;
const complex = (name: string, nullable = true, unset?: unknown) =>
    ({ kind: "complex", name, nullable, unset }) as const;
/**
 * A collection is never null: unset, it is empty (OData JSON Format 4.01, 7.2: "a collection that has
 * no items is represented as an empty array"; CSDL's Nullable on a collection property speaks of its
 * items). The metadata marks deviceActionResults `Nullable="false"`, and Learn's managedDevice
 * example answers it as an array.
 */
const collection = (name: string) => ({ kind: "collection", name, nullable: false, unset: [] }) as const;

const requiredPasswordType = enumOf("requiredPasswordType", [
    "deviceDefault",
    "alphanumeric",
    "numeric",
] satisfies RequiredPasswordType[]);
const androidRequiredPasswordType = enumOf("androidRequiredPasswordType", [
    "deviceDefault",
    "alphabetic",
    "alphanumeric",
    "alphanumericWithSymbols",
    "lowSecurityBiometric",
    "numeric",
    "numericComplex",
    "any",
] satisfies AndroidRequiredPasswordType[]);

/** The names in `Properties` are exactly the structural properties of `Entity`: an empty type when they are, the missing and extra names otherwise. */
type Mismatch<Entity, Navigation extends keyof Entity, Properties> = [
    Exclude<Exclude<keyof Entity, Navigation>, keyof Properties>,
    Exclude<keyof Properties, keyof Entity>,
] extends [never, never]
    ? unknown
    : {
          missing: Exclude<Exclude<keyof Entity, Navigation>, keyof Properties>;
          notInTheType: Exclude<keyof Properties, keyof Entity>;
      };

/**
 * Declares an entity type's properties; fails to compile unless they are exactly the generated
 * interface's keys minus its navigation properties.
 */
function structuralProperties<Entity, Navigation extends keyof Entity = never>() {
    return <const Properties extends Record<string, PropertyType>>(
        properties: Properties & Mismatch<Entity, Navigation, Properties>,
    ): Properties => properties;
}

/** deviceCompliancePolicy's navigation properties in the v1.0 metadata (`NavigationProperty` elements). */
type CompliancePolicyNavigation =
    | "assignments"
    | "deviceSettingStateSummaries"
    | "deviceStatuses"
    | "deviceStatusOverview"
    | "scheduledActionsForRule"
    | "userStatuses"
    | "userStatusOverview";

export const mtdConnectorProperties = structuralProperties<MobileThreatDefenseConnector>()({
    id: string,
    allowPartnerToCollectIOSApplicationMetadata: boolean,
    allowPartnerToCollectIOSPersonalApplicationMetadata: boolean,
    androidDeviceBlockedOnMissingPartnerData: boolean,
    androidEnabled: boolean,
    androidMobileApplicationManagementEnabled: boolean,
    iosDeviceBlockedOnMissingPartnerData: boolean,
    iosEnabled: boolean,
    iosMobileApplicationManagementEnabled: boolean,
    lastHeartbeatDateTime: dateTime,
    microsoftDefenderForEndpointAttachEnabled: boolean,
    partnerState: enumOf("mobileThreatPartnerTenantState", partnerStates),
    partnerUnresponsivenessThresholdInDays: int32,
    partnerUnsupportedOsVersionBlocked: boolean,
    windowsDeviceBlockedOnMissingPartnerData: boolean,
    windowsEnabled: boolean,
});

export const compliancePolicyBaseProperties = structuralProperties<
    DeviceCompliancePolicy,
    CompliancePolicyNavigation
>()({
    id: string,
    createdDateTime: dateTime,
    description: nullableString,
    displayName: string,
    lastModifiedDateTime: dateTime,
    version: int32,
});

const threatLevel = enumOf("deviceThreatProtectionLevel", threatProtectionLevels);

export const iosCompliancePolicyProperties = structuralProperties<IosCompliancePolicy, CompliancePolicyNavigation>()({
    ...compliancePolicyBaseProperties,
    deviceThreatProtectionEnabled: boolean,
    deviceThreatProtectionRequiredSecurityLevel: threatLevel,
    managedEmailProfileRequired: boolean,
    osMaximumVersion: nullableString,
    osMinimumVersion: nullableString,
    passcodeBlockSimple: boolean,
    passcodeExpirationDays: nullableInt32,
    passcodeMinimumCharacterSetCount: nullableInt32,
    passcodeMinimumLength: nullableInt32,
    passcodeMinutesOfInactivityBeforeLock: nullableInt32,
    passcodePreviousPasscodeBlockCount: nullableInt32,
    passcodeRequired: boolean,
    passcodeRequiredType: requiredPasswordType,
    securityBlockJailbrokenDevices: boolean,
});

/** androidCompliancePolicy and androidWorkProfileCompliancePolicy declare the same properties in v1.0. */
const androidProperties = {
    ...compliancePolicyBaseProperties,
    deviceThreatProtectionEnabled: boolean,
    deviceThreatProtectionRequiredSecurityLevel: threatLevel,
    minAndroidSecurityPatchLevel: nullableString,
    osMaximumVersion: nullableString,
    osMinimumVersion: nullableString,
    passwordExpirationDays: nullableInt32,
    passwordMinimumLength: nullableInt32,
    passwordMinutesOfInactivityBeforeLock: nullableInt32,
    passwordPreviousPasswordBlockCount: nullableInt32,
    passwordRequired: boolean,
    passwordRequiredType: androidRequiredPasswordType,
    securityBlockJailbrokenDevices: boolean,
    securityDisableUsbDebugging: boolean,
    securityPreventInstallAppsFromUnknownSources: boolean,
    securityRequireCompanyPortalAppIntegrity: boolean,
    securityRequireGooglePlayServices: boolean,
    securityRequireSafetyNetAttestationBasicIntegrity: boolean,
    securityRequireSafetyNetAttestationCertifiedDevice: boolean,
    securityRequireUpToDateSecurityProviders: boolean,
    securityRequireVerifyApps: boolean,
    storageRequireEncryption: boolean,
} as const;
export const androidCompliancePolicyProperties = structuralProperties<
    AndroidCompliancePolicy,
    CompliancePolicyNavigation
>()(androidProperties);
export const androidWorkProfileCompliancePolicyProperties = structuralProperties<
    AndroidWorkProfileCompliancePolicy,
    CompliancePolicyNavigation
>()(androidProperties);

/** The password settings windows81CompliancePolicy and windows10CompliancePolicy share. */
const windowsPasswordProperties = {
    osMaximumVersion: nullableString,
    osMinimumVersion: nullableString,
    passwordBlockSimple: boolean,
    passwordExpirationDays: nullableInt32,
    passwordMinimumCharacterSetCount: nullableInt32,
    passwordMinimumLength: nullableInt32,
    passwordMinutesOfInactivityBeforeLock: nullableInt32,
    passwordPreviousPasswordBlockCount: nullableInt32,
    passwordRequired: boolean,
    passwordRequiredType: requiredPasswordType,
    storageRequireEncryption: boolean,
} as const;

export const windows81CompliancePolicyProperties = structuralProperties<
    Windows81CompliancePolicy,
    CompliancePolicyNavigation
>()({
    ...compliancePolicyBaseProperties,
    ...windowsPasswordProperties,
});

export const windows10CompliancePolicyProperties = structuralProperties<
    Windows10CompliancePolicy,
    CompliancePolicyNavigation
>()({
    ...compliancePolicyBaseProperties,
    ...windowsPasswordProperties,
    bitLockerEnabled: boolean,
    codeIntegrityEnabled: boolean,
    earlyLaunchAntiMalwareDriverEnabled: boolean,
    mobileOsMaximumVersion: nullableString,
    mobileOsMinimumVersion: nullableString,
    passwordRequiredToUnlockFromIdle: boolean,
    requireHealthyDeviceReport: boolean,
    secureBootEnabled: boolean,
});

// ---- mobile apps (Lookout for Work)

/** mobileApp's navigation properties in v1.0; beta adds `relationships`. */
type MobileAppNavigation = "assignments" | "categories";
const publishingState = enumOf("mobileAppPublishingState", [
    "notPublished",
    "processing",
    "published",
] satisfies MobileAppPublishingState[]);

/** mobileApp (abstract) in v1.0. */
const mobileAppBaseProperties = {
    id: string,
    createdDateTime: dateTime,
    description: nullableString,
    developer: nullableString,
    displayName: nullableString,
    informationUrl: nullableString,
    isFeatured: boolean,
    largeIcon: complex("mimeContent"),
    lastModifiedDateTime: dateTime,
    notes: nullableString,
    owner: nullableString,
    privacyInformationUrl: nullableString,
    publisher: nullableString,
    publishingState,
} as const;
export const mobileAppV1BaseProperties: EntityProperties = mobileAppBaseProperties;

export const iosStoreAppProperties = structuralProperties<IosStoreApp, MobileAppNavigation>()({
    ...mobileAppBaseProperties,
    applicableDeviceType: complex("iosDeviceType", false, { iPad: false, iPhoneAndIPod: false }),
    appStoreUrl: nullableString,
    bundleId: nullableString,
    minimumSupportedOperatingSystem: complex("iosMinimumOperatingSystem"),
});

/** An App Store app bought through Apple Business Manager (volume purchase), synced into Intune: tenants often deploy Authenticator so. */
export const iosVppAppProperties = structuralProperties<IosVppApp, MobileAppNavigation>()({
    ...mobileAppBaseProperties,
    applicableDeviceType: complex("iosDeviceType"),
    appStoreUrl: nullableString,
    bundleId: nullableString,
    licensingType: complex("vppLicensingType"),
    releaseDateTime: { kind: "Edm.DateTimeOffset", nullable: true },
    totalLicenseCount: int32,
    usedLicenseCount: int32,
    vppTokenAccountType: enumOf("vppTokenAccountType", ["business", "education"] satisfies VppTokenAccountType[]),
    vppTokenAppleId: nullableString,
    vppTokenOrganizationName: nullableString,
});

/** A managed Google Play app: a beta type (Microsoft's beta types, generated from beta's metadata); v1.0 declares no such entity type. */
export const androidManagedStoreAppBetaProperties = structuralProperties<
    BetaAndroidManagedStoreApp,
    MobileAppNavigation | "relationships"
>()({
    ...mobileAppBaseProperties,
    dependentAppCount: int32,
    isAssigned: boolean,
    roleScopeTagIds: collection("Edm.String"),
    supersededAppCount: int32,
    supersedingAppCount: int32,
    uploadState: int32,
    appIdentifier: nullableString,
    appStoreUrl: nullableString,
    appTracks: collection("androidManagedStoreAppTrack"),
    isPrivate: boolean,
    isSystemApp: boolean,
    packageId: nullableString,
    supportsOemConfig: boolean,
    totalLicenseCount: int32,
    usedLicenseCount: int32,
});

export const iosStoreAppType = storeAppTypes.ios;
export const androidManagedStoreAppType = storeAppTypes.androidEnterprise;
export { iosVppAppType };

/** The app types the emulator stores, with the Graph version whose metadata defines them. */
export const mobileAppEntityTypes: Readonly<
    Record<string, { properties: EntityProperties; version: "v1.0" | "beta" }>
> = {
    [iosStoreAppType]: { properties: iosStoreAppProperties, version: "v1.0" },
    [iosVppAppType]: { properties: iosVppAppProperties, version: "v1.0" },
    [androidManagedStoreAppType]: { properties: androidManagedStoreAppBetaProperties, version: "beta" },
};

export const mobileAppAssignmentProperties = structuralProperties<MobileAppAssignment>()({
    id: string,
    intent: enumOf("installIntent", installIntents),
    settings: complex("mobileAppAssignmentSettings"),
    target: complex("deviceAndAppManagementAssignmentTarget"),
});

/** The v1.0 types derived from mobileAppAssignmentSettings (abstract), as the metadata declares them. */
export const mobileAppAssignmentSettingsTypes = [
    "iosLobAppAssignmentSettings",
    "iosStoreAppAssignmentSettings",
    "iosVppAppAssignmentSettings",
    "macOsLobAppAssignmentSettings",
    "microsoftStoreForBusinessAppAssignmentSettings",
    "win32LobAppAssignmentSettings",
    "windowsAppXAppAssignmentSettings",
    "windowsUniversalAppXAppAssignmentSettings",
].map((name) => `#microsoft.graph.${name}`);

export type EntityProperties = Readonly<Record<string, PropertyType>>;

export const mtdConnectorType = "#microsoft.graph.mobileThreatDefenseConnector";
/** deviceCompliancePolicy is abstract in the metadata: a policy is always one of these derived types. */
export const compliancePolicyBaseType = "#microsoft.graph.deviceCompliancePolicy";

/** The concrete compliance policy types the emulator stores, by `@odata.type`. */
export const compliancePolicyEntityTypes: Readonly<Record<string, EntityProperties>> = {
    "#microsoft.graph.iosCompliancePolicy": iosCompliancePolicyProperties,
    "#microsoft.graph.androidCompliancePolicy": androidCompliancePolicyProperties,
    "#microsoft.graph.androidWorkProfileCompliancePolicy": androidWorkProfileCompliancePolicyProperties,
    "#microsoft.graph.windows81CompliancePolicy": windows81CompliancePolicyProperties,
    "#microsoft.graph.windows10CompliancePolicy": windows10CompliancePolicyProperties,
};

/** managedDevice's navigation properties in the v1.0 metadata. */
type ManagedDeviceNavigation =
    | "deviceCategory"
    | "deviceCompliancePolicyStates"
    | "deviceConfigurationStates"
    | "logCollectionRequests"
    | "users"
    | "windowsProtectionState";

/** Every structural property of `managedDevice` in v1.0's metadata (the emulator answers them all); the installed generated types lack `managementState`, which the metadata snapshot has. */
export const managedDeviceProperties = structuralProperties<
    ManagedDevice & { managementState?: unknown },
    ManagedDeviceNavigation
>()({
    id: string,
    activationLockBypassCode: nullableString,
    androidSecurityPatchLevel: nullableString,
    azureADDeviceId: nullableString,
    azureADRegistered: nullableBoolean,
    complianceGracePeriodExpirationDateTime: dateTime,
    complianceState: enumOf("complianceState", complianceStates),
    configurationManagerClientEnabledFeatures: complex("configurationManagerClientEnabledFeatures"),
    deviceActionResults: collection("deviceActionResult"),
    deviceCategoryDisplayName: nullableString,
    deviceEnrollmentType: enumOf("deviceEnrollmentType", [
        "unknown",
        "userEnrollment",
        "deviceEnrollmentManager",
        "appleBulkWithUser",
        "appleBulkWithoutUser",
        "windowsAzureADJoin",
        "windowsBulkUserless",
        "windowsAutoEnrollment",
        "windowsBulkAzureDomainJoin",
        "windowsCoManagement",
        "windowsAzureADJoinUsingDeviceAuth",
        "appleUserEnrollment",
        "appleUserEnrollmentWithServiceAccount",
        "unknownFutureValue",
    ]),
    deviceHealthAttestationState: complex("deviceHealthAttestationState"),
    deviceName: nullableString,
    deviceRegistrationState: enumOf("deviceRegistrationState", [
        "notRegistered",
        "registered",
        "revoked",
        "keyConflict",
        "approvalPending",
        "certificateReset",
        "notRegisteredPendingEnrollment",
        "unknown",
    ]),
    easActivated: boolean,
    easActivationDateTime: dateTime,
    easDeviceId: nullableString,
    emailAddress: nullableString,
    enrolledDateTime: dateTime,
    enrollmentProfileName: nullableString,
    ethernetMacAddress: nullableString,
    exchangeAccessState: enumOf("deviceManagementExchangeAccessState", [
        "none",
        "unknown",
        "allowed",
        "blocked",
        "quarantined",
    ]),
    exchangeAccessStateReason: enumOf("deviceManagementExchangeAccessStateReason", [
        "none",
        "unknown",
        "exchangeGlobalRule",
        "exchangeIndividualRule",
        "exchangeDeviceRule",
        "exchangeUpgrade",
        "exchangeMailboxPolicy",
        "other",
        "compliant",
        "notCompliant",
        "notEnrolled",
        "unknownLocation",
        "mfaRequired",
        "azureADBlockDueToAccessPolicy",
        "compromisedPassword",
        "deviceNotKnownWithManagedApp",
    ]),
    exchangeLastSuccessfulSyncDateTime: dateTime,
    freeStorageSpaceInBytes: int64,
    iccid: nullableString,
    imei: nullableString,
    isEncrypted: boolean,
    isSupervised: boolean,
    jailBroken: nullableString,
    lastSyncDateTime: dateTime,
    managedDeviceName: nullableString,
    managedDeviceOwnerType: enumOf("managedDeviceOwnerType", ["unknown", "company", "personal", "unknownFutureValue"]),
    managementAgent: enumOf("managementAgentType", [
        "eas",
        "mdm",
        "easMdm",
        "intuneClient",
        "easIntuneClient",
        "configurationManagerClient",
        "configurationManagerClientMdm",
        "configurationManagerClientMdmEas",
        "unknown",
        "jamf",
        "googleCloudDevicePolicyController",
        "microsoft365ManagedMdm",
        "msSense",
    ]),
    managementCertificateExpirationDate: dateTime,
    managementState: enumOf("managementState", [
        "managed",
        "retirePending",
        "retireFailed",
        "wipePending",
        "wipeFailed",
        "unhealthy",
        "deletePending",
        "retireIssued",
        "wipeIssued",
        "wipeCanceled",
        "retireCanceled",
        "discovered",
        "unknownFutureValue",
    ]),
    manufacturer: nullableString,
    meid: nullableString,
    model: nullableString,
    notes: nullableString,
    operatingSystem: nullableString,
    osVersion: nullableString,
    partnerReportedThreatState: enumOf("managedDevicePartnerReportedHealthState", partnerReportedThreatStates),
    phoneNumber: nullableString,
    physicalMemoryInBytes: int64,
    remoteAssistanceSessionErrorDetails: nullableString,
    remoteAssistanceSessionUrl: nullableString,
    requireUserEnrollmentApproval: nullableBoolean,
    serialNumber: nullableString,
    subscriberCarrier: nullableString,
    totalStorageSpaceInBytes: int64,
    udid: nullableString,
    userDisplayName: nullableString,
    userId: nullableString,
    userPrincipalName: nullableString,
    wiFiMacAddress: nullableString,
});
export const managedDeviceType = "#microsoft.graph.managedDevice";

/**
 * iOS and Android app protection policies in v1.0 (managedAppPolicy < managedAppProtection <
 * targetedManagedAppProtection < each platform's type). `Edm.Duration` values are ISO 8601 text;
 * the threat settings are not here: v1.0 has none (contract/graph/appProtection.ts).
 */
type AppProtectionNavigation = "apps" | "assignments" | "deploymentSummary";
const dataTransferLevel = enumOf("managedAppDataTransferLevel", [
    "allApps",
    "managedApps",
    "none",
] satisfies ManagedAppDataTransferLevel[]);
const duration = { kind: "Edm.Duration", nullable: false } as const;
const targetedManagedAppProtectionProperties = {
    id: string,
    createdDateTime: dateTime,
    description: nullableString,
    displayName: string,
    lastModifiedDateTime: dateTime,
    version: nullableString,
    allowedDataStorageLocations: collection("managedAppDataStorageLocation"),
    allowedInboundDataTransferSources: dataTransferLevel,
    allowedOutboundClipboardSharingLevel: enumOf("managedAppClipboardSharingLevel", [
        "allApps",
        "managedAppsWithPasteIn",
        "managedApps",
        "blocked",
    ] satisfies ManagedAppClipboardSharingLevel[]),
    allowedOutboundDataTransferDestinations: dataTransferLevel,
    contactSyncBlocked: boolean,
    dataBackupBlocked: boolean,
    deviceComplianceRequired: boolean,
    disableAppPinIfDevicePinIsSet: boolean,
    fingerprintBlocked: boolean,
    managedBrowser: enumOf("managedBrowserType", ["notConfigured", "microsoftEdge"] satisfies ManagedBrowserType[]),
    managedBrowserToOpenLinksRequired: boolean,
    maximumPinRetries: int32,
    minimumPinLength: int32,
    minimumRequiredAppVersion: nullableString,
    minimumRequiredOsVersion: nullableString,
    minimumWarningAppVersion: nullableString,
    minimumWarningOsVersion: nullableString,
    organizationalCredentialsRequired: boolean,
    periodBeforePinReset: duration,
    periodOfflineBeforeAccessCheck: duration,
    periodOfflineBeforeWipeIsEnforced: duration,
    periodOnlineBeforeAccessCheck: duration,
    pinCharacterSet: enumOf("managedAppPinCharacterSet", [
        "numeric",
        "alphanumericAndSymbol",
    ] satisfies ManagedAppPinCharacterSet[]),
    pinRequired: boolean,
    printBlocked: boolean,
    saveAsBlocked: boolean,
    simplePinBlocked: boolean,
    isAssigned: boolean,
} as const;
export const appProtectionProperties = {
    ios: structuralProperties<IosManagedAppProtection, AppProtectionNavigation>()({
        ...targetedManagedAppProtectionProperties,
        appDataEncryptionType: enumOf("managedAppDataEncryptionType", [
            "useDeviceSettings",
            "afterDeviceRestart",
            "whenDeviceLockedExceptOpenFiles",
            "whenDeviceLocked",
        ] satisfies ManagedAppDataEncryptionType[]),
        customBrowserProtocol: nullableString,
        deployedAppCount: int32,
        faceIdBlocked: boolean,
        minimumRequiredSdkVersion: nullableString,
    }),
    android: structuralProperties<AndroidManagedAppProtection, AppProtectionNavigation>()({
        ...targetedManagedAppProtectionProperties,
        customBrowserDisplayName: nullableString,
        customBrowserPackageId: nullableString,
        deployedAppCount: int32,
        disableAppEncryptionIfDeviceEncryptionIsEnabled: boolean,
        encryptAppData: boolean,
        minimumRequiredPatchVersion: nullableString,
        minimumWarningPatchVersion: nullableString,
        screenCaptureBlocked: boolean,
    }),
} as const;

/** Every stored entity type by `@odata.type`, with the type it derives from (for reading Learn's base-type examples). */
export const entityTypes: Readonly<Record<string, { properties: EntityProperties; baseType?: string }>> = {
    [mtdConnectorType]: { properties: mtdConnectorProperties },
    ...Object.fromEntries(
        Object.entries(compliancePolicyEntityTypes).map(([type, properties]) => [
            type,
            { properties, baseType: compliancePolicyBaseType },
        ]),
    ),
    ...Object.fromEntries(
        Object.entries(mobileAppEntityTypes).map(([type, { properties }]) => [
            type,
            { properties, baseType: "#microsoft.graph.mobileApp" },
        ]),
    ),
    "#microsoft.graph.mobileAppAssignment": { properties: mobileAppAssignmentProperties },
    [managedDeviceType]: { properties: managedDeviceProperties },
    [appProtectionTypes.ios]: { properties: appProtectionProperties.ios },
    [appProtectionTypes.android]: { properties: appProtectionProperties.android },
};

/** The assignment targets (derived types of deviceAndAppManagementAssignmentTarget) a compliance policy assignment accepts, by `@odata.type`. */
export const assignmentTargetTypes: Readonly<Record<string, EntityProperties>> = {
    "#microsoft.graph.groupAssignmentTarget": structuralProperties<GroupAssignmentTarget>()({
        groupId: nullableString,
    }),
    "#microsoft.graph.exclusionGroupAssignmentTarget": structuralProperties<ExclusionGroupAssignmentTarget>()({
        groupId: nullableString,
    }),
    "#microsoft.graph.allLicensedUsersAssignmentTarget": structuralProperties<AllLicensedUsersAssignmentTarget>()({}),
    "#microsoft.graph.allDevicesAssignmentTarget": structuralProperties<AllDevicesAssignmentTarget>()({}),
    "#microsoft.graph.configurationManagerCollectionAssignmentTarget":
        structuralProperties<ConfigurationManagerCollectionAssignmentTarget>()({ collectionId: nullableString }),
};

/** Properties the service computes: a client may send them (Learn's examples do), Graph keeps its own values. */
export const computedProperties = {
    mtdConnector: ["id", "lastHeartbeatDateTime", "partnerState"] satisfies Array<keyof typeof mtdConnectorProperties>,
    compliancePolicy: ["id", "createdDateTime", "lastModifiedDateTime", "version"] satisfies Array<
        keyof typeof compliancePolicyBaseProperties
    >,
    /** `publishingState` is read-only in the metadata, though Learn's create example sends it. */
    mobileApp: ["id", "createdDateTime", "lastModifiedDateTime", "publishingState"] satisfies Array<
        keyof typeof mobileAppBaseProperties
    >,
} as const;

/** The properties a client sets: the type's properties less those the service computes. */
export function settableProperties(properties: EntityProperties, computed: readonly string[]): EntityProperties {
    return Object.fromEntries(Object.entries(properties).filter(([name]) => !computed.includes(name)));
}

/** The value Graph gives a property nobody set: false, 0, null, or the enum's member of value 0. */
export function unsetValue(type: PropertyType): unknown {
    if (type.kind === "enum") return type.members[0];
    // A copy: entities never share an unset object or array.
    if (type.kind === "complex" || type.kind === "collection")
        return type.nullable ? null : structuredClone(type.unset);
    if (type.nullable) return null;
    if (type.kind === "Edm.Boolean") return false;
    if (type.kind === "Edm.Int32" || type.kind === "Edm.Int64") return 0;
    if (type.kind === "Edm.Duration") return "PT0S";
    return type.kind === "Edm.DateTimeOffset" ? "0001-01-01T00:00:00Z" : "";
}

/** An entity with every property of its type: the given values, and Graph's unset value for the others. */
export function completeEntity(properties: EntityProperties, values: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(properties).map(([name, type]) => [name, name in values ? values[name] : unsetValue(type)]),
    );
}

/** Whether `value` is a literal of the property's type, as OData's JSON reader accepts it. */
export function acceptsValue(type: PropertyType, value: unknown): boolean {
    if (value === null) return type.nullable;
    if (type.kind === "enum") return typeof value === "string" && type.members.includes(value);
    if (type.kind === "complex") return typeof value === "object" && !Array.isArray(value);
    if (type.kind === "collection") return Array.isArray(value);
    if (type.kind === "Edm.Boolean") return typeof value === "boolean";
    // Edm.Int32 is -2^31 to 2^31 - 1 (OData CSDL 4.01, 4.4; the OpenAPI document: format int32, maximum 2147483647).
    if (type.kind === "Edm.Int32")
        return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31;
    if (type.kind === "Edm.Int64") return Number.isInteger(value);
    if (type.kind === "Edm.DateTimeOffset") return typeof value === "string" && !Number.isNaN(Date.parse(value));
    // An ISO 8601 duration, as OData's JSON writes Edm.Duration (CSDL 4.01, 4.4: "-PT17.1357909S" in Learn's examples).
    if (type.kind === "Edm.Duration")
        return typeof value === "string" && /^-?P(?=[\dT])(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(value);
    return typeof value === "string";
}

/** Group properties in the v1.0 metadata snapshot that the installed generated types do not have yet. */
type ResourceOptions = "resourceBehaviorOptions" | "resourceProvisioningOptions";

/**
 * The group properties Graph returns without `$select` (Learn, "Get group", example 1), and the
 * user properties it returns by default (Learn, "user resource type": the default property set).
 */
export const groupDefaultProperties = [
    "id",
    "deletedDateTime",
    "classification",
    "createdDateTime",
    "description",
    "displayName",
    "expirationDateTime",
    "groupTypes",
    "isAssignableToRole",
    "mail",
    "mailEnabled",
    "mailNickname",
    "membershipRule",
    "membershipRuleProcessingState",
    "onPremisesDomainName",
    "onPremisesLastSyncDateTime",
    "onPremisesNetBiosName",
    "onPremisesSamAccountName",
    "onPremisesSecurityIdentifier",
    "onPremisesSyncEnabled",
    "preferredDataLocation",
    "preferredLanguage",
    "proxyAddresses",
    "renewedDateTime",
    "resourceBehaviorOptions",
    "resourceProvisioningOptions",
    "securityEnabled",
    "securityIdentifier",
    "theme",
    "visibility",
    "onPremisesProvisioningErrors",
] as const satisfies ReadonlyArray<keyof Group | ResourceOptions>;

export const userDefaultProperties = [
    "id",
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
] as const satisfies ReadonlyArray<keyof User>;

/**
 * The servicePrincipal properties Graph returns without `$select` (Learn, "Get servicePrincipal",
 * example 1), and the properties of the items its two grant lists return (Learn, "List
 * appRoleAssignments granted to a service principal", "List oauth2PermissionGrants").
 */
export const servicePrincipalDefaultProperties = [
    "id",
    "accountEnabled",
    "addIns",
    "alternativeNames",
    "appDisplayName",
    "appId",
    "appOwnerOrganizationId",
    "appRoleAssignmentRequired",
    "appRoles",
    "disabledByMicrosoftStatus",
    "displayName",
    "endpoints",
    "homepage",
    "verifiedPublisher",
    "info",
    "keyCredentials",
    "logoutUrl",
    "oauth2PermissionScopes",
    "passwordCredentials",
    "publisherName",
    "replyUrls",
    "resourceSpecificApplicationPermissions",
    "servicePrincipalNames",
    "servicePrincipalType",
    "signInAudience",
    "tags",
    "tokenEncryptionKeyId",
] as const satisfies ReadonlyArray<keyof ServicePrincipal | "publisherName">; // publisherName: in Learn's example, not yet in the installed types
export const appRoleAssignmentProperties = [
    "id",
    "createdDateTime",
    "appRoleId",
    "principalDisplayName",
    "principalId",
    "principalType",
    "resourceDisplayName",
    "resourceId",
] as const satisfies ReadonlyArray<keyof AppRoleAssignment>;
export const permissionGrantProperties = [
    "id",
    "clientId",
    "consentType",
    "principalId",
    "resourceId",
    "scope",
] as const satisfies ReadonlyArray<keyof OAuth2PermissionGrant>;

/** The member types Graph v1.0 lists in `/groups/{id}/members` and accepts as OData casts of it. */
export const directoryMemberTypes = [
    "microsoft.graph.user",
    "microsoft.graph.group",
    "microsoft.graph.device",
    "microsoft.graph.servicePrincipal",
] as const;
export type DirectoryMemberType = (typeof directoryMemberTypes)[number];
