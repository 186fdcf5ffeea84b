/**
 * The devices of a tenant's users, and how they move through Lookout and Intune over time, from one
 * record per device (what a test or the demo seeds through `/_emulator/tenants/{id}/devices`):
 *
 * - Intune manages every device (Graph's `managedDevices`).
 * - Lookout lists a device once its user is a direct member of a group whose display name is,
 *   exactly and case-sensitively, one of its Intune connector's enrollment groups, and one
 *   new-device check interval has passed since the device enrolled or the connector was set up:
 *   first `PENDING`, then `ACTIVATED` once the user opens Lookout for Work (`activatesAfterMinutes`
 *   later; never when null), `DISCONNECTED` when the app goes away (`disconnectsAfterMinutes` after
 *   activation).
 * - A device seeded with a threat verdict has one open threat (`openThreatOf`) whose classification
 *   carries that level by Lookout's default; its verdict then follows that classification's level
 *   in the tenant's console, now: re-rating the classification re-rates the open threat and the
 *   device at once (Lookout's policies documentation: a changed risk level applies to issues
 *   already open), in the device list, the threats list and the event stream alike.
 * - Intune's `partnerReportedThreatState` follows Lookout's verdict once the device is activated and
 *   Lookout heartbeats; compliance follows the threat-level compliance policies assigned to the
 *   user's groups.
 *
 * Nothing here is stored beyond the seed: every view is computed at the emulator's clock, per page.
 */
import {
    lookoutToIntuneThreatState,
    mraClassificationOf,
    mraRiskOfLevel,
    mraSecurityOfRisk,
    type MraSecurityStatus,
    type MraThreatRisk,
} from "../contract/lookout/mra";
import { threatClassificationCatalogue } from "../contract/lookout/schemas";
import { operatingSystemsOf, requiredSecurityLevelRank, threatStateRank } from "../contract/graph/managedDevices";
import type { DirectoryGroupRecord, EmulatedDevice, Tenant } from "./store";
import { partnerView } from "./partner";
import { generatedUser, isGeneratedUserOf } from "./generatedUsers";
import { lookoutMtdConnectorId, platformOfType } from "../contract/graph/schemas";

export interface LookoutDeviceView {
    device: EmulatedDevice;
    /** Lookout's object ID, a UUIDv7 of when Lookout listed the device (MRA pages by it, descending). */
    oid: string;
    listedAt: number;
    activatedAt: number | null;
    activation: "PENDING" | "ACTIVATED" | "DEACTIVATED";
    protection: "PROTECTED" | "DISCONNECTED" | null;
    security: MraSecurityStatus | null;
    /** Its open threat, when it has one (listed while the device has a verdict). */
    threat: OpenThreat | undefined;
}

/** A device's open threat, at the tenant's current classification levels. */
export interface OpenThreat {
    /** The console's classification name (contract/lookout/schemas.ts's catalogue). */
    classification: string;
    /** As the threats list and the event stream name it. */
    mraClassification: string;
    risk: MraThreatRisk;
}

/**
 * The classification of a seeded verdict's threat: one whose default level is that verdict (ADWARE
 * low, CHARGEWARE medium, TROJAN high), unless the seed names one.
 */
const classificationOfVerdict: Partial<Record<MraSecurityStatus, string>> = {
    THREATS_LOW: "ADWARE",
    THREATS_MEDIUM: "CHARGEWARE",
    THREATS_HIGH: "TROJAN",
};

/** The device's open threat at the tenant's current classification levels (none for a SECURE seed). */
export function openThreatOf(tenant: Tenant, device: EmulatedDevice): OpenThreat | undefined {
    const classification = device.threatClassification ?? classificationOfVerdict[device.security];
    if (!classification) return undefined;
    const level =
        tenant.threatClassifications.value[classification] ??
        threatClassificationCatalogue.find((c) => c.name === classification)?.defaultRiskLevel ??
        "none";
    return {
        classification,
        mraClassification: mraClassificationOf(classification) ?? "UNKNOWN",
        risk: mraRiskOfLevel[level],
    };
}

/** Lookout's verdict of a device once activated: its open threat's risk, or SECURE without one. */
const verdictOf = (threat: OpenThreat | undefined): MraSecurityStatus =>
    threat ? mraSecurityOfRisk[threat.risk] : "SECURE";

/** The groups (direct membership) a user is in. */
export function membershipOf(tenant: Tenant): (userId: string) => DirectoryGroupRecord[] {
    const listed = tenant.directory.groups.map((group) => ({ group, members: new Set(group.members) }));
    return (userId) =>
        listed
            .filter(({ group, members }) => members.has(userId) || isGeneratedUserOf(group, userId))
            .map(({ group }) => group);
}

/** A UUIDv7 (time-ordered) of `ms` and a sequence number, as Lookout's `oid`s are. */
export function uuidV7(ms: number, sequence: number): string {
    const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0").slice(-12);
    const seq = sequence.toString(16).padStart(15, "0").slice(-15);
    return `${time.slice(0, 8)}-${time.slice(8)}-7${seq.slice(0, 3)}-8${seq.slice(3, 6)}-${seq.slice(6).padStart(12, "0")}`;
}

/** Lookout's GUID of a device: its Intune ID's first part and its listing's oid, stable while it stays listed. */
export const lookoutGuid = (device: EmulatedDevice, oid: string): string =>
    `${device.id.slice(0, 24)}${oid.slice(-12)}`;

/** Where a device stands in Lookout at one moment: what the device list and the event stream both say of it. */
export interface LookoutDeviceState {
    activation: "PENDING" | "ACTIVATED" | "DEACTIVATED";
    protection: "PROTECTED" | "DISCONNECTED" | null;
    security: MraSecurityStatus | null;
}

/** One step of a device's timeline: from `at` on, the device is in `state`. */
export interface DeviceTransition {
    at: number;
    /** What moved: `listed` (the first step), then `activated`, `disconnected`, `deactivated`. */
    kind: "listed" | "activated" | "disconnected" | "deactivated";
    state: LookoutDeviceState;
}

/** A device's whole life in Lookout, from the moment Lookout lists it (future steps included). */
export interface DeviceTimeline {
    device: EmulatedDevice;
    /** Its place in `tenant.devices`. */
    index: number;
    oid: string;
    /** Lookout's device GUID, as the device list and the event stream name it. */
    guid: string;
    listedAt: number;
    /** When its user opens the app (null: never), whether or not that moment has come. */
    activatesAt: number | null;
    /** Every step in time order; a step that changes nothing visible is left out. */
    transitions: DeviceTransition[];
    /** Its open threat at the tenant's current levels, whether or not it is visible yet. */
    threat: OpenThreat | undefined;
}

/** The device at `t` (t >= listedAt), from its seed: the one rule the device list and the events share. */
function stateAt(device: EmulatedDevice, listedAt: number, t: number, verdict: MraSecurityStatus) {
    const activatedAt = device.activatesAfterMinutes === null ? null : listedAt + device.activatesAfterMinutes * 60_000;
    const active = activatedAt !== null && t >= activatedAt;
    const disconnected =
        active && device.disconnectsAfterMinutes != null && t >= activatedAt! + device.disconnectsAfterMinutes * 60_000;
    const deactivated =
        device.deactivated === true ||
        (device.deactivatesAfterMinutes != null && t >= listedAt + device.deactivatesAfterMinutes * 60_000);
    const state: LookoutDeviceState = {
        activation: deactivated ? "DEACTIVATED" : active ? "ACTIVATED" : "PENDING",
        protection: deactivated || !active ? null : disconnected ? "DISCONNECTED" : "PROTECTED",
        security: active && !deactivated ? verdict : null,
    };
    return { state, activatedAt: active ? activatedAt : null };
}

const sameState = (a: LookoutDeviceState, b: LookoutDeviceState) =>
    a.activation === b.activation && a.protection === b.protection && a.security === b.security;

function timelineOf(
    device: EmulatedDevice,
    index: number,
    listedAt: number,
    threat: OpenThreat | undefined,
): DeviceTimeline {
    const oid = uuidV7(listedAt, index);
    const activatesAt = device.activatesAfterMinutes === null ? null : listedAt + device.activatesAfterMinutes * 60_000;
    const moments: Array<[number, DeviceTransition["kind"]]> = [[listedAt, "listed"]];
    if (activatesAt !== null) {
        moments.push([activatesAt, "activated"]);
        if (device.disconnectsAfterMinutes != null)
            moments.push([activatesAt + device.disconnectsAfterMinutes * 60_000, "disconnected"]);
    }
    if (device.deactivatesAfterMinutes != null)
        moments.push([listedAt + device.deactivatesAfterMinutes * 60_000, "deactivated"]);
    moments.sort((a, b) => a[0] - b[0]);
    const transitions: DeviceTransition[] = [];
    for (const [at, kind] of moments) {
        const { state } = stateAt(device, listedAt, Math.max(at, listedAt), verdictOf(threat));
        const last = transitions[transitions.length - 1];
        if (last && sameState(last.state, state)) continue;
        transitions.push({ at: Math.max(at, listedAt), kind: last ? kind : "listed", state });
    }
    return { device, index, oid, guid: lookoutGuid(device, oid), listedAt, activatesAt, transitions, threat };
}

/**
 * The timeline of every device Lookout lists or will list as things stand (its connector, its
 * enrollment groups, the directory): a device is listed one new-device check interval after it
 * enrolled or the connector was set up, whichever is later. In `tenant.devices` order.
 */
export function deviceTimelines(tenant: Tenant): DeviceTimeline[] {
    const connector = tenant.intuneConnector?.value;
    const since = tenant.lookoutHeartbeat.since ? Date.parse(tenant.lookoutHeartbeat.since) : undefined;
    if (!connector || since === undefined || tenant.lookoutHeartbeat.stoppedAt) return [];
    const enrolled = new Set(connector.enrollmentGroups);
    const groupsOf = membershipOf(tenant);
    const interval = connector.newDeviceCheckIntervalMinutes * 60_000;
    const timelines: DeviceTimeline[] = [];
    (tenant.devices ?? []).forEach((device, index) => {
        // Lookout matches enrollment groups by exact display name, as its connector form stores them.
        if (!groupsOf(device.userId).some((g) => enrolled.has(g.displayName))) return;
        const listedAt = Math.max(Date.parse(device.enrolledDateTime), since) + interval;
        timelines.push(timelineOf(device, index, listedAt, openThreatOf(tenant, device)));
    });
    return timelines;
}

/** Every device Lookout lists at `now`, in Lookout's order (oid descending: newest first). */
export function lookoutDevices(tenant: Tenant, now: number): LookoutDeviceView[] {
    const views: LookoutDeviceView[] = deviceTimelines(tenant)
        .filter((timeline) => now >= timeline.listedAt)
        .map(({ device, oid, listedAt, threat }) => {
            const { state, activatedAt } = stateAt(device, listedAt, now, verdictOf(threat));
            return { device, oid, listedAt, activatedAt, ...state, threat };
        });
    return views.sort((a, b) => (a.oid < b.oid ? 1 : a.oid > b.oid ? -1 : 0));
}

export interface ManagedDeviceView {
    device: EmulatedDevice;
    partnerReportedThreatState: string;
    complianceState: string;
}

/**
 * Every managed device as Intune sees it at `now`. What Lookout reported counts while Lookout
 * heartbeats (`unresponsive` otherwise, as Intune then ignores partner data); a device's compliance
 * is `noncompliant` when a threat-level policy of its platform, assigned to one of its user's
 * groups, allows less than it reports, or when it has no partner data and the connector blocks on
 * missing data.
 */
export function managedDevices(tenant: Tenant, now: number): ManagedDeviceView[] {
    const byDevice = new Map(lookoutDevices(tenant, now).map((v) => [v.device.id, v]));
    const connector = tenant.mtdConnectors[lookoutMtdConnectorId];
    const partner = connector ? partnerView(tenant, connector, now).partnerState : "unavailable";
    const groupsOf = membershipOf(tenant);
    const policies = Object.values(tenant.compliancePolicies).map(({ body, assignments }) => ({
        operatingSystems: (platformOfType(body["@odata.type"])
            ? operatingSystemsOf[platformOfType(body["@odata.type"])!]
            : []) as readonly string[],
        level: body.deviceThreatProtectionEnabled
            ? String(body.deviceThreatProtectionRequiredSecurityLevel ?? "unavailable")
            : undefined,
        groups: new Set(
            assignments
                .filter((a) => a.target["@odata.type"] === "#microsoft.graph.groupAssignmentTarget")
                .map((a) => a.target.groupId),
        ),
    }));
    return (tenant.devices ?? []).map((device) => {
        const lookout = byDevice.get(device.id);
        const threat =
            partner === "unresponsive"
                ? "unresponsive"
                : !lookout
                  ? "unknown"
                  : lookout.activation === "DEACTIVATED"
                    ? "deactivated"
                    : lookout.activation === "PENDING"
                      ? "unknown"
                      : lookout.protection === "DISCONNECTED"
                        ? "unresponsive"
                        : lookoutToIntuneThreatState[lookout.security!];
        const userGroups = new Set(groupsOf(device.userId).map((g) => g.id));
        const applicable = policies.filter(
            (p) =>
                p.operatingSystems.includes(device.operatingSystem) &&
                p.level &&
                [...p.groups].some((id) => userGroups.has(id!)),
        );
        const blockedOnMissing =
            device.operatingSystem === "iOS"
                ? connector?.iosDeviceBlockedOnMissingPartnerData
                : connector?.androidDeviceBlockedOnMissingPartnerData;
        const rank = threatStateRank[threat];
        const compliant = applicable.every((p) =>
            rank === undefined ? !blockedOnMissing : rank <= requiredSecurityLevelRank[p.level!],
        );
        return {
            device,
            partnerReportedThreatState: threat,
            complianceState: compliant ? "compliant" : "noncompliant",
        };
    });
}

/** How seeded devices behave, by their index: a deterministic mix, so tests can compute what to expect. */
export interface DeviceMix {
    /** Devices per user. */
    perUser?: number;
    /** Every n-th device is never activated (its user never opens the app). */
    neverActivatedEvery?: number;
    /** Every n-th device reports THREATS_MEDIUM (and every n-th+1 THREATS_LOW) once activated. */
    threatEvery?: number;
    /** Every n-th device is disconnected an hour after activation. */
    disconnectedEvery?: number;
}

/**
 * Devices for every user member (listed and generated) of the given groups, enrolled at `enrolledAt`:
 * iOS and Android in turn; activation after 0-50 minutes (in steps of 10) unless never; a threat or a
 * disconnection on the indices `mix` names.
 */
export function seedDevices(
    tenant: Tenant,
    groupIds: readonly string[],
    enrolledAt: number,
    mix: DeviceMix = {},
): EmulatedDevice[] {
    const { perUser = 1, neverActivatedEvery = 5, threatEvery = 10, disconnectedEvery = 25 } = mix;
    const users = new Map<string, string>();
    for (const id of groupIds) {
        const group = tenant.directory.groups.find((g) => g.id === id);
        if (!group) throw new Error(`no group ${id} in the emulated directory`);
        for (const member of group.members) {
            const user = tenant.directory.users.find((u) => u.id === member);
            if (user) users.set(user.id, user.userPrincipalName);
        }
        for (let i = 0; i < (group.generatedUsers ?? 0); i++) {
            const user = generatedUser(group, i);
            users.set(user.id, user.userPrincipalName as string);
        }
    }
    const devices: EmulatedDevice[] = [];
    for (const [userId, upn] of users) {
        for (let k = 0; k < perUser; k++) {
            const index = (tenant.devices?.length ?? 0) + devices.length;
            const hex = index.toString(16).padStart(12, "0");
            devices.push({
                id: `d0000000-0000-4000-8000-${hex}`,
                userId,
                userPrincipalName: upn,
                deviceName: index % 2 === 0 ? "iPhone 15" : "Pixel 8",
                operatingSystem: index % 2 === 0 ? "iOS" : "Android",
                osVersion: index % 2 === 0 ? "17.5" : "14",
                enrolledDateTime: new Date(enrolledAt).toISOString(),
                activatesAfterMinutes:
                    index % neverActivatedEvery === neverActivatedEvery - 1 ? null : (index % 6) * 10,
                disconnectsAfterMinutes: index % disconnectedEvery === 3 ? 60 : null,
                // On both platforms (odd and even indices): medium, low, and now and then high.
                security: [1, 6].includes(index % threatEvery)
                    ? "THREATS_MEDIUM"
                    : [2, 7].includes(index % threatEvery)
                      ? "THREATS_LOW"
                      : [9, 24].includes(index % (threatEvery * 5))
                        ? "THREATS_HIGH"
                        : "SECURE",
            });
        }
    }
    tenant.devices = [...(tenant.devices ?? []), ...devices];
    return devices;
}
