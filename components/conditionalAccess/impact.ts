/**
 * Whom the Conditional Access policy would block, said in the preview before it is written: when it
 * turns from report-only to enforced, or an enforced policy starts covering a group, the users of
 * each newly enforced group who have a non-compliant iOS or Android device now, and those devices.
 *
 * Bounded whatever the number of users and devices: one read of Intune's non-compliant mobile
 * devices (`complianceState` and `operatingSystem` are filterable in v1.0's metadata; at most
 * `maxDevicePages` pages), and each newly enforced group's user members a page of 999 at a time (at
 * most `maxMemberPages` pages); no per-user call, each fact read once. A read the identity may not
 * make is skipped and said so (as onboarding/impact.ts does).
 */
import { graphPaths } from "../../contract/graph/routes";
import { managedDeviceSchema, managedDeviceSelect } from "../../contract/graph/managedDevices";
import { directoryObjectSchema } from "../../contract/graph/schemas";
import { type GraphClient, refusedPermission } from "../../providers/graph/client";
import { maxDevicePages } from "../onboarding/impact";
import type { ConditionalAccessPlan, ConditionalAccessRecord } from "./plan";

/** Pages of 999 members read per group, at most. */
export const maxMemberPages = 20;

const mobileSystems = ["iOS", "iPadOS", "Android"];
const plural = (n: number, one: string) => `${n.toLocaleString("en-US")} ${one}${n === 1 ? "" : "s"}`;

/** The groups the policy newly enforces: all it covers when it turns enforced, otherwise those added while enforced. */
export function newlyEnforcedGroups(
    plan: ConditionalAccessPlan,
    previous: ConditionalAccessRecord | undefined,
): string[] {
    if (plan.record.mode !== "enforced") return [];
    if (previous?.mode !== "enforced") return plan.policy.includeGroups;
    return plan.policy.includeGroups.filter((g) => !previous.includeGroups.includes(g));
}

async function bounded<T>(pages: AsyncIterable<T[]>, max: number): Promise<{ items: T[]; complete: boolean }> {
    const items: T[] = [];
    let read = 0;
    for await (const page of pages) {
        items.push(...page);
        if (++read >= max) return { items, complete: false };
    }
    return { items, complete: true };
}

/** Non-compliant iOS/Android devices by user ID, from at most `maxDevicePages` pages. */
async function noncompliantDevices(graph: GraphClient) {
    const filter = `complianceState eq 'noncompliant' and (${mobileSystems.map((os) => `operatingSystem eq '${os}'`).join(" or ")})`;
    const read = await bounded(
        graph.pages(graphPaths.managedDevices(managedDeviceSelect, filter), managedDeviceSchema()),
        maxDevicePages,
    );
    const byUser = new Map<string, number>();
    // Filtered here too: a service that ignores the filter must not be trusted to have applied it.
    for (const d of read.items) {
        if (d.complianceState !== "noncompliant" || !mobileSystems.includes(d.operatingSystem ?? "") || !d.userId)
            continue;
        byUser.set(d.userId, (byUser.get(d.userId) ?? 0) + 1);
    }
    return { byUser, complete: read.complete };
}

function noted(err: unknown, what: string): string {
    const permission = refusedPermission(err);
    return permission
        ? `${what}: skipped, the Graph identity may not read it (it needs ${permission}).`
        : `${what}: not read (${(err as Error).message}).`;
}

/** One warning per newly enforced group, or one note when a read was refused. */
export async function conditionalAccessImpact(
    graph: GraphClient,
    plan: ConditionalAccessPlan,
    previous: ConditionalAccessRecord | undefined,
): Promise<string[]> {
    const groups = newlyEnforcedGroups(plan, previous);
    if (groups.length === 0) return [];
    const why =
        previous?.mode === "enforced"
            ? "group added to the enforced policy"
            : "the policy turns from report-only to enforced";
    try {
        const devices = await noncompliantDevices(graph);
        return await Promise.all(
            groups.map(async (id) => {
                const members = await bounded(
                    graph.pages(graphPaths.groupUserMembers(id), directoryObjectSchema()),
                    maxMemberPages,
                );
                const counts = members.items.map((u) => devices.byUser.get(u.id) ?? 0).filter((n) => n > 0);
                const atLeast = devices.complete && members.complete ? "" : "at least ";
                const total = counts.reduce((a, b) => a + b, 0);
                return `${atLeast}${plural(counts.length, "user")} of '${plan.groupNames[id] ?? id}' would lose access to the covered cloud apps from ${atLeast}${plural(total, "non-compliant iOS/Android device")} (${why})`;
            }),
        );
    } catch (err) {
        return [`Impact not shown: ${noted(err, "who the enforced Conditional Access policy would block")}`];
    }
}
