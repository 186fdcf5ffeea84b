/** `--only groupscale`: group checks at enterprise scale, a 2-user group against a 100,000-user one. */
import { devDirectory } from "../../emulator/devTenant";
import { type Bench, devStack, log, startDevTenant } from "./bench";
import { fmt, measure, type Sample } from "./stats";

export async function groupScale(bench: Bench): Promise<void> {
    log(
        "group checks at enterprise scale: the dev stack with 'Sales Mobile' holding 2 users, then 100,000 (side by side)",
    );
    const scale: Record<string, unknown> = {};
    for (const users of [2, 100_000]) scale[`users${users}`] = await previewWithSalesUsers(bench, users);
    const ratio =
        (scale.users100000 as { preview: Sample }).preview.median /
        (scale.users2 as { preview: Sample }).preview.median;
    scale.ratio = ratio;
    bench.results.groupScale = scale;
    bench.table.push([
        "preview, 100,000-user group vs 2-user group",
        `${ratio.toFixed(2)}x`,
        "target <= 1.1x; <= 3 requests per group",
    ]);
}

/** The dev stack's no-op preview when 'Sales Mobile' holds `users` users, and the Graph requests it makes. */
async function previewWithSalesUsers(bench: Bench, users: number) {
    const directory = devDirectory();
    const sales = directory.groups.find((g) => g.displayName === "Sales Mobile")!;
    if (users > sales.members.length) sales.generatedUsers = users - sales.members.length;
    const tnt = await startDevTenant(directory);
    const t = await devStack(`bench-groupscale-${users}`, tnt);
    await t.stack.up();
    const preview = await measure(bench.runs, () => t.stack.preview());
    tnt.emulator.clearRequests();
    await t.stack.preview();
    const forGroup = tnt.emulator.requests().filter((r) => r.path.includes(sales.id)).length;
    const figures = {
        preview,
        salesMobileRequestsPerPreview: forGroup,
        graphRequestsPerPreview: tnt.emulator.requests().length,
    };
    bench.table.push([
        `no-op preview, 'Sales Mobile' with ${users} users`,
        fmt(preview),
        `${forGroup} Graph requests for that group`,
    ]);
    await t.dispose();
    await tnt.emulator.close();
    return figures;
}
