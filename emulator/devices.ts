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
 * - Intune's `partnerReportedThreatState` follows Lookout's verdict once the device is activated and
 *   Lookout heartbeats; compliance follows the threat-level compliance policies assigned to the
 *   user's groups.
 *
 * Nothing here is stored beyond the seed: every view is computed at the emulator's clock, per page.
 */
import { lookoutToIntuneThreatState, type MraSecurityStatus } from "../contract/lookout/mra";
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
}

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

/** Every device Lookout lists at `now`, in Lookout's order (oid descending: newest first). */
export function lookoutDevices(tenant: Tenant, now: number): LookoutDeviceView[] {
    const connector = tenant.intuneConnector?.value;
    const since = tenant.lookoutHeartbeat.since ? Date.parse(tenant.lookoutHeartbeat.since) : undefined;
    if (!connector || since === undefined || tenant.lookoutHeartbeat.stoppedAt) return [];
    const enrolled = new Set(connector.enrollmentGroups);
    const groupsOf = membershipOf(tenant);
    const interval = connector.newDeviceCheckIntervalMinutes * 60_000;
    const views: LookoutDeviceView[] = [];
    (tenant.devices ?? []).forEach((device, index) => {
        // Lookout matches enrollment groups by exact display name, as its connector form stores them.
        if (!groupsOf(device.userId).some((g) => enrolled.has(g.displayName))) return;
        const listedAt = Math.max(Date.parse(device.enrolledDateTime), since) + interval;
        if (now < listedAt) return;
        const activatedAt =
            device.activatesAfterMinutes === null ? null : listedAt + device.activatesAfterMinutes * 60_000;
        const active = activatedAt !== null && now >= activatedAt;
        const disconnected =
            active &&
            device.disconnectsAfterMinutes != null &&
            now >= activatedAt! + device.disconnectsAfterMinutes * 60_000;
        views.push({
            device,
            oid: uuidV7(listedAt, index),
            listedAt,
            activatedAt: active ? activatedAt : null,
            activation: device.deactivated ? "DEACTIVATED" : active ? "ACTIVATED" : "PENDING",
            protection: device.deactivated || !active ? null : disconnected ? "DISCONNECTED" : "PROTECTED",
            security: active && !device.deactivated ? device.security : null,
        });
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
