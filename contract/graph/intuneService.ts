/**
 * How Intune behaves over Graph beyond what its payloads say: its throttling, its rules across
 * connectors and the partners that hold a connector. The providers read it to decide how to wait and
 * what to check first; the emulator plays it.
 *
 * Plain data and functions only: dynamic providers capture this module by value.
 */

/**
 * Intune's throttling (Learn, "Microsoft Graph service-specific throttling limits", sections
 * "Intune applications service limits" and "Intune device configuration service limits", the same
 * figures in both): per 20 seconds, writes (POST, PUT, DELETE, PATCH) 100 per app per tenant and 200
 * per tenant for all apps; any request 1000 per app per tenant and 2000 per tenant. Intune is not
 * among the services Graph's throttling guide lists as sending `Retry-After`, so its 429 has none.
 */
export const intuneThrottling = {
    windowMs: 20_000,
    writesPerAppPerTenant: 100,
    writesPerTenant: 200,
    requestsPerAppPerTenant: 1000,
    requestsPerTenant: 2000,
    sendsRetryAfter: false,
} as const;
export type IntuneLimits = Record<
    "writesPerAppPerTenant" | "writesPerTenant" | "requestsPerAppPerTenant" | "requestsPerTenant",
    number
>;

/**
 * The Intune service whose limits a route counts against, by its root: `/deviceAppManagement` is
 * the applications service, `/deviceManagement` device configuration (the MTD connector's own
 * service is not named by Learn; it is counted with device configuration, the harsher reading, as
 * the two then share one budget). Other routes are not Intune's.
 */
export function intuneServiceOf(path: string): "applications" | "deviceConfiguration" | undefined {
    if (path.startsWith("/deviceAppManagement/")) return "applications";
    if (path.startsWith("/deviceManagement/")) return "deviceConfiguration";
    return undefined;
}

/**
 * The connector settings that enable app protection (MAM) evaluation per platform. Graph's metadata
 * on `mobileThreatDefenseConnector`: "Only one partner per platform may be enabled for Mobile
 * Application Management (MAM) evaluation."
 */
/** The platforms' names as Intune's admin center writes them, for messages. */
export const mtdPlatformNames = { ios: "iOS/iPadOS", android: "Android" } as const;

export const mamEvaluationSettings = {
    ios: "iosMobileApplicationManagementEnabled",
    android: "androidMobileApplicationManagementEnabled",
} as const;
export const onePartnerPerPlatformMessage =
    "Only one partner per platform may be enabled for Mobile Application Management (MAM) evaluation.";

/** The connector settings that connect a platform's devices for compliance evaluation. */
export const complianceEvaluationSettings = { ios: "iosEnabled", android: "androidEnabled" } as const;

/** Partners' well-known connector IDs, for naming another vendor's connector in a message. */
export const mtdPartnerNames: Record<string, string> = {
    "2c7790de-8b02-4814-85cf-e0c59380dee8": "Lookout for Work",
    "fc780465-2017-40d4-a0c5-307022471b92": "Microsoft Defender for Endpoint",
};
export const defenderMtdConnectorId = "fc780465-2017-40d4-a0c5-307022471b92";
