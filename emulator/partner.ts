/**
 * Lookout as Intune's MTD partner: the partner state and last heartbeat Intune reports, computed from
 * when Lookout's connector started and stopped heartbeating (the connector routes and the device
 * model both read it).
 */
import type { StoredEntity, Tenant } from "./store";

/** Graph's value for a DateTimeOffset that never happened (the property is not nullable in v1.0). */
const never = "0001-01-01T00:00:00Z";

/**
 * What Intune reports about Lookout, from when Lookout's connector started and stopped heartbeating,
 * in v1.0's states (mobileThreatPartnerTenantState): `unavailable` before any heartbeat, `enabled`
 * while heartbeating with a platform enabled (`available` with both off), `unresponsive` once silent
 * longer than the connector's threshold.
 */
export function partnerView(
    tenant: Tenant,
    connector: StoredEntity,
    now: number,
): { partnerState: string; lastHeartbeatDateTime: string } {
    const hb = tenant.lookoutHeartbeat;
    if (!hb.since) return { partnerState: "unavailable", lastHeartbeatDateTime: never };
    const since = Date.parse(hb.since);
    const end = hb.stoppedAt ? Date.parse(hb.stoppedAt) : now;
    const every = hb.frequencyMinutes * 60_000;
    const last = since + Math.floor((end - since) / every) * every;
    const silentDays = (now - last) / 86_400_000;
    const threshold = Number(connector.partnerUnresponsivenessThresholdInDays);
    const partnerState =
        silentDays > threshold
            ? "unresponsive"
            : connector.androidEnabled || connector.iosEnabled
              ? "enabled"
              : "available";
    return { partnerState, lastHeartbeatDateTime: new Date(last).toISOString() };
}
