/**
 * Intune's managed devices as the status report and the preview's impact warnings read them
 * (`GET /deviceManagement/managedDevices`, Learn: "List managedDevices"): the v1.0 enums, checked
 * against Microsoft's generated types, the properties read, and how a threat level compares with a
 * compliance policy's required level.
 *
 * Plain data and functions only (the readers run in the program and the status command, never in
 * a dynamic provider, but the rule holds for every contract module).
 */
import type {
    ComplianceState,
    DeviceThreatProtectionLevel,
    ManagedDevicePartnerReportedHealthState,
} from "@microsoft/microsoft-graph-types";
import { z } from "zod";
import type { CompliancePlatform } from "./schemas";

/** `managedDevicePartnerReportedHealthState` in v1.0's metadata, in its order. */
export const partnerReportedThreatStates = [
    "unknown",
    "activated",
    "deactivated",
    "secured",
    "lowSeverity",
    "mediumSeverity",
    "highSeverity",
    "unresponsive",
    "compromised",
    "misconfigured",
] as const satisfies readonly ManagedDevicePartnerReportedHealthState[];

/** `complianceState` in v1.0's metadata. */
export const complianceStates = [
    "unknown",
    "compliant",
    "noncompliant",
    "conflict",
    "error",
    "inGracePeriod",
    "configManager",
] as const satisfies readonly ComplianceState[];

/** The threat states that carry a verdict, by severity (a compliance policy compares them with its required level). */
export const threatStateRank: Readonly<Record<string, number | undefined>> = {
    secured: 0,
    lowSeverity: 1,
    mediumSeverity: 2,
    highSeverity: 3,
};

/** A policy's required level: the highest severity a compliant device may report (`unavailable`/`notSet`: no threat rule). */
export const requiredSecurityLevelRank: Readonly<Record<string, number>> = {
    secured: 0,
    low: 1,
    medium: 2,
    high: 3,
    unavailable: Number.POSITIVE_INFINITY,
    notSet: Number.POSITIVE_INFINITY,
} satisfies Partial<Record<DeviceThreatProtectionLevel, number>>;

/** The threat states a device may report and still be compliant at `level`. */
export function threatStatesAllowedAt(level: string): string[] {
    const allowed = requiredSecurityLevelRank[level] ?? Number.POSITIVE_INFINITY;
    return Object.entries(threatStateRank)
        .filter(([, rank]) => rank! <= allowed)
        .map(([state]) => state);
}

/** The threat states compliant at `from` that are not at `to`: what lowering a policy's level makes non-compliant. */
export function newlyNoncompliantStates(from: string, to: string): string[] {
    const after = new Set(threatStatesAllowedAt(to));
    return threatStatesAllowedAt(from).filter((state) => !after.has(state));
}

/** Intune's `operatingSystem` values of a compliance policy's platform (an iOS/iPadOS policy covers iPads, which report `iPadOS`). */
export const operatingSystemsOf: Readonly<Record<CompliancePlatform, readonly string[]>> = {
    ios: ["iOS", "iPadOS"],
    androidWorkProfile: ["Android"],
    androidDeviceAdministrator: ["Android"],
};

/** The properties the readers select (`$select`), so a page of 1,000 devices stays small. */
export const managedDeviceSelect = [
    "id",
    "userId",
    "userPrincipalName",
    "operatingSystem",
    "complianceState",
    "partnerReportedThreatState",
] as const;

/** A managed device as read: tolerant of enum members Graph adds later. */
export function managedDeviceSchema() {
    return z.looseObject({
        id: z.string(),
        userId: z.string().nullish(),
        userPrincipalName: z.string().nullish(),
        operatingSystem: z.string().nullish(),
        complianceState: z.string().nullish(),
        partnerReportedThreatState: z.string().nullish(),
    });
}
export type ManagedDeviceRead = z.infer<ReturnType<typeof managedDeviceSchema>>;
