/**
 * A tenant whose pilot group has `users` users with phones enrolled three hours ago, and Lookout's
 * Intune connector configured for it: the `prepare` of suites that read Lookout's devices and threats.
 */
import { seedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { sampleConnectorSettings, sampleDirectory } from "./configFixtures";
import type { EmulatedTenant } from "./lookoutEmulator";

export function enrolledPilot(users: number): (t: EmulatedTenant) => void {
    return (t) => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        tenant.directory = sampleDirectory();
        const pilot = tenant.directory.groups.find((g) => g.displayName === "Lookout Pilot")!;
        pilot.generatedUsers = users;
        const since = t.emulator.now() - 3 * 3600_000;
        seedDevices(tenant, [pilot.id], since);
        configureIntuneConnector(tenant, sampleConnectorSettings(), since);
    };
}
