/**
 * Lookout's public Mobile Risk API v2 device list (`GET /mra/api/v2/devices`), as
 * contract/lookout/mra.ts describes it: the devices Lookout lists at the emulator's clock
 * (emulator/devices.ts), a page at a time after an object ID.
 */
import { mraDevicePageLimit } from "../../contract/lookout/mra";
import { errorReply, HttpError, type Reply } from "../http";
import type { Tenant } from "../store";
import { lookoutDevices, type LookoutDeviceView } from "../devices";

/** An error of the Mobile Risk API v2, answered in its own shape (`{error, request-id}`, Lookout's Swagger), not the console contract's. */
export class MraError extends HttpError {}

export function mraErrorReply(err: unknown, requestId: string): Reply {
    if (!(err instanceof MraError)) return errorReply(err, requestId);
    return { status: err.status, headers: err.headers, body: { error: err.message, "request-id": requestId } };
}

/** A console-contract error (a bad token, the rate limit) met on an MRA route, in the MRA's shape. */
export function asMraError(err: unknown): unknown {
    return err instanceof HttpError && !(err instanceof MraError)
        ? new MraError(err.status, err.errorCode, err.message, err.headers)
        : err;
}

function intParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
    const raw = query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
        throw new MraError(400, "VALIDATION_ERROR", `${name} must be an integer from ${min} to ${max}`);
    return value;
}

/** The device as Lookout's API lists it (snake_case, upper-case statuses). */
function deviceBody(view: LookoutDeviceView) {
    const { device } = view;
    return {
        guid: `${device.id.slice(0, 24)}${view.oid.slice(-12)}`,
        oid: view.oid,
        email: device.userPrincipalName,
        platform: device.operatingSystem === "iOS" ? "IOS" : "ANDROID",
        activation_status: view.activation,
        protection_status: view.protection,
        security_status: view.security,
        activated_at: view.activatedAt === null ? null : new Date(view.activatedAt).toISOString(),
        checkin_time: new Date(view.activatedAt ?? view.listedAt).toISOString(),
        software: { os_version: device.osVersion },
        hardware: { model: device.deviceName },
    };
}

export function listDevices(tenant: Tenant, url: URL, now: number): Reply {
    const limit = intParam(url.searchParams, "limit", 0, mraDevicePageLimit, 100);
    const before = url.searchParams.get("oid");
    if (before !== null && !/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(before)) {
        throw new MraError(400, "VALIDATION_ERROR", "oid must be a device oid (a UUIDv7) from an earlier page");
    }
    // Newest first; the next page holds the devices with an oid strictly lower than the cursor.
    const rest = lookoutDevices(tenant, now).filter((v) => before === null || v.oid < before.toLowerCase());
    return { status: 200, body: { count: rest.length, devices: rest.slice(0, limit).map(deviceBody) } };
}
