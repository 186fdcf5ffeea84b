/**
 * `--only rings`: a rollout gate at enterprise scale. The dev config with two rings is judged
 * (components/onboarding/rollout.ts, through the same preflight a preview runs) for a pilot ring of
 * 2 users and of 100,000 users, each user with a phone Lookout lists: the requests must not grow.
 */
import { runPreflight } from "../../components/onboarding/preflight";
import { devDirectory } from "../../emulator/devTenant";
import { seedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { graphClientFor } from "../../providers/graph/connection";
import { parsedConfig, sampleConnectorSettings, validGraphConfig } from "../../tests/kit/configFixtures";
import { type Bench, log, startDevTenant } from "./bench";

const rolloutConfig = () =>
    parsedConfig({
        ...validGraphConfig(),
        "lookout-mtp:rollout": {
            rings: [
                { name: "pilot", groups: ["Lookout Pilot"], gate: { minActivatedShare: 0.8, minSoakDays: 7 } },
                { name: "sales", groups: ["Sales Mobile"] },
            ],
        },
    });

/** The requests one gate judgement makes, by service, for a pilot ring of `users` users. */
async function judge(users: number) {
    const directory = devDirectory();
    const pilot = directory.groups.find((g) => g.displayName === "Lookout Pilot")!;
    pilot.generatedUsers = Math.max(0, users - pilot.members.length);
    const tenant = await startDevTenant(directory);
    try {
        const stored = tenant.emulator.store.tenantById(tenant.tenantId)!;
        const enrolled = tenant.emulator.now() - 3 * 86_400_000;
        seedDevices(stored, [pilot.id], enrolled);
        configureIntuneConnector(
            stored,
            { ...sampleConnectorSettings(), enrollmentGroups: ["Lookout Pilot"] },
            enrolled,
        );
        tenant.emulator.clearRequests();
        const started = performance.now();
        const preflight = await runPreflight(rolloutConfig(), graphClientFor(tenant.graph), tenant.console);
        const ms = performance.now() - started;
        const mra = tenant.emulator.requests().filter((r) => r.path.startsWith("/mra/")).length;
        // The gate's Graph reads are the group check's counts; the compliance impact beside it reads
        // at most a bounded number of managed-device pages (components/onboarding/impact.ts).
        const graph = tenant.emulator.requests().filter((r) => r.path.endsWith("/$count")).length;
        const impactPages = tenant.emulator.requests().filter((r) => r.path.endsWith("/managedDevices")).length;
        return {
            users,
            devices: stored.devices?.length ?? 0,
            lookoutRequests: mra,
            impactPages,
            graphRequests: graph,
            ms,
            line: preflight.rollout!.lines[0],
        };
    } finally {
        await tenant.emulator.close();
    }
}

export async function rings(bench: Bench): Promise<void> {
    log("rollout gate at enterprise scale: a pilot ring of 2 users, then 100,000 (each with a phone)");
    const small = await judge(2);
    const large = await judge(100_000);
    bench.results.rings = { small, large };
    bench.table.push([
        "rollout gate, 100,000-user ring vs 2-user ring (requests)",
        `${large.lookoutRequests + large.graphRequests} vs ${small.lookoutRequests + small.graphRequests}`,
        `Lookout ${large.lookoutRequests} vs ${small.lookoutRequests}, Graph $count ${large.graphRequests} vs ${small.graphRequests}: must not grow (impact beside it: ${large.impactPages} vs ${small.impactPages} device pages, capped)`,
    ]);
}
