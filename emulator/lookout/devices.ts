/**
 * Lookout's public Mobile Risk API v2 device list (`GET /mra/api/v2/devices`), as
 * contract/lookout/mra.ts describes it: the devices Lookout lists at the emulator's clock
 * (emulator/devices.ts), a page at a time after an object ID.
 */
import {
    mraActivationStatuses,
    mraDevicePageLimit,
    mraPlatforms,
    mraProtectionStatuses,
    mraSecurityStatuses,
} from "../../contract/lookout/mra";
import { errorReply, HttpError, type Reply } from "../http";
import type { Tenant } from "../store";
import { lookoutDevices, lookoutGuid, type LookoutDeviceView } from "../devices";

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

/**
 * The device as Lookout's API lists it (snake_case, upper-case statuses). Lookout's Swagger types
 * `activated_at`, `protection_status` and `security_status` as strings (`models.Device`), so a
 * pending device, which has none of them yet, leaves them out rather than sending null.
 */
function deviceBody(view: LookoutDeviceView) {
    const { device } = view;
    return {
        guid: lookoutGuid(device, view.oid),
        oid: view.oid,
        email: device.userPrincipalName,
        platform: platformOf(view),
        activation_status: view.activation,
        ...(view.protection === null ? {} : { protection_status: view.protection }),
        ...(view.security === null ? {} : { security_status: view.security }),
        ...(view.activatedAt === null ? {} : { activated_at: new Date(view.activatedAt).toISOString() }),
        checkin_time: new Date(view.activatedAt ?? view.listedAt).toISOString(),
        software: { os_version: device.osVersion },
        hardware: { model: device.deviceName },
    };
}

const platformOf = (view: LookoutDeviceView) => (view.device.operatingSystem === "iOS" ? "IOS" : "ANDROID");

/** Swagger 2.0's `format: uuid`: any RFC 4122 UUID (the description says Lookout's oids are UUIDv7; a cursor need not be one). */
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A filter parameter's allowed values, as the Swagger's `enum` lists them (with the `!` negations it documents). */
export function enumParam(query: URLSearchParams, name: string, values: readonly string[]): string | undefined {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const allowed = values.flatMap((v) => [v, `!${v}`]);
    if (!allowed.includes(raw))
        throw new MraError(400, "VALIDATION_ERROR", `${name} must be one of ${allowed.join(", ")}`);
    return raw;
}

function boolParam(query: URLSearchParams, name: string): boolean | undefined {
    const raw = query.get(name);
    if (raw === null) return undefined;
    if (raw !== "true" && raw !== "false") throw new MraError(400, "VALIDATION_ERROR", `${name} must be true or false`);
    return raw === "true";
}

/** `X` keeps what equals X, `!X` what does not (the operation's description: "take ! as a not equal prefix"). */
export function matches(filter: string | undefined, value: string | null): boolean {
    if (filter === undefined) return true;
    return filter.startsWith("!") ? value !== filter.slice(1) : value === filter;
}

/**
 * The filters of `GET /mra/api/v2/devices` in Lookout's Swagger. Those on what the emulator's devices
 * carry select as documented: `platform`, `state` (activation), `protection_status`,
 * `security_status` and `profile_type` (with `!`), `email` ("allows partial match"; compared
 * ignoring case, an assumption), `osversion`, `is_mdm` (every emulated device is enrolled in
 * Intune). The emulator holds no device groups, profiles, Phishing & Content Protection,
 * device-admin or vulnerability data, so `group`, `pcp_enabled`/`pcp_paused`/
 * `device_admin_settings_activated` `true`, and `aspl`, `cve`, `os_version_date`,
 * `aspl_version_date` match no device (after their values are checked as the Swagger types them).
 */
function deviceFilter(query: URLSearchParams): (view: LookoutDeviceView) => boolean {
    const platform = query.get("platform");
    if (platform !== null && !(mraPlatforms as readonly string[]).includes(platform))
        throw new MraError(400, "VALIDATION_ERROR", `platform must be one of ${mraPlatforms.join(", ")}`);
    const state = enumParam(query, "state", mraActivationStatuses);
    const protection = enumParam(query, "protection_status", mraProtectionStatuses);
    const security = enumParam(query, "security_status", mraSecurityStatuses);
    const profile = enumParam(query, "profile_type", ["WORK", "PERSONAL"]);
    const email = query.get("email")?.toLowerCase();
    const osversion = query.get("osversion");
    const group = query.get("group");
    if (group !== null && !uuid.test(group))
        throw new MraError(400, "VALIDATION_ERROR", "group must be a device group GUID");
    const isMdm = boolParam(query, "is_mdm");
    const heldNowhere = ["pcp_enabled", "pcp_paused", "device_admin_settings_activated"]
        .map((name) => boolParam(query, name))
        .includes(true);
    for (const name of ["os_version_date", "aspl_version_date"]) {
        const raw = query.get(name);
        if (raw !== null && !["3", "6", "9", "12", "18", "24"].includes(raw))
            throw new MraError(400, "VALIDATION_ERROR", `${name} must be one of 3, 6, 9, 12, 18, 24`);
    }
    const vulnerable = ["aspl", "cve", "os_version_date", "aspl_version_date"].some((name) => query.has(name));
    const none = group !== null || heldNowhere || vulnerable || isMdm === false;
    return (view) =>
        !none &&
        (platform === null || platformOf(view) === platform) &&
        matches(state, view.activation) &&
        matches(protection, view.protection) &&
        matches(security, view.security) &&
        matches(profile, null) &&
        (email === undefined || view.device.userPrincipalName.toLowerCase().includes(email)) &&
        (osversion === null || view.device.osVersion === osversion);
}

export function listDevices(tenant: Tenant, url: URL, now: number): Reply {
    const limit = intParam(url.searchParams, "limit", 0, mraDevicePageLimit, 100);
    const before = url.searchParams.get("oid");
    if (before !== null && !uuid.test(before)) {
        throw new MraError(400, "VALIDATION_ERROR", "oid must be a UUID (an oid from an earlier page)");
    }
    const keep = deviceFilter(url.searchParams);
    // Newest first; the next page holds the devices with an oid strictly lower than the cursor.
    const rest = lookoutDevices(tenant, now).filter(
        (v) => (before === null || v.oid < before.toLowerCase()) && keep(v),
    );
    return { status: 200, body: { count: rest.length, devices: rest.slice(0, limit).map(deviceBody) } };
}
