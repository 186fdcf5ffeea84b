/**
 * The payloads of the Lookout console-settings contract, shared by the provider's client and the
 * emulator so the two can never disagree. The routes live in `routes.ts` beside this file; the
 * OpenAPI document beside them describes both for humans and other tools.
 *
 * Every schema is built by a function, never at module scope: the dynamic providers capture these
 * functions, and Pulumi cannot serialize a zod instance captured from module scope.
 */
import { z } from "zod";

export const riskLevels = ["none", "low", "medium", "high"] as const;
export type RiskLevel = (typeof riskLevels)[number];

/** Limits of the connector form, in one place for the provider's `check`, the config and the emulator. */
export const connectorLimits = {
    heartbeatFrequencyMinutes: { min: 5, max: 1440 },
    newDeviceCheckIntervalMinutes: { min: 1, max: 60, recommended: 5 },
    disconnectedDeviceThresholdDays: { min: 1, max: 90 },
    enrollmentGroups: { max: 500 },
} as const;

/** The Intune connector (System > Connectors > Intune) as Lookout stores it: every field present. */
export function intuneConnectorSettingsSchema() {
    const limits = connectorLimits;
    return z
        .object({
            heartbeatFrequencyMinutes: z
                .number()
                .int()
                .min(limits.heartbeatFrequencyMinutes.min)
                .max(limits.heartbeatFrequencyMinutes.max)
                .describe("How often Lookout checks in with Intune, in minutes."),
            enrollmentGroups: z
                .array(z.string().trim().min(1, "group display name must not be empty").max(256))
                .min(1, "at least one enrollment group is required")
                .max(limits.enrollmentGroups.max)
                .refine((names) => new Set(names).size === names.length, "enrollment groups must be unique")
                .describe(
                    "Entra group display names whose members' devices Lookout enrolls. Case-sensitive and not validated by Lookout: pass each group's `displayName` output rather than typing the name.",
                ),
            newDeviceCheckIntervalMinutes: z
                .number()
                .int()
                .min(limits.newDeviceCheckIntervalMinutes.min)
                .max(limits.newDeviceCheckIntervalMinutes.max)
                .describe("Interval for checking for new devices, in minutes. Lookout recommends 5."),
            disconnectedDeviceThresholdDays: z
                .number()
                .int()
                .min(limits.disconnectedDeviceThresholdDays.min)
                .max(limits.disconnectedDeviceThresholdDays.max)
                .nullable()
                .describe(
                    "Days after which a device that stopped reporting counts as disconnected (1-90); `null`: not set.",
                ),
            stateSync: z
                .object({ deviceStatus: z.boolean(), threatStatus: z.boolean() })
                .strict()
                .describe(
                    "Which states Lookout sends to Intune. With either off, Intune stops receiving Lookout's verdicts and compliance no longer reflects threats.",
                ),
            errorReportEmail: z
                .email("must be an e-mail address")
                .describe("Address that receives the connector's error reports."),
        })
        .strict();
}

/**
 * The connector as a user declares it (stack config, the resource's Args, the plugin): the stored
 * shape with Lookout's defaults for what may be left out (check interval 5, no disconnect threshold,
 * both state syncs on).
 */
export function intuneConnectorInputsSchema() {
    const settings = intuneConnectorSettingsSchema().shape;
    return intuneConnectorSettingsSchema().extend({
        newDeviceCheckIntervalMinutes: settings.newDeviceCheckIntervalMinutes.default(
            connectorLimits.newDeviceCheckIntervalMinutes.recommended,
        ),
        disconnectedDeviceThresholdDays: settings.disconnectedDeviceThresholdDays
            .optional()
            .transform((days) => days ?? null),
        stateSync: z
            .object({
                deviceStatus: z.boolean().default(true).describe("Send device status to Intune."),
                threatStatus: z.boolean().default(true).describe("Send threat status to Intune."),
            })
            .strict()
            .prefault({})
            .describe(settings.stateSync.description ?? ""),
    });
}
export type IntuneConnectorInput = z.input<ReturnType<typeof intuneConnectorInputsSchema>>;

export type IntuneConnectorSettings = z.infer<ReturnType<typeof intuneConnectorSettingsSchema>>;

export function notificationPreferencesSchema() {
    return z.object({ emailNotifications: z.boolean() }).strict();
}
export type NotificationPreferences = z.infer<ReturnType<typeof notificationPreferencesSchema>>;

export function threatClassificationSchema() {
    return z
        .object({
            name: z.string(),
            category: z.enum(["app", "device", "os", "network"]),
            riskLevel: z.enum(riskLevels),
            defaultRiskLevel: z.enum(riskLevels),
        })
        .strict();
}
export type ThreatClassification = z.infer<ReturnType<typeof threatClassificationSchema>>;

export function threatClassificationListSchema() {
    return z.object({ classifications: z.array(threatClassificationSchema()) }).strict();
}

/** `PATCH /threat-classifications`: only the named classifications change. */
export function threatClassificationPatchSchema() {
    return z
        .object({
            riskLevels: z
                .record(
                    z
                        .string()
                        .regex(/^[A-Z][A-Z0-9_]*$/, "classification names are UPPER_SNAKE_CASE, e.g. SIDELOADED_APP"),
                    z.enum(riskLevels),
                )
                .refine((levels) => Object.keys(levels).length > 0, "name at least one classification"),
        })
        .strict();
}

export function tokenResponseSchema() {
    return z.object({
        access_token: z.string().min(1),
        token_type: z.string(),
        expires_in: z.number().int().positive(),
        /** Space-separated scopes of the key (settings:read, settings:write); absent means unrestricted. */
        scope: z.string().optional(),
    });
}

/** Lookout's public error body. */
export function lookoutErrorSchema() {
    return z.object({
        type: z.literal("Error"),
        statusCode: z.number().int(),
        errorCode: z.string(),
        message: z.string(),
        requestId: z.string(),
    });
}
export type LookoutError = z.infer<ReturnType<typeof lookoutErrorSchema>>;

/**
 * Lookout's threat classifications with the risk level a new tenant starts with. The emulator seeds
 * tenants from it and the stack config refuses names that are not in it, so a typo fails early.
 */
export const threatClassificationCatalogue: ReadonlyArray<{
    name: string;
    category: ThreatClassification["category"];
    defaultRiskLevel: RiskLevel;
}> = [
    { name: "ADWARE", category: "app", defaultRiskLevel: "low" },
    { name: "APP_DROPPER", category: "app", defaultRiskLevel: "high" },
    { name: "BACKDOOR", category: "app", defaultRiskLevel: "high" },
    { name: "BOT", category: "app", defaultRiskLevel: "high" },
    { name: "CHARGEWARE", category: "app", defaultRiskLevel: "medium" },
    { name: "CLICK_FRAUD", category: "app", defaultRiskLevel: "medium" },
    { name: "DENYLISTED_APP", category: "app", defaultRiskLevel: "high" },
    { name: "EXPLOIT", category: "app", defaultRiskLevel: "high" },
    { name: "RISKWARE", category: "app", defaultRiskLevel: "low" },
    { name: "ROOT_ENABLER", category: "app", defaultRiskLevel: "high" },
    { name: "SIDELOADED_APP", category: "app", defaultRiskLevel: "medium" },
    { name: "SPY", category: "app", defaultRiskLevel: "high" },
    { name: "SURVEILLANCE", category: "app", defaultRiskLevel: "high" },
    { name: "TROJAN", category: "app", defaultRiskLevel: "high" },
    { name: "VULNERABILITY", category: "app", defaultRiskLevel: "medium" },
    { name: "ROOTED_JAILBROKEN", category: "device", defaultRiskLevel: "high" },
    { name: "DEVICE_ENCRYPTION_DISABLED", category: "device", defaultRiskLevel: "medium" },
    { name: "NO_DEVICE_LOCK", category: "device", defaultRiskLevel: "low" },
    { name: "USB_DEBUGGING_ENABLED", category: "device", defaultRiskLevel: "low" },
    { name: "UNKNOWN_SOURCES_ENABLED", category: "device", defaultRiskLevel: "low" },
    { name: "OUT_OF_DATE_OS", category: "os", defaultRiskLevel: "medium" },
    { name: "OS_VULNERABILITY", category: "os", defaultRiskLevel: "medium" },
    { name: "MAN_IN_THE_MIDDLE", category: "network", defaultRiskLevel: "high" },
    { name: "ROGUE_WIFI", category: "network", defaultRiskLevel: "medium" },
    { name: "VPN_NOT_ENABLED", category: "network", defaultRiskLevel: "none" },
];
