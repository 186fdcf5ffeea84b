/**
 * The Microsoft Graph shapes this project writes and reads (Intune's Mobile Threat Defense
 * connector and device compliance policies), as Microsoft documents them, shared by the providers
 * and the Graph part of the emulator. Built by functions for the same serialization reason as the
 * Lookout schemas.
 */
import { z } from "zod";

/** Intune's id of the Lookout for Work MTD connector. */
export const lookoutMtdConnectorId = "2c7790de-8b02-4814-85cf-e0c59380dee8";

export const partnerStates = ["unavailable", "available", "enabled", "unresponsive", "notSetUp", "error"] as const;
export const threatSecurityLevels = ["unavailable", "secured", "low", "medium", "high", "notSet"] as const;

/** The settable part of `mobileThreatDefenseConnector`. */
export function mtdConnectorSettingsSchema() {
    return z
        .object({
            androidEnabled: z.boolean(),
            iosEnabled: z.boolean(),
            androidDeviceBlockedOnMissingPartnerData: z.boolean(),
            iosDeviceBlockedOnMissingPartnerData: z.boolean(),
            partnerUnsupportedOsVersionBlocked: z.boolean(),
            partnerUnresponsivenessThresholdInDays: z.number().int().min(1).max(365),
            allowPartnerToCollectIosApplicationMetadata: z.boolean(),
        })
        .strict();
}
export type MtdConnectorSettings = z.infer<ReturnType<typeof mtdConnectorSettingsSchema>>;

/** `mobileThreatDefenseConnector` as Graph returns it. */
export function mtdConnectorSchema() {
    return mtdConnectorSettingsSchema().extend({
        "@odata.type": z.literal("#microsoft.graph.mobileThreatDefenseConnector").optional(),
        id: z.string(),
        lastHeartbeatDateTime: z.string(),
        partnerState: z.enum(partnerStates),
    });
}
export type MtdConnector = z.infer<ReturnType<typeof mtdConnectorSchema>>;

/** The compliance policy types that carry the threat-level settings, by the platform names our config uses. */
export const compliancePolicyTypes = {
    androidDeviceAdministrator: "#microsoft.graph.androidCompliancePolicy",
    androidWorkProfile: "#microsoft.graph.androidWorkProfileCompliancePolicy",
    androidFullyManaged: "#microsoft.graph.androidDeviceOwnerCompliancePolicy",
    ios: "#microsoft.graph.iosCompliancePolicy",
} as const;
export type CompliancePlatform = keyof typeof compliancePolicyTypes;

export function scheduledActionsSchema() {
    return z
        .array(
            z.object({
                ruleName: z.string().optional(),
                scheduledActionConfigurations: z
                    .array(
                        z.object({
                            actionType: z.enum(["noAction", "notification", "block", "retire", "wipe", "removeResourceAccessProfiles", "pushNotification", "remoteLock"]),
                            gracePeriodHours: z.number().int().min(0),
                            notificationTemplateId: z.string().optional(),
                            notificationMessageCCList: z.array(z.string()).optional(),
                        }),
                    )
                    .min(1),
            }),
        )
        .length(1, "a compliance policy is created with exactly one scheduled action rule")
        .refine((rules) => rules[0].scheduledActionConfigurations.filter((a) => a.actionType === "block").length === 1, "the rule needs exactly one block action");
}

/** The body of `POST /deviceManagement/deviceCompliancePolicies` for a threat-level policy. */
export function compliancePolicyCreateSchema() {
    return z.object({
        "@odata.type": z.enum(Object.values(compliancePolicyTypes) as [string, ...string[]]),
        displayName: z.string().min(1).max(256),
        description: z.string().optional(),
        deviceThreatProtectionEnabled: z.boolean(),
        deviceThreatProtectionRequiredSecurityLevel: z.enum(threatSecurityLevels),
        scheduledActionsForRule: scheduledActionsSchema(),
    });
}

/** `PATCH .../deviceCompliancePolicies/{id}`: scheduled actions cannot be patched. */
export function compliancePolicyPatchSchema() {
    return z
        .object({
            "@odata.type": z.enum(Object.values(compliancePolicyTypes) as [string, ...string[]]),
            displayName: z.string().min(1).max(256).optional(),
            description: z.string().optional(),
            deviceThreatProtectionEnabled: z.boolean().optional(),
            deviceThreatProtectionRequiredSecurityLevel: z.enum(threatSecurityLevels).optional(),
        })
        .strict();
}

export function compliancePolicySchema() {
    return z.object({
        "@odata.type": z.string(),
        id: z.string(),
        displayName: z.string(),
        description: z.string().nullable().optional(),
        deviceThreatProtectionEnabled: z.boolean(),
        deviceThreatProtectionRequiredSecurityLevel: z.enum(threatSecurityLevels),
    });
}
export type CompliancePolicy = z.infer<ReturnType<typeof compliancePolicySchema>>;

/** A page of `GET /deviceManagement/deviceCompliancePolicies`. */
export function compliancePolicyPageSchema() {
    return z.object({ value: z.array(compliancePolicySchema()), "@odata.nextLink": z.string().optional() });
}

/** `POST .../deviceCompliancePolicies/{id}/assign` */
export function assignBodySchema() {
    return z
        .object({
            assignments: z.array(
                z.object({
                    target: z.object({
                        "@odata.type": z.literal("#microsoft.graph.groupAssignmentTarget"),
                        groupId: z.string().min(1),
                    }),
                }),
            ),
        })
        .strict();
}

/** `GET .../deviceCompliancePolicies/{id}/assignments` */
export function assignmentListSchema() {
    return z.object({
        value: z.array(z.object({ id: z.string().optional(), target: z.object({ "@odata.type": z.string(), groupId: z.string().optional() }) })),
    });
}

/** Graph's error body. */
export function graphErrorSchema() {
    return z.object({
        error: z.object({ code: z.string(), message: z.string(), innerError: z.record(z.string(), z.unknown()).optional() }),
    });
}
export type GraphErrorBody = z.infer<ReturnType<typeof graphErrorSchema>>;

/** A group as `GET /groups` and `GET /groups/{id}` return it with `$select=id,displayName,securityEnabled,mailEnabled`. */
export function directoryGroupSchema() {
    return z.object({ id: z.string(), displayName: z.string(), securityEnabled: z.boolean().nullable(), mailEnabled: z.boolean().nullable() });
}

export function directoryGroupPageSchema() {
    return z.object({ value: z.array(directoryGroupSchema()), "@odata.nextLink": z.string().optional() });
}

/** `GET /groups/{id}/members?$select=id`: directory objects with their type. */
export function memberPageSchema() {
    return z.object({ value: z.array(z.object({ "@odata.type": z.string(), id: z.string() })), "@odata.nextLink": z.string().optional() });
}
