/**
 * The Microsoft Graph v1.0 shapes this project writes and reads, typed by Microsoft's own generated
 * types (`@microsoft/microsoft-graph-types`, generated from the published v1.0 metadata), so a
 * misspelt property or enum value fails `tsc`.
 *
 * Readers are tolerant: unknown properties are kept, enums Graph may extend (`unknownFutureValue`
 * and later members) read as strings, and a list may hold types the project does not manage.
 * Writers are precise: a body holds only the properties the stack manages (see the providers).
 *
 * Zod schemas are built by functions for the dynamic providers' serialization (no native objects
 * at module scope); the constant lists are plain data.
 */
import type {
    AndroidCompliancePolicy,
    AndroidWorkProfileCompliancePolicy,
    DeviceComplianceActionType,
    DeviceComplianceScheduledActionForRule,
    DeviceThreatProtectionLevel,
    Group,
    IosCompliancePolicy,
    MobileThreatDefenseConnector,
    MobileThreatPartnerTenantState,
} from "@microsoft/microsoft-graph-types";
import { z } from "zod";

/** Intune's id of the Lookout for Work MTD connector. */
export const lookoutMtdConnectorId = "2c7790de-8b02-4814-85cf-e0c59380dee8";

/** Members of v1.0 enums, spelled out once and checked against Microsoft's types. */
export const partnerStates = [
    "unavailable",
    "available",
    "enabled",
    "unresponsive",
    "unknownFutureValue",
] as const satisfies readonly MobileThreatPartnerTenantState[];
export const threatProtectionLevels = [
    "unavailable",
    "secured",
    "low",
    "medium",
    "high",
    "notSet",
] as const satisfies readonly DeviceThreatProtectionLevel[];
/** The levels a policy may require: "the highest threat level a compliant device may have". */
export const requiredSecurityLevels = [
    "secured",
    "low",
    "medium",
    "high",
] as const satisfies readonly DeviceThreatProtectionLevel[];
export type RequiredSecurityLevel = (typeof requiredSecurityLevels)[number];

/** A value of a Graph enum as read: a known member, or one Graph added later. */
export type Evolvable<T extends string> = T | (string & {});

/**
 * Every v1.0 setting of `mobileThreatDefenseConnector` that applies to Lookout for Work (not the
 * Windows and Defender for Endpoint ones), named as Graph names them; the portal's toggles map onto
 * them (Connect Android/iOS devices, App Sync for iOS, Block unsupported OS versions, App protection
 * policy evaluation, days until unresponsive).
 */
export const mtdConnectorSettingKeys = [
    "androidEnabled",
    "iosEnabled",
    "androidMobileApplicationManagementEnabled",
    "iosMobileApplicationManagementEnabled",
    "allowPartnerToCollectIOSApplicationMetadata",
    "allowPartnerToCollectIOSPersonalApplicationMetadata",
    "androidDeviceBlockedOnMissingPartnerData",
    "iosDeviceBlockedOnMissingPartnerData",
    "partnerUnsupportedOsVersionBlocked",
    "partnerUnresponsivenessThresholdInDays",
] as const satisfies ReadonlyArray<keyof MobileThreatDefenseConnector>;
export type MtdConnectorSettingKey = (typeof mtdConnectorSettingKeys)[number];
/** The managed settings, each optional: a setting left out is left as the tenant has it. */
export type MtdConnectorSettings = Partial<Required<Pick<MobileThreatDefenseConnector, MtdConnectorSettingKey>>>;

/** The managed settings with what the project accepts for each (Graph itself only types them). */
export function mtdConnectorSettingsSchema() {
    const flag = (portal: string) => z.boolean().optional().describe(portal);
    const shape = {
        androidEnabled: flag("Connect Android devices to Lookout (the portal's toggle)."),
        iosEnabled: flag("Connect iOS/iPadOS devices to Lookout."),
        androidMobileApplicationManagementEnabled: flag("App protection policy evaluation for Android."),
        iosMobileApplicationManagementEnabled: flag("App protection policy evaluation for iOS/iPadOS."),
        allowPartnerToCollectIOSApplicationMetadata: flag("App Sync for iOS: corporate devices' app inventory."),
        allowPartnerToCollectIOSPersonalApplicationMetadata: flag("App Sync for iOS: personal devices' app inventory."),
        androidDeviceBlockedOnMissingPartnerData: flag(
            "Treat Android devices Lookout has no data for as non-compliant.",
        ),
        iosDeviceBlockedOnMissingPartnerData: flag("Treat iOS devices Lookout has no data for as non-compliant."),
        partnerUnsupportedOsVersionBlocked: flag("Block OS versions Lookout does not support."),
        partnerUnresponsivenessThresholdInDays: z
            .number()
            .int()
            .min(1)
            .max(365)
            .optional()
            .describe("Number of days until the partner is unresponsive (Intune then ignores Lookout's data)."),
    } satisfies Record<MtdConnectorSettingKey, z.ZodType>;
    return z.strictObject(shape);
}

/**
 * Microsoft's generated reference pages for Intune entities show a GET answer as `{"value": {...}}`
 * while the service answers the bare entity: both are read.
 */
export function unwrapValue(body: unknown): unknown {
    const b = body as { id?: unknown; value?: unknown } | null;
    return b &&
        typeof b === "object" &&
        b.id === undefined &&
        b.value &&
        typeof b.value === "object" &&
        !Array.isArray(b.value)
        ? b.value
        : body;
}

/** `mobileThreatDefenseConnector` as Graph returns it: every property kept, enums read as strings. */
export function mtdConnectorSchema() {
    return z.preprocess(unwrapValue, mtdConnectorObjectSchema());
}

function mtdConnectorObjectSchema() {
    return z.looseObject({
        id: z.string(),
        lastHeartbeatDateTime: z.string().nullish(),
        partnerState: z.string().nullish(),
        androidEnabled: z.boolean().nullish(),
        iosEnabled: z.boolean().nullish(),
        partnerUnresponsivenessThresholdInDays: z.number().nullish(),
    });
}
export type MtdConnectorRead = Omit<MobileThreatDefenseConnector, "partnerState" | "lastHeartbeatDateTime"> & {
    id: string;
    partnerState?: Evolvable<MobileThreatPartnerTenantState> | null;
    lastHeartbeatDateTime?: string | null;
};

/** A collection page as Graph returns it. */
export function pageSchema<T extends z.ZodType>(item: T) {
    return z.looseObject({
        value: z.array(item),
        "@odata.nextLink": z.string().optional(),
        "@odata.count": z.number().optional(),
    });
}

/** The compliance policy types that carry the threat-level settings in v1.0, by the platform names our config uses. */
export const compliancePolicyTypes = {
    androidDeviceAdministrator: "#microsoft.graph.androidCompliancePolicy",
    androidWorkProfile: "#microsoft.graph.androidWorkProfileCompliancePolicy",
    ios: "#microsoft.graph.iosCompliancePolicy",
} as const;
export type CompliancePlatform = keyof typeof compliancePolicyTypes;
export const compliancePlatforms = Object.keys(compliancePolicyTypes) as [CompliancePlatform, ...CompliancePlatform[]];

/** A compliance policy's platform, as config, the resource and the plugin accept it. */
export function compliancePlatformSchema() {
    return z.enum(
        compliancePlatforms,
        `must be ${compliancePlatforms.join(", ")} (Graph v1.0 has no compliance policy type for Android Enterprise fully managed devices)`,
    );
}

/** The highest Lookout threat level a compliant device may have. */
export function requiredSecurityLevelSchema() {
    return z.enum(
        requiredSecurityLevels,
        `must be ${requiredSecurityLevels.join(", ")} (the highest threat level a compliant device may have)`,
    );
}

export function platformOfType(odataType: string | undefined): CompliancePlatform | undefined {
    return compliancePlatforms.find((p) => compliancePolicyTypes[p] === odataType);
}

/** The properties every threat-capable policy type shares; written only when the stack manages them. */
type ThreatPolicy = AndroidCompliancePolicy & AndroidWorkProfileCompliancePolicy & IosCompliancePolicy;
export type ThreatPolicySettings = Partial<
    Pick<
        ThreatPolicy,
        "displayName" | "description" | "deviceThreatProtectionEnabled" | "deviceThreatProtectionRequiredSecurityLevel"
    >
>;
/** A write to a threat-level policy: Graph needs the `@odata.type` on every POST and PATCH of a derived type. */
export type ThreatPolicyWrite = ThreatPolicySettings & {
    "@odata.type": (typeof compliancePolicyTypes)[CompliancePlatform];
    scheduledActionsForRule?: DeviceComplianceScheduledActionForRule[];
};

/** One entry of a compliance policy list: any type; what the project manages is read by `threatPolicySchema`. */
export function anyCompliancePolicySchema() {
    return z.looseObject({ "@odata.type": z.string(), id: z.string(), displayName: z.string().nullish() });
}

/** A threat-capable compliance policy as Graph returns it (every other property kept). */
export function threatPolicySchema() {
    return z.preprocess(unwrapValue, threatPolicyObjectSchema());
}

function threatPolicyObjectSchema() {
    return z.looseObject({
        "@odata.type": z.string(),
        id: z.string(),
        displayName: z.string(),
        description: z.string().nullish(),
        deviceThreatProtectionEnabled: z.boolean().nullish(),
        deviceThreatProtectionRequiredSecurityLevel: z.string().nullish(),
        version: z.number().nullish(),
    });
}
export type ThreatPolicyRead = z.infer<ReturnType<typeof threatPolicySchema>>;

/** The action Graph requires on a new policy: exactly one rule with one `block` action. */
export function blockRule(): DeviceComplianceScheduledActionForRule[] {
    return [
        {
            ruleName: "PasswordRequired",
            scheduledActionConfigurations: [
                {
                    actionType: "block" satisfies DeviceComplianceActionType,
                    gracePeriodHours: 0,
                    notificationTemplateId: "",
                    notificationMessageCCList: [],
                },
            ],
        },
    ];
}

export const deviceComplianceActionTypes = [
    "noAction",
    "notification",
    "block",
    "retire",
    "wipe",
    "removeResourceAccessProfiles",
    "pushNotification",
] as const satisfies readonly DeviceComplianceActionType[];

/** `scheduledActionsForRule` on a create: Graph accepts exactly one rule, with one block action. */
export function scheduledActionsSchema() {
    return z
        .array(
            z.looseObject({
                ruleName: z.string().nullish(),
                scheduledActionConfigurations: z
                    .array(
                        z.looseObject({
                            actionType: z.enum(deviceComplianceActionTypes),
                            gracePeriodHours: z.number().int().min(0).max(8760).optional(),
                        }),
                    )
                    .min(1),
            }),
        )
        .length(1, "a compliance policy is created with exactly one scheduled action rule")
        .refine(
            (rules) => rules[0].scheduledActionConfigurations.filter((a) => a.actionType === "block").length === 1,
            "the rule needs exactly one block action",
        );
}

/** Assignment targets: the `@odata.type` is read with or without Graph's leading `#`. */
export const assignmentTargetTypes = {
    group: "#microsoft.graph.groupAssignmentTarget",
    exclusionGroup: "#microsoft.graph.exclusionGroupAssignmentTarget",
} as const;

export function normalizeODataType(type: string | undefined): string | undefined {
    return type === undefined ? undefined : type.startsWith("#") ? type : `#${type}`;
}

/** A `deviceCompliancePolicyAssignment` as read or written. */
export function assignmentSchema() {
    return z.looseObject({
        id: z.string().optional(),
        target: z.looseObject({
            "@odata.type": z.string().transform((t) => normalizeODataType(t)!),
            groupId: z.string().nullish(),
        }),
    });
}
export type Assignment = z.infer<ReturnType<typeof assignmentSchema>>;

/** Graph's error body. */
export function graphErrorSchema() {
    return z.object({
        error: z.object({
            code: z.string(),
            message: z.string(),
            innerError: z.record(z.string(), z.unknown()).optional(),
        }),
    });
}
export type GraphErrorBody = z.infer<ReturnType<typeof graphErrorSchema>>;

/** The group properties the checks read (`$select=id,displayName,securityEnabled,mailEnabled`). */
export type DirectoryGroup = { [K in "id" | "displayName"]: NonNullable<Group[K]> } & {
    [K in "securityEnabled" | "mailEnabled"]: Group[K] | null;
};

export function directoryGroupSchema() {
    return z.looseObject({
        id: z.string(),
        displayName: z.string(),
        securityEnabled: z.boolean().nullable(),
        mailEnabled: z.boolean().nullable(),
    });
}

/** A directory object as a member list or an OData cast returns it. */
export function directoryObjectSchema() {
    return z.looseObject({ "@odata.type": z.string().optional(), id: z.string(), displayName: z.string().nullish() });
}

/** `$count` segments answer a plain integer (text/plain). */
export function countSchema() {
    return z.coerce.number().int().min(0);
}
