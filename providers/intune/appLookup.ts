/**
 * Finding Lookout's apps in Intune by their store identifier, and the steps an admin takes when a
 * managed Google Play app is not there yet.
 *
 * Graph versions: iOS App Store apps are v1.0 `iosStoreApp`s (or `iosVppApp`s, bought through Apple
 * Business Manager), listed with `isof(...)` as
 * Microsoft's own samples do and matched on `bundleId` here (Learn documents no server-side filter
 * on a derived type's property). Managed Google Play apps are `androidManagedStoreApp`s, a type only
 * beta defines, so they are listed on beta (v1.0's list would return them without a type, unmatched
 * by `isof`); their assignment is then an ordinary v1.0 `assign` on the app's ID. The cost is a page
 * per 100 apps of that one type, whatever the number of devices or users.
 */
import type { GraphClient } from "../graph/client";
import { graphPaths } from "../../contract/graph/routes";
import {
    existingAppTypes,
    type MobileAppRead,
    mobileAppSchema,
    type StoreAppPlatform,
} from "../../contract/graph/mobileApps";

/** The App Store's numeric ID in a store URL (`.../id997193468`), which Apple and Microsoft publish where a bundle ID may not be. */
export function appStoreNumber(url: string | null | undefined): string | undefined {
    return /\/id(\d+)(?:[/?#]|$)/.exec(url ?? "")?.[1];
}

/**
 * The tenant's apps of the platform's store type that are the app: the same store identifier
 * (ignoring case, as both stores do), or on iOS the same App Store ID in `appStoreUrl`, so an app an
 * admin added by hand is found even when its bundle ID is not the one configured.
 */
export async function findStoreApps(
    graph: GraphClient,
    platform: StoreAppPlatform,
    storeId: string,
    storeUrl?: string,
): Promise<MobileAppRead[]> {
    const apps = await graph.listAll(graphPaths.mobileAppsOfType(existingAppTypes[platform]), mobileAppSchema(), {
        version: platform === "ios" ? "v1.0" : "beta",
    });
    const idOf = (app: MobileAppRead) => (platform === "ios" ? app.bundleId : app.packageId) ?? "";
    const number = platform === "ios" ? appStoreNumber(storeUrl) : undefined;
    return apps.filter(
        (app) =>
            idOf(app).toLowerCase() === storeId.toLowerCase() ||
            (number !== undefined && appStoreNumber(app.appStoreUrl as string | undefined) === number),
    );
}

/** What an admin does once so a managed Google Play app appears in Intune (Learn, "Add Managed Google Play apps to Android Enterprise devices"). */
export function managedGooglePlaySteps(displayName: string, packageId: string): string {
    return (
        `the managed Google Play app ${displayName} (${packageId}) is not in Intune. Graph v1.0 has no call to approve it, so an Intune administrator does it once: ` +
        `(1) Intune admin center > Apps > All apps > Add > Managed Google Play app > Select; ` +
        `(2) search for ${displayName}, Approve, accept its permissions, choose "Keep approved when app requests new permissions", Done, then Select; ` +
        `(3) Sync (or Tenant administration > Connectors and tokens > Managed Google Play > Sync), and Refresh until it is listed under Apps > All apps. ` +
        `The tenant must be connected to managed Google Play first. Then run again.`
    );
}
