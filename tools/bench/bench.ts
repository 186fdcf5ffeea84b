/** What every scenario of `npm run bench` shares: its settings, where its figures go, and the dev stack. */
import { join } from "node:path";
import { devDirectory } from "../../emulator/devTenant";
import { projectRoot } from "../../tests/kit/engine";
import { validGraphConfig } from "../../tests/kit/configFixtures";
import { type EmulatedTenant, startEmulatedTenant } from "../../tests/kit/lookoutEmulator";
import { createTestStack, type TestStack } from "../../tests/kit/testStack";

export interface Bench {
    /** Measured runs per figure (`--runs`). */
    runs: number;
    /** Enrollment group counts the growth scenario measures, with 10 classifications (`--groups`). */
    groups: number[];
    /** Classification counts the growth scenario measures, with 2 groups (`--classifications`). */
    classifications: number[];
    /** Fleet sizes (`--fleet`). */
    fleet: number[];
    /** Stacks run at once by a parallel fleet (`--concurrency`). */
    concurrency: number;
    /** The JSON written to results/, in the order the figures were taken. */
    results: Record<string, unknown>;
    /** The printed table: figure, value, note. */
    table: string[][];
}

export type Scenario = (bench: Bench) => Promise<void>;

export const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** The installed package's copy of the dev stack's program. */
export const packagedDir = join(projectRoot, "tools", "bench", "packaged");

/** An emulated tenant holding the groups and users Pulumi.dev.yaml names (or `directory`). */
export async function startDevTenant(directory = devDirectory()): Promise<EmulatedTenant> {
    const tenant = await startEmulatedTenant();
    tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!.directory = directory;
    return tenant;
}

/**
 * The dev stack (graph mode, as Pulumi.dev.yaml) on `tenant`, its program run from the TypeScript
 * in `dir` as a user's `pulumi` runs it: this repository's sources, or the installed package's.
 */
export function devStack(name: string, tenant: EmulatedTenant, dir = projectRoot): Promise<TestStack> {
    return createTestStack(
        name,
        tenant,
        {},
        {},
        { project: "lookout-mtp", dir, config: validGraphConfig(), typescript: true },
    );
}
