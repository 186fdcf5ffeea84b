/** The classification impact's warning, in the words of the other impact warnings (components/onboarding/impact.ts). */
import { type Judged, platformName, type ReRating } from "./judge";

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const levelName: Record<string, string> = {
    SECURE: "secure",
    THREATS_LOW: "low",
    THREATS_MEDIUM: "medium",
    THREATS_HIGH: "high",
};

/** Counts by a key, in first-seen order: "3 iOS, 4 Android". */
function tally<T>(items: readonly T[], key: (item: T) => string): string {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return [...counts].map(([k, n]) => `${n.toLocaleString("en-US")} ${k}`).join(", ");
}

/**
 * One warning for the classifications resource, or none when nothing can be said to change (in
 * `checklist` mode, a declared level every open threat already has).
 */
export function describe(changes: readonly ReRating[], devices: number, judged: Judged, complete: boolean): string[] {
    const what = changes.map((c) => `${c.name} ${c.from ?? "(as Lookout rates it now)"} → ${c.to}`).join(", ");
    const atLeast = complete ? "" : "at least ";
    if (devices === 0)
        return changes.some((c) => c.from !== undefined)
            ? [
                  `re-rating ${what}: no device of enrolled users has an open threat of ${changes.length === 1 ? "it" : "them"}, so no device changes level`,
              ]
            : [];
    const parts = [
        judged.changed.length === 0
            ? `no device of enrolled users changes level`
            : `${atLeast}${plural(judged.changed.length, "device")} of enrolled users with open threats of ${changes.length === 1 ? "it" : "them"} ${judged.changed.length === 1 ? "changes" : "change"} level (${tally(judged.changed, (d) => platformName[d.platform])}; ${tally(judged.changed, (d) => `to ${levelName[d.to]}`)})`,
    ];
    if (judged.noncompliant.length > 0)
        parts.push(
            `${atLeast}${plural(judged.noncompliant.length, "device")} ${judged.noncompliant.length === 1 ? "becomes" : "become"} non-compliant under the declared compliance policies (${tally(judged.noncompliant, (d) => `${platformName[d.platform]} above '${d.required}'`)}) and so, under a compliant-device Conditional Access policy, lose access`,
        );
    else if (judged.changed.length > 0) parts.push("none becomes non-compliant under the declared compliance policies");
    if (judged.mayDrop > 0)
        parts.push(`${plural(judged.mayDrop, "more device")} may drop a level (their other open threats are not read)`);
    return [`re-rating ${what}: ${parts.join("; ")}`];
}
