/** `--only growth`: how preview and up grow with enrollment groups and classifications (reference mode). */
import { threatClassificationCatalogue } from "../../contract/lookout/schemas";
import { startEmulatedTenant } from "../../tests/kit/lookoutEmulator";
import { createTestStack } from "../../tests/kit/testStack";
import { type Bench, log } from "./bench";
import { fmt, measure, type Sample } from "./stats";

export async function growth(bench: Bench): Promise<void> {
    log("2/5 growth with enrollment groups and classifications (reference mode: groups by object ID)");
    const figures: Array<Record<string, unknown>> = [];
    const sizes: Array<[number, number]> = [
        ...bench.groups.map((g) => [g, 10] as [number, number]),
        ...bench.classifications.map((c) => [2, c] as [number, number]),
    ];
    for (const [groups, classifications] of sizes) figures.push(await measureSize(bench, groups, classifications));
    bench.results.growth = figures;
    const at = (g: number) =>
        figures.find((r) => r.groups === g && r.classifications === 10)?.preview as Sample | undefined;
    if (at(10) && at(500))
        bench.table.push([
            "preview growth 10 -> 500 groups",
            `${(at(500)!.median / at(10)!.median).toFixed(2)}x`,
            "target < 2x",
        ]);
}

async function measureSize(bench: Bench, groups: number, classifications: number) {
    const tnt = await startEmulatedTenant();
    const t = await createTestStack(`bench-g${groups}-c${classifications}`, tnt, configWith(groups, classifications));
    const started = performance.now();
    await t.stack.up();
    const up = (performance.now() - started) / 1000;
    const preview = await measure(bench.runs, () => t.stack.preview());
    const bytes = JSON.stringify(JSON.parse(await t.exportState())).length;
    bench.table.push([
        `${groups} groups, ${classifications} classifications`,
        `preview ${fmt(preview)}, up ${up.toFixed(2)}`,
        `state ${bytes} B`,
    ]);
    await t.dispose();
    await tnt.emulator.close();
    return { groups, classifications, upSeconds: up, preview, stateBytes: bytes };
}

function guid(n: number) {
    const hex = n.toString(16).padStart(12, "0");
    return `5a000000-0000-4000-8000-${hex}`;
}

function configWith(groups: number, classifications: number): Record<string, unknown> {
    const names = threatClassificationCatalogue.slice(0, classifications).map((c) => c.name);
    return {
        "lookout-mtp:enrollmentGroups": Array.from({ length: groups }, (_, i) => ({
            displayName: `Enrollment ${i + 1}`,
            objectId: guid(i + 1),
        })),
        "lookout-mtp:threatClassifications": Object.fromEntries(names.map((n) => [n, "high"])),
    };
}
