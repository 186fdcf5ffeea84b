/**
 * The apps a device needs before Lookout can activate it, as Microsoft's Intune guide names them
 * ("Add and assign Mobile Threat Defense (MTD) apps with Intune"): on iOS/iPadOS Lookout for Work
 * from the App Store and Microsoft Authenticator as its sign-in broker; on Android Enterprise
 * Lookout for Work from managed Google Play (the Intune Company Portal is the broker there and is
 * already on every enrolled device).
 *
 * Each app is found in Intune by its store identifier (`bundleId`, `packageId`, or on iOS the App
 * Store ID in its store URL): display names are not unique and admins rename apps.
 *
 * Plain data: dynamic providers capture this module by value.
 */
import type { StoreAppPlatform } from "./mobileApps";

export interface StoreAppSpec {
    /** What the stack calls the app in messages and resource names. */
    key: "lookoutForWork" | "authenticator";
    platform: StoreAppPlatform;
    /** The store identifier: the iOS bundle ID or the Android package ID. */
    storeId: string;
    displayName: string;
    publisher: string;
    /** The store page, sent as `appStoreUrl` when the stack adds an iOS app. */
    storeUrl: string;
}

/**
 * Lookout for Work's iOS bundle ID: **not published**. Lookout and Microsoft publish only the App
 * Store ID (997193468, in `storeUrl`); `com.lookout.enterprise` is the Android package and the stem
 * of the bundle ID Lookout's re-signing guide names, so it is an assumption. An existing app is also
 * found by its App Store ID, and config `intune.apps.lookoutForWorkIosBundleId` overrides this.
 */
export const lookoutForWorkIosBundleId = "com.lookout.enterprise";

export const lookoutApps = {
    ios: [
        {
            key: "lookoutForWork",
            platform: "ios",
            storeId: lookoutForWorkIosBundleId,
            displayName: "Lookout for Work",
            publisher: "Lookout, Inc.",
            storeUrl: "https://apps.apple.com/app/lookout-for-work/id997193468",
        },
        {
            key: "authenticator",
            platform: "ios",
            storeId: "com.microsoft.azureauthenticator",
            displayName: "Microsoft Authenticator",
            publisher: "Microsoft Corporation",
            storeUrl: "https://apps.apple.com/app/microsoft-authenticator/id983156458",
        },
    ],
    androidEnterprise: [
        {
            key: "lookoutForWork",
            platform: "androidEnterprise",
            storeId: "com.lookout.enterprise",
            displayName: "Lookout for Work",
            publisher: "Lookout, Inc.",
            storeUrl: "https://play.google.com/store/apps/details?id=com.lookout.enterprise",
        },
    ],
} as const satisfies Record<StoreAppPlatform, readonly StoreAppSpec[]>;
