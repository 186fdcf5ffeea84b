/** `--only status`: `npm run status` for a tenant with 10,000 devices, and the preview's impact reads there. */
import { devDirectory } from "../../emulator/devTenant";
import { seedDevices } from "../../emulator/devices";
import { parseStackConfig } from "../../config/stackConfig";
import { graphClientFor } from "../../providers/graph/connection";
import { createLookoutClient } from "../../providers/lookout/client";
import { collectStatus } from "../../operate/status/collect";
import { asRawConfig, validGraphConfig } from "../../tests/kit/configFixtures";
import { type EmulatedTenant, startEmulatedTenant } from "../../tests/kit/lookoutEmulator";
import type { TestStack } from "../../tests/kit/testStack";
import { type Bench, devStack, log } from "./bench";
import { fmt, measure } from "./stats";

export async function status(bench: Bench): Promise<void> {
    log("status: npm run status for a tenant with 10,000 devices, and the preview's impact reads");
    const tnt = await startEmulatedTenant();
    const devices = seedTenThousandDevices(tnt);
    const t = await devStack("bench-status", tnt);
    await t.stack.up();
    tnt.emulator.advanceClock(2 * 3600_000);
    await measureStatus(bench, tnt, devices);
    await measureImpactReads(bench, tnt, t);
    await t.dispose();
    await tnt.emulator.close();
}

/** The dev directory with 4,998 and 5,000 generated users in two groups, each with a device; how many devices. */
function seedTenThousandDevices(tnt: EmulatedTenant): number {
    const tenant = tnt.emulator.store.tenantById(tnt.tenantId)!;
    tenant.directory = devDirectory();
    const [pilot, sales] = [tenant.directory.groups[2], tenant.directory.groups[3]];
    pilot.generatedUsers = 4_998;
    sales.generatedUsers = 5_000;
    return seedDevices(tenant, [pilot.id, sales.id], tnt.emulator.now()).length;
}

async function measureStatus(bench: Bench, tnt: EmulatedTenant, devices: number): Promise<void> {
    const parsed = parseStackConfig(asRawConfig(validGraphConfig()), () => true);
    if (!parsed.ok) throw new Error(parsed.errors.join("; "));
    const collect = () =>
        collectStatus({
            stack: "bench-status",
            config: parsed.config,
            graph: graphClientFor(tnt.graph),
            lookout: createLookoutClient({ ...tnt.connection, applicationKey: tnt.applicationKey }),
        });
    tnt.emulator.clearRequests();
    const report = await collect();
    const requests = tnt.emulator.requests().filter((r) => !r.path.startsWith("/_emulator"));
    const seconds = await measure(bench.runs, collect);
    const activated = report.groups.reduce((sum, g) => sum + g.lookout.byState.activated, 0);
    bench.results.status = {
        devices,
        users: report.groups.reduce((sum, g) => sum + g.users, 0),
        seconds,
        calls: report.calls,
        requestsIncludingTokens: requests.length,
        activated,
    };
    bench.table.push([
        `status, ${devices.toLocaleString("en-US")} devices`,
        fmt(seconds),
        `${report.calls.graph} Graph + ${report.calls.lookout} Lookout requests (${requests.length} with tokens)`,
    ]);
}

/** The no-op preview on the same tenant, and the managed device pages its impact check reads. */
async function measureImpactReads(bench: Bench, tnt: EmulatedTenant, t: TestStack): Promise<void> {
    tnt.emulator.clearRequests();
    const preview = await measure(bench.runs, () => t.stack.preview());
    const impactReads = tnt.emulator.requests().filter((r) => r.path.includes("/managedDevices")).length / bench.runs;
    bench.results.statusTenantPreview = { preview, managedDevicePagesPerPreview: impactReads };
    bench.table.push([
        `no-op preview, same tenant`,
        fmt(preview),
        `${impactReads} managedDevices pages per preview (impact)`,
    ]);
}
