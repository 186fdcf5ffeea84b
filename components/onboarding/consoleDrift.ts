/**
 * Console changes caught: the AUDIT events of Lookout's event stream (contract/lookout/events.ts)
 * read while the program runs, judged against the settings the stack declares, in `api` and in
 * `checklist` mode alike (where `pulumi refresh` cannot read Lookout's console at all).
 *
 * For each declared setting, the changes since it last held its declared value are reported (when,
 * who, what, from -> to), and only when its last change leaves it at another value: the stack's own
 * writes and an admin's applying of a checklist step hold the declared value, so they end a setting's
 * story rather than start one. That covers every change since the stack's last update, and also one
 * made before it that the update did not undo (a no-op `up` writes nothing; in checklist mode an
 * `up` never writes to the console). Lookout keeps 10 days of events: an older change is not seen.
 *
 * A change to a setting the stack does not declare (a classification it does not name, another
 * console user's preferences) is not reported. An attribute of a page the stack owns that the
 * mapping does not know is reported as such rather than dropped.
 */
import type { StackConfig } from "../../config/stackConfig";
import {
    auditedSettingOf,
    auditValue,
    auditValueMatches,
    auditRiskLevel,
    eventStreamPath,
    type AuditedSetting,
    type ConnectorSetting,
    type LookoutEvent,
    watchedAuditTypes,
} from "../../contract/lookout/events";
import { type IntuneConnectorSettings, threatClassificationCatalogue } from "../../contract/lookout/schemas";
import type { LookoutClient } from "../../providers/lookout/client";
import { connectorLabels, connectorPage } from "../../providers/lookout/consoleChecklist";
import { readRecentEvents } from "../../providers/lookout/eventStream";

/** Every console-change line starts so: the fleet's drift job finds them in the engine's diagnostics by it. */
export const consoleChangeMarker = "changed in Lookout's console";
/** And a check that could not be made says so. */
export const consoleUncheckedMarker = "Lookout's console changes were not checked";

/** What the stack declares of Lookout's console now. */
export interface DeclaredConsole {
    connector: IntuneConnectorSettings;
    /** By lower-cased address. */
    notifications: Record<string, boolean>;
    classifications: Record<string, string>;
}

/** The declared console of a config; `enrolledGroups`: with rollout rings, the groups of the rings enrolled now. */
export function declaredConsole(config: StackConfig, enrolledGroups?: readonly string[]): DeclaredConsole {
    return {
        connector: {
            ...config.connector,
            enrollmentGroups: [...(enrolledGroups ?? config.enrollmentGroups.map((g) => g.displayName))],
        },
        notifications: Object.fromEntries(
            config.notifications.map((n) => [n.email.toLowerCase(), n.emailNotifications]),
        ),
        classifications: { ...config.threatClassifications },
    };
}

/** One reported change. */
export interface ConsoleChange {
    /** Which page's resource it concerns: the connector, a console user's preferences (by address), the classifications. */
    page: "connector" | "classifications" | `notifications:${string}`;
    at: string;
    actor: string;
    /** The setting as the console labels it, or the unknown attribute. */
    what: string;
    from: string;
    to: string;
    /** The declared value, as the audit spells it; undefined for an attribute the mapping does not know. */
    declared?: string;
    line: string;
}

const quoted = (value: string) => (value === "" ? "(empty)" : `'${value}'`);
const time = (at: string) => at.replace(/\.\d+Z$/, "Z");

function labelOf(setting: AuditedSetting): string {
    if (setting.page === "connector") return `${connectorPage} > ${connectorLabels[setting.setting]}`;
    if (setting.page === "classifications")
        return `Protections > Policies > Threat classifications > ${setting.classification}`;
    return `System > Preferences (signed in as ${setting.email}) > Email notifications`;
}

function declaredValue(declared: DeclaredConsole, setting: AuditedSetting): unknown {
    if (setting.page === "connector") {
        const s: ConnectorSetting = setting.setting;
        if (s === "stateSync.deviceStatus") return declared.connector.stateSync.deviceStatus;
        if (s === "stateSync.threatStatus") return declared.connector.stateSync.threatStatus;
        return declared.connector[s];
    }
    if (setting.page === "classifications") {
        const level = declared.classifications[setting.classification];
        return level === undefined ? undefined : auditRiskLevel(level);
    }
    return declared.notifications[setting.email];
}

const keyOf = (setting: AuditedSetting) =>
    setting.page === "connector"
        ? `connector:${setting.setting}`
        : setting.page === "classifications"
          ? `classifications:${setting.classification}`
          : `notifications:${setting.email}`;

const pageOf = (setting: AuditedSetting): ConsoleChange["page"] =>
    setting.page === "notifications" ? `notifications:${setting.email}` : setting.page;

/** Changes kept per setting, and unknown attributes, at most: the judge's memory is bounded by what the stack declares. */
const maxKept = 20;

/** A judge fed AUDIT events in id order, one at a time, as the file's comment says. */
export function consoleJudge(declared: DeclaredConsole) {
    const known = threatClassificationCatalogue.map((c) => c.name);
    const stories = new Map<string, ConsoleChange[]>();
    const unknown: ConsoleChange[] = [];
    const keep = (list: ConsoleChange[], change: ConsoleChange) => {
        list.push(change);
        if (list.length > maxKept) list.shift();
    };
    function add(event: LookoutEvent): void {
        const audit = event.audit;
        if (event.type !== "AUDIT" || !audit?.type || !(audit.type in watchedAuditTypes)) return;
        const changes = audit.attribute_changes ?? [];
        const at = time(event.created_time ?? "");
        const actor = `${event.actor?.type ?? "unknown actor"} ${event.actor?.guid ?? ""}`.trim();
        for (const change of changes) {
            const setting = auditedSettingOf(audit.type, change.name, changes, known);
            const from = change.from ?? "";
            const to = change.to ?? "";
            if (setting === undefined) continue;
            if (setting === "unknown") {
                if (watchedAuditTypes[audit.type].unknownAttributes === "ignore") continue;
                keep(unknown, {
                    page: audit.type === "MDM_CONNECTOR" ? "connector" : "classifications",
                    at,
                    actor,
                    what: `${audit.type} attribute '${change.name}'`,
                    from,
                    to,
                    line: `${consoleChangeMarker} at ${at} by ${actor}: ${audit.type} attribute '${change.name}' ${quoted(from)} -> ${quoted(to)}, which this project's mapping does not name (contract/lookout/events.ts): check the page by hand`,
                });
                continue;
            }
            const value = declaredValue(declared, setting);
            // A setting the stack does not declare is the console's own business.
            if (value === undefined) continue;
            const key = keyOf(setting);
            // Back at the declared value: what came before is undone.
            if (auditValueMatches(value, to)) {
                stories.delete(key);
                continue;
            }
            const story = stories.get(key) ?? [];
            stories.set(key, story);
            const what = labelOf(setting);
            const spelled = auditValue(value);
            keep(story, {
                page: pageOf(setting),
                at,
                actor,
                what,
                from,
                to,
                declared: spelled,
                line: `${consoleChangeMarker} at ${at} by ${actor}: ${what} ${quoted(from)} -> ${quoted(to)} (the stack declares ${quoted(spelled)})`,
            });
        }
    }
    /** The reported changes, oldest first. */
    const changes = (): ConsoleChange[] =>
        [...[...stories.values()].flat(), ...unknown].sort((a, b) => a.at.localeCompare(b.at));
    return { add, changes };
}

/** The reported changes of a run of AUDIT events (in id order). */
export function judgeConsoleChanges(declared: DeclaredConsole, events: readonly LookoutEvent[]): ConsoleChange[] {
    const judge = consoleJudge(declared);
    for (const event of events) judge.add(event);
    return judge.changes();
}

/** The check's outcome: the changes, or why it could not be made; the service's clock when it read. */
export type ConsoleCheck =
    { changes: ConsoleChange[]; events: number; truncated: boolean; date?: number } | { unchecked: string };

/**
 * Reads the AUDIT events Lookout holds (its 10 days) and judges them; a refused or failed read is
 * an outcome, not an error (the run goes on, saying the check was not made).
 */
export async function checkConsoleChanges(lookout: LookoutClient, declared: DeclaredConsole): Promise<ConsoleCheck> {
    const judge = consoleJudge(declared);
    let events = 0;
    try {
        // From the epoch: Lookout starts 10 days back, its horizon.
        const recent = await readRecentEvents(lookout, {
            types: ["AUDIT"],
            startTime: new Date(0).toISOString(),
            maxEvents: 200_000,
            onEvent: (event) => {
                events++;
                judge.add(event);
            },
        });
        return { changes: judge.changes(), events, truncated: recent.truncated, date: recent.date };
    } catch (err) {
        return {
            unchecked: `${consoleUncheckedMarker}: ${(err as Error).message.split("\n")[0]} (they are the AUDIT events of Lookout's event stream, GET ${eventStreamPath}, which the application key must be allowed to read)`,
        };
    }
}
