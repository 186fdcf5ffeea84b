/**
 * The dev tenant's app protection policies, made by another admin before the stack ran: the iOS
 * policy the dev stack names (Pulumi.dev.yaml, `lookout-mtp:appProtection`), and two it must leave as
 * they are (another iOS policy, and an Android one with threat settings of its own). Intune names a
 * targeted policy `T_<guid>`. Every v1.0 property is set, as the admin center sets them.
 */
import { appProtectionProperties, completeEntity } from "../contract/graph/entities";
import type { StoredAppProtection } from "./store";

export const devAppProtectionIds = {
    iosByod: "T_5b1f2c3d-7a8e-4f60-9b1c-2d3e4f5a6b7c",
    iosExecutives: "T_6c2a3d4e-8b9f-4a71-8c2d-3e4f5a6b7c8d",
    androidFrontline: "T_7d3b4e5f-9c0a-4b82-9d3e-4f5a6b7c8d9e",
} as const;

const created = "2024-04-02T08:30:00Z";

/** What the admin center sets on a new policy for BYOD phones (Learn's "level 2, enhanced data protection"). */
const enhancedDataProtection = {
    createdDateTime: created,
    lastModifiedDateTime: created,
    version: '"5a00d6d8-0000-0d00-0000-660bc2a80000"',
    allowedDataStorageLocations: ["oneDriveForBusiness", "sharePoint"],
    allowedInboundDataTransferSources: "allApps",
    allowedOutboundClipboardSharingLevel: "managedAppsWithPasteIn",
    allowedOutboundDataTransferDestinations: "managedApps",
    dataBackupBlocked: true,
    deviceComplianceRequired: true,
    maximumPinRetries: 5,
    minimumPinLength: 6,
    organizationalCredentialsRequired: false,
    periodBeforePinReset: "PT0S",
    periodOfflineBeforeAccessCheck: "PT12H",
    periodOfflineBeforeWipeIsEnforced: "P90D",
    periodOnlineBeforeAccessCheck: "PT30M",
    pinCharacterSet: "numeric",
    pinRequired: true,
    printBlocked: true,
    saveAsBlocked: true,
    simplePinBlocked: true,
    managedBrowser: "microsoftEdge",
    managedBrowserToOpenLinksRequired: true,
    isAssigned: true,
};

function policy(
    platform: "ios" | "android",
    id: string,
    displayName: string,
    extra: Record<string, unknown>,
    threat: Record<string, string> = {},
): StoredAppProtection {
    const body = completeEntity(appProtectionProperties[platform], {
        ...enhancedDataProtection,
        id,
        displayName,
        description: "Made by the endpoint team in the Intune admin center.",
        ...extra,
    });
    // The threat settings are beta's (contract/graph/appProtection.ts); unset, beta answers its defaults.
    return { platform, body: { ...body, ...threat, id } };
}

/** The tenant's app protection policies before the stack ran, by id. */
export function devAppProtectionPolicies(): Record<string, StoredAppProtection> {
    const policies = [
        policy("ios", devAppProtectionIds.iosByod, "Contoso iOS - BYOD", {
            appDataEncryptionType: "whenDeviceLocked",
            faceIdBlocked: false,
            deployedAppCount: 6,
        }),
        policy(
            "ios",
            devAppProtectionIds.iosExecutives,
            "Contoso iOS - Executives",
            {
                appDataEncryptionType: "whenDeviceLocked",
                deployedAppCount: 4,
            },
            { maximumAllowedDeviceThreatLevel: "secured", mobileThreatDefenseRemediationAction: "wipe" },
        ),
        policy(
            "android",
            devAppProtectionIds.androidFrontline,
            "Contoso Android - Frontline",
            {
                encryptAppData: true,
                screenCaptureBlocked: true,
                deployedAppCount: 3,
            },
            { maximumAllowedDeviceThreatLevel: "medium", mobileThreatDefenseRemediationAction: "block" },
        ),
    ];
    return Object.fromEntries(policies.map((p) => [p.body.id, p]));
}
