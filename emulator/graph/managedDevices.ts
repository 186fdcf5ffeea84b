/**
 * Intune's managed devices as Graph v1.0 serves them (`GET /deviceManagement/managedDevices`,
 * Learn: "List managedDevices"): every device of emulator/devices.ts with its partner-reported
 * threat state and compliance at the emulator's clock, `$select`, `$filter` with `eq` joined by
 * `and`/`or` on the properties v1.0's metadata marks filterable, and Intune's pages of 1,000.
 * A clause on any other property is ignored, as public reports say Intune does (it answers every
 * device: docs/research/status-and-impact.md), so readers filter those themselves.
 */
import { completeEntity, managedDeviceProperties, managedDeviceType } from "../../contract/graph/entities";
import type { ManagedDeviceView } from "../devices";
import { managedDevices } from "../devices";
import type { Tenant } from "../store";
import { type Reply, unsupportedQuery } from "./errors";
import { graphTypes } from "../../contract/graph/model";
import { arraySequence, collectionPage, type ODataRequest, type PageLimits } from "./odata";

/** Intune's page of managed devices. */
export const managedDevicePages: PageLimits = { default: 1000, max: 1000 };

/** Filterable with `eq` per the property descriptions of v1.0's metadata. */
const filterable = [
    "operatingSystem",
    "complianceState",
    "managementAgent",
    "userPrincipalName",
    "deviceName",
] as const;

/** Every v1.0 property: what the seed and the clock decide, Graph's unset value for the rest. */
function view(
    tenant: Tenant,
    { device, partnerReportedThreatState, complianceState }: ManagedDeviceView,
): Record<string, unknown> {
    return {
        "@odata.type": managedDeviceType,
        ...completeEntity(
            managedDeviceProperties,
            known(tenant, { device, partnerReportedThreatState, complianceState }),
        ),
    };
}

function known(
    tenant: Tenant,
    { device, partnerReportedThreatState, complianceState }: ManagedDeviceView,
): Record<string, unknown> {
    return {
        id: device.id,
        userId: device.userId,
        userPrincipalName: device.userPrincipalName,
        emailAddress: device.userPrincipalName,
        deviceName: device.deviceName,
        managedDeviceName: `${device.userPrincipalName.split("@")[0]}_${device.operatingSystem}`,
        operatingSystem: device.operatingSystem,
        osVersion: device.osVersion,
        enrolledDateTime: device.enrolledDateTime,
        lastSyncDateTime: device.enrolledDateTime,
        complianceState,
        partnerReportedThreatState,
        managementAgent: "mdm",
        managedDeviceOwnerType: "company",
        deviceEnrollmentType: device.operatingSystem === "iOS" ? "appleUserEnrollment" : "userEnrollment",
        azureADRegistered: true,
        isEncrypted: true,
        jailBroken: "False",
        model: device.deviceName,
        manufacturer: device.operatingSystem === "iOS" ? "Apple" : "Google",
        userDisplayName: tenant.directory.users.find((u) => u.id === device.userId)?.displayName ?? null,
    };
}

/** `a eq 'x' and b eq 'y' or c eq 'z'`: `and` binds tighter, as in OData. */
function filterOf(filter: string | null): (item: Record<string, unknown>) => boolean {
    if (filter === null) return () => true;
    const alternatives = filter.split(/\s+or\s+/i).map((alternative) =>
        alternative.split(/\s+and\s+/i).map((clause) => {
            const match = /^\s*\(?\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*\)?\s*$/.exec(clause);
            if (!match) throw unsupportedQuery(`Invalid filter clause: ${clause.trim()}`);
            const [, property, value] = match;
            if (!(filterable as readonly string[]).includes(property)) return () => true;
            return (item: Record<string, unknown>) =>
                String(item[property] ?? "").toLowerCase() === value.replace(/''/g, "'").toLowerCase();
        }),
    );
    return (item) => alternatives.some((clauses) => clauses.every((clause) => clause(item)));
}

export function listManagedDevices(tenant: Tenant, req: ODataRequest, now: number): Reply {
    const keep = filterOf(req.query.get("$filter"));
    const items = managedDevices(tenant, now)
        .map((d) => view(tenant, d))
        .filter(keep);
    return {
        status: 200,
        body: collectionPage(
            req,
            arraySequence(items),
            (item) => item,
            { type: graphTypes.managedDevice, service: "intune" },
            `${req.origin}/graph/v1.0/$metadata#deviceManagement/managedDevices`,
            managedDevicePages,
        ),
    };
}
