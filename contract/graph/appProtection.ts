/**
 * Intune app protection (MAM) policies for iOS and Android, as Graph describes them: the v1.0
 * collections `/deviceAppManagement/iosManagedAppProtections` and `androidManagedAppProtections`
 * (Microsoft's OpenAPI document, `microsoft-graph-v1.0-openapi-chain.yaml`, and the v1.0 metadata),
 * and the two Mobile Threat Defense settings of a policy.
 *
 * Those two settings, `maximumAllowedDeviceThreatLevel` and `mobileThreatDefenseRemediationAction`,
 * are **not in Graph v1.0**: the v1.0 metadata's `managedAppProtection` has neither, and only beta's
 * metadata and reference pages declare them (Learn beta, "Update iosManagedAppProtection"). So a
 * policy is found on v1.0 (its list, in the OpenAPI document) and its threat settings are read and
 * written on beta, the same item path; as with managed Google Play apps (routes.ts), beta is used only
 * where v1.0 cannot express what is needed.
 *
 * Plain data and functions only: dynamic providers capture this module by value.
 */
import type {
    ManagedAppDeviceThreatLevel,
    ManagedAppRemediationAction,
    AndroidManagedAppProtection as BetaAndroidManagedAppProtection,
    IosManagedAppProtection as BetaIosManagedAppProtection,
} from "@microsoft/microsoft-graph-types-beta";
import { z } from "zod";
import { unwrapValue } from "./schemas";

/** The platforms with an app protection collection, by the name the stack config uses. */
export const appProtectionCollections = {
    ios: "iosManagedAppProtections",
    android: "androidManagedAppProtections",
} as const;
export type AppProtectionPlatform = keyof typeof appProtectionCollections;
export const appProtectionPlatforms = Object.keys(appProtectionCollections) as [
    AppProtectionPlatform,
    ...AppProtectionPlatform[],
];
export const appProtectionTypes = {
    ios: "#microsoft.graph.iosManagedAppProtection",
    android: "#microsoft.graph.androidManagedAppProtection",
} as const satisfies Record<AppProtectionPlatform, string>;

/** beta `managedAppDeviceThreatLevel`, in metadata order (the first is the value of an unset policy). */
export const deviceThreatLevels = [
    "notConfigured",
    "secured",
    "low",
    "medium",
    "high",
] as const satisfies ManagedAppDeviceThreatLevel[];
/** beta `managedAppRemediationAction`, in metadata order. */
export const remediationActions = [
    "block",
    "wipe",
    "warn",
    "blockWhenSettingIsSupported",
] as const satisfies ManagedAppRemediationAction[];
/**
 * The actions Learn documents for Mobile Threat Defense: "Warn isn't a supported value for this
 * property" (beta reference of `mobileThreatDefenseRemediationAction`; `mtd-app-protection-policy`
 * offers Block access and Wipe data). `blockWhenSettingIsSupported` is a member of the shared enum
 * that Learn's MTD pages never offer, so the stack does not write it either.
 */
export const mtdRemediationActions = ["block", "wipe"] as const satisfies ManagedAppRemediationAction[];
export type MtdRemediationAction = (typeof mtdRemediationActions)[number];
export type DeviceThreatLevel = (typeof deviceThreatLevels)[number];

/** The two threat settings of a policy, as beta names them: what the stack writes, and nothing else. */
export const threatSettingKeys = ["maximumAllowedDeviceThreatLevel", "mobileThreatDefenseRemediationAction"] as const;
export type ThreatSettingKey = (typeof threatSettingKeys)[number];
export interface ThreatSettings {
    maximumAllowedDeviceThreatLevel: DeviceThreatLevel;
    mobileThreatDefenseRemediationAction: MtdRemediationAction;
}
/** As read: Graph may add enum members (`unknownFutureValue`), so values are read as text. */
export type ThreatSettingsRead = Record<ThreatSettingKey, string>;

/** A policy of a v1.0 list, tolerantly: its id and name, every other property kept. */
export function appProtectionListItemSchema() {
    return z.looseObject({ id: z.string(), displayName: z.string().nullish() });
}

/** A policy as beta answers it, tolerantly: the threat settings as text (an unset one as Graph's value 0). */
export function threatSettingsReadSchema() {
    return z.preprocess(
        unwrapValue,
        z.looseObject({
            id: z.string(),
            displayName: z.string().nullish(),
            maximumAllowedDeviceThreatLevel: z
                .string()
                .nullish()
                .transform((v) => v ?? deviceThreatLevels[0]),
            mobileThreatDefenseRemediationAction: z
                .string()
                .nullish()
                .transform((v) => v ?? remediationActions[0]),
        }),
    );
}

/**
 * The properties beta's metadata declares on each type and v1.0's does not (navigation properties
 * left out), from Microsoft's generated beta types: a beta write may name them, a v1.0 write may not.
 */
export const betaOnlyProperties = {
    ios: [
        "allowWidgetContentSync",
        "allowedDataIngestionLocations",
        "allowedIosDeviceModels",
        "allowedOutboundClipboardSharingExceptionLength",
        "appActionIfAccountIsClockedOut",
        "appActionIfDeviceComplianceRequired",
        "appActionIfIosDeviceModelNotAllowed",
        "appActionIfMaximumPinRetriesExceeded",
        "appActionIfUnableToAuthenticateUser",
        "appGroupType",
        "blockDataIngestionIntoOrganizationDocuments",
        "customDialerAppProtocol",
        "dialerRestrictionLevel",
        "disableProtectionOfManagedOutboundOpenInData",
        "exemptedAppProtocols",
        "exemptedUniversalLinks",
        "filterOpenInToOnlyManagedApps",
        "genmojiConfigurationState",
        "gracePeriodToBlockAppsDuringOffClockHours",
        "managedUniversalLinks",
        "maximumAllowedDeviceThreatLevel",
        "maximumRequiredOsVersion",
        "maximumWarningOsVersion",
        "maximumWipeOsVersion",
        "messagingRedirectAppUrlScheme",
        "minimumWarningSdkVersion",
        "minimumWipeAppVersion",
        "minimumWipeOsVersion",
        "minimumWipeSdkVersion",
        "mobileThreatDefensePartnerPriority",
        "mobileThreatDefenseRemediationAction",
        "notificationRestriction",
        "pinRequiredInsteadOfBiometricTimeout",
        "previousPinBlockCount",
        "protectInboundDataFromUnknownSources",
        "protectedMessagingRedirectAppType",
        "roleScopeTagIds",
        "screenCaptureConfigurationState",
        "targetedAppManagementLevels",
        "thirdPartyKeyboardsBlocked",
        "writingToolsConfigurationState",
    ] satisfies Array<keyof BetaIosManagedAppProtection>,
    android: [
        "allowedAndroidDeviceManufacturers",
        "allowedAndroidDeviceModels",
        "allowedDataIngestionLocations",
        "allowedOutboundClipboardSharingExceptionLength",
        "appActionIfAccountIsClockedOut",
        "appActionIfAndroidDeviceManufacturerNotAllowed",
        "appActionIfAndroidDeviceModelNotAllowed",
        "appActionIfAndroidSafetyNetAppsVerificationFailed",
        "appActionIfAndroidSafetyNetDeviceAttestationFailed",
        "appActionIfDeviceComplianceRequired",
        "appActionIfDeviceLockNotSet",
        "appActionIfDevicePasscodeComplexityLessThanHigh",
        "appActionIfDevicePasscodeComplexityLessThanLow",
        "appActionIfDevicePasscodeComplexityLessThanMedium",
        "appActionIfMaximumPinRetriesExceeded",
        "appActionIfSamsungKnoxAttestationRequired",
        "appActionIfUnableToAuthenticateUser",
        "appGroupType",
        "approvedKeyboards",
        "biometricAuthenticationBlocked",
        "blockAfterCompanyPortalUpdateDeferralInDays",
        "blockDataIngestionIntoOrganizationDocuments",
        "connectToVpnOnLaunch",
        "customDialerAppDisplayName",
        "customDialerAppPackageId",
        "deviceLockRequired",
        "dialerRestrictionLevel",
        "exemptedAppPackages",
        "fingerprintAndBiometricEnabled",
        "gracePeriodToBlockAppsDuringOffClockHours",
        "keyboardsRestricted",
        "maximumAllowedDeviceThreatLevel",
        "maximumRequiredOsVersion",
        "maximumWarningOsVersion",
        "maximumWipeOsVersion",
        "messagingRedirectAppDisplayName",
        "messagingRedirectAppPackageId",
        "minimumRequiredCompanyPortalVersion",
        "minimumWarningCompanyPortalVersion",
        "minimumWipeAppVersion",
        "minimumWipeCompanyPortalVersion",
        "minimumWipeOsVersion",
        "minimumWipePatchVersion",
        "mobileThreatDefensePartnerPriority",
        "mobileThreatDefenseRemediationAction",
        "notificationRestriction",
        "pinRequiredInsteadOfBiometricTimeout",
        "previousPinBlockCount",
        "protectedMessagingRedirectAppType",
        "requireClass3Biometrics",
        "requirePinAfterBiometricChange",
        "requiredAndroidSafetyNetAppsVerificationType",
        "requiredAndroidSafetyNetDeviceAttestationType",
        "requiredAndroidSafetyNetEvaluationType",
        "roleScopeTagIds",
        "targetedAppManagementLevels",
        "warnAfterCompanyPortalUpdateDeferralInDays",
        "wipeAfterCompanyPortalUpdateDeferralInDays",
    ] satisfies Array<keyof BetaAndroidManagedAppProtection>,
} as const;
