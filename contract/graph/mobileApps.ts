/**
 * The Intune app payloads the project writes and reads (Lookout for Work and its sign-in broker):
 * mobile apps and their assignments, typed by Microsoft's generated types. As in `schemas.ts`,
 * readers are tolerant and writers precise; kept apart so the providers that do not deploy apps
 * do not carry them.
 */
import type {
    InstallIntent,
    IosStoreApp,
    IosStoreAppAssignmentSettings,
    IosVppAppAssignmentSettings,
    MobileAppAssignment,
} from "@microsoft/microsoft-graph-types";
import { z } from "zod";
import { type Evolvable, normalizeODataType, unwrapValue } from "./schemas";

/**
 * The store app types the stack deploys, by platform: App Store apps as v1.0's `iosStoreApp`, and
 * managed Google Play apps as `androidManagedStoreApp`, a type only Graph beta defines (v1.0's
 * metadata names it among mobileApps' derived types but declares no such entity type).
 */
export const storeAppTypes = {
    ios: "#microsoft.graph.iosStoreApp",
    androidEnterprise: "#microsoft.graph.androidManagedStoreApp",
} as const;
export type StoreAppPlatform = keyof typeof storeAppTypes;

/** An App Store app bought through Apple Business Manager (volume purchase) and synced into Intune. */
export const iosVppAppType = "#microsoft.graph.iosVppApp";

/** The types an existing app of the platform may have in Intune: on iOS also a volume-purchase (VPP) app, which the stack adopts but never adds. */
export const existingAppTypes: Record<StoreAppPlatform, readonly string[]> = {
    ios: [storeAppTypes.ios, iosVppAppType],
    androidEnterprise: [storeAppTypes.androidEnterprise],
};
export const storeAppPlatforms = Object.keys(storeAppTypes) as [StoreAppPlatform, ...StoreAppPlatform[]];

/** Install intents v1.0 defines (installIntent); the stack assigns `required` or `available`. */
export const installIntents = [
    "available",
    "required",
    "uninstall",
    "availableWithoutEnrollment",
] as const satisfies readonly InstallIntent[];
export const deployedIntents = ["required", "available"] as const satisfies readonly InstallIntent[];
export type DeployedIntent = (typeof deployedIntents)[number];

/** A mobile app as a list or get returns it: its store identifier (`bundleId` on iOS, `packageId` on Android), every other property kept. */
export function mobileAppSchema() {
    return z.preprocess(
        unwrapValue,
        z.looseObject({
            "@odata.type": z.string().optional(),
            id: z.string(),
            displayName: z.string().nullish(),
            description: z.string().nullish(),
            bundleId: z.string().nullish(),
            appStoreUrl: z.string().nullish(),
            packageId: z.string().nullish(),
            publishingState: z.string().nullish(),
        }),
    );
}
export type MobileAppRead = z.infer<ReturnType<typeof mobileAppSchema>>;

/** What the stack sends to create an App Store app: only what Graph cannot look up itself (it does not query the App Store). */
export type IosStoreAppWrite = Required<
    Pick<
        IosStoreApp,
        | "displayName"
        | "publisher"
        | "bundleId"
        | "appStoreUrl"
        | "applicableDeviceType"
        | "minimumSupportedOperatingSystem"
    >
> &
    Pick<IosStoreApp, "description" | "isFeatured"> & { "@odata.type": typeof storeAppTypes.ios };

/** A mobileAppAssignment as read or written: target and settings keep every property they have, so a write sends back what it read. */
export function mobileAppAssignmentSchema() {
    return z.looseObject({
        "@odata.type": z.string().optional(),
        id: z.string().optional(),
        intent: z.string(),
        target: z.looseObject({
            "@odata.type": z.string().transform((t) => normalizeODataType(t)!),
            groupId: z.string().nullish(),
        }),
        settings: z.looseObject({ "@odata.type": z.string().optional() }).nullish(),
    });
}
export type MobileAppAssignmentRead = z.infer<ReturnType<typeof mobileAppAssignmentSchema>>;
export type MobileAppAssignmentWrite = Omit<MobileAppAssignment, "intent" | "settings" | "target"> & {
    "@odata.type": "#microsoft.graph.mobileAppAssignment";
    intent: Evolvable<InstallIntent>;
    target: Record<string, unknown> & { "@odata.type": string };
    /** Sent back as read; a new assignment carries a v1.0 settings type such as iosStoreAppAssignmentSettings. */
    settings?: object | null;
};

/**
 * Assignment settings Intune accepts only with intent `required`, by settings type: on an iOS store
 * app assignment of any other intent, a non-null `isRemovable` is refused with 400 "IsRemovable
 * setting is only supported for Required intent." (the service's answer as Intune gives it;
 * terraform-provider-microsoft365 validates the same rule before sending).
 */
export const requiredIntentOnlySettings: Record<string, readonly string[]> = {
    "#microsoft.graph.iosStoreAppAssignmentSettings": ["isRemovable"],
};
export const requiredIntentOnlyMessage = (setting: string) =>
    `${setting[0].toUpperCase()}${setting.slice(1)} setting is only supported for Required intent.`;

type AssignmentSettings = Record<string, unknown> & { "@odata.type"?: string };

/** `settings` as valid for `intent`: the settings only `required` allows are left out of any other intent. */
export function settingsForIntent<S extends AssignmentSettings | null | undefined>(settings: S, intent: string): S {
    if (!settings || intent === "required") return settings;
    const onlyRequired = requiredIntentOnlySettings[normalizeODataType(settings["@odata.type"]) ?? ""] ?? [];
    return Object.fromEntries(Object.entries(settings).filter(([k]) => !onlyRequired.includes(k))) as S;
}

/**
 * Settings of an assignment the stack adds, by the app's type and the intent: an App Store app
 * stays until the device leaves management, and a required one cannot be removed by the user; a VPP
 * app is licensed to the device (no Apple ID needed on it); Android has no v1.0 settings type.
 */
export function newAssignmentSettings(
    appType: string | undefined,
    intent: string,
): ((IosStoreAppAssignmentSettings | IosVppAppAssignmentSettings) & { "@odata.type": string }) | null {
    if (appType === storeAppTypes.ios)
        return settingsForIntent(
            {
                "@odata.type": "#microsoft.graph.iosStoreAppAssignmentSettings",
                uninstallOnDeviceRemoval: true,
                isRemovable: false,
                vpnConfigurationId: null,
            },
            intent,
        );
    if (appType === iosVppAppType)
        return {
            "@odata.type": "#microsoft.graph.iosVppAppAssignmentSettings",
            useDeviceLicensing: true,
            vpnConfigurationId: null,
        };
    return null;
}

const iosVersionFlags = ["v8_0", "v9_0", "v10_0", "v11_0", "v12_0", "v13_0", "v14_0", "v15_0"] as const;

/**
 * v1.0's `iosMinimumOperatingSystem`: one flag per iOS version, exactly one of them true (Graph
 * refuses an app with none or several); v1.0 can express nothing above iOS 15.
 */
export function iosMinimumOs(
    version: (typeof iosVersionFlags)[number],
): Record<(typeof iosVersionFlags)[number], boolean> {
    return Object.fromEntries(iosVersionFlags.map((v) => [v, v === version])) as Record<
        (typeof iosVersionFlags)[number],
        boolean
    >;
}
