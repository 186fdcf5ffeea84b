/**
 * The enrollment status report of one stack: what `npm run status` prints as a table, writes as
 * JSON (`--json`) and renders as a self-contained HTML page (`--html`). Read-only: it is built
 * from Lookout's public device API and Microsoft Graph reads, never from the stack's writes.
 */

/** Where a device stands in Lookout, as the console's Devices module groups them. */
export const lookoutDeviceStates = ["pending", "activated", "disconnected", "deactivated"] as const;
export type LookoutDeviceState = (typeof lookoutDeviceStates)[number];

/** Lookout's security status of a device (MRA v2 `security_status`), lower-cased. */
export const lookoutSecurityStatuses = ["secure", "threatLow", "threatMedium", "threatHigh", "unknown"] as const;
export type LookoutSecurityStatus = (typeof lookoutSecurityStatuses)[number];

export interface GroupStatus {
    displayName: string;
    objectId: string;
    /** User members of the group (Entra). */
    users: number;
    /** The group's users' devices as Lookout lists them (public Mobile Risk API v2). */
    lookout: {
        total: number;
        byState: Record<LookoutDeviceState, number>;
        bySecurity: Record<LookoutSecurityStatus, number>;
    };
    /** The group's users' Intune managed devices (Graph), by what Lookout reported to Intune and by compliance. */
    intune: {
        total: number;
        /** `managedDevice.partnerReportedThreatState` values (Graph's enum, read tolerantly). */
        byThreatState: Record<string, number>;
        /** `managedDevice.complianceState` values. */
        byCompliance: Record<string, number>;
    };
}

export interface Finding {
    severity: "warning" | "info";
    /** The enrollment group it is about, if any. */
    group?: string;
    message: string;
}

export interface StatusReport {
    stack: string;
    /** ISO time the reads finished. */
    generatedAt: string;
    entraTenantId: string;
    /** `api`: the stack configures Lookout through the settings contract; `checklist`: an admin does, in the console. */
    settingsMode: "api" | "checklist";
    /** Intune's Mobile Threat Defense connector for Lookout, or null when it does not exist. */
    connector: {
        partnerState: string;
        lastHeartbeatDateTime: string | null;
        heartbeatAgeMinutes: number | null;
    } | null;
    groups: GroupStatus[];
    /** All enrollment groups together, each user and device counted once (a user may be in several groups). */
    totals?: Omit<GroupStatus, "displayName" | "objectId">;
    /** Devices of users in no enrollment group but known to Lookout (e.g. a user who left a group). */
    outsideEnrollmentGroups: { lookout: number; intune: number };
    findings: Finding[];
    /** Reads that were skipped, each naming the permission or scope it lacked. */
    skipped: string[];
    /** What the report cost: requests per service and pages read. */
    calls: { graph: number; lookout: number };
    /** The stack's Conditional Access policy as its last update declared it: its mode and the rings it covers. */
    conditionalAccess?: { mode: "reportOnly" | "enforced"; rings: string[] };
    /** With rollout rings: each ring, whether it is enrolled and since when, and how far the next is from its gate. */
    rollout?: {
        rings: Array<{ name: string; groups: string[]; enrolled: boolean; enrolledAt: string | null }>;
        /** What the next `up` does with the held rings, one line each (as the preview says it). */
        lines: string[];
        /** The held rings whose gate passes now: the next `up` enrolls them. */
        releasable: string[];
    };
}
