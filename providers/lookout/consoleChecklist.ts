/**
 * Lookout console settings that an admin applies by hand (`lookout:settingsMode: checklist`), for a
 * Lookout endpoint that serves only Lookout's public API, as api.lookout.com does today: one
 * resource per console page, holding the values the page must show, labelled as the page labels
 * them. It calls no Lookout route: `up` records the values and outputs the steps, `preview` shows a
 * changed value like any diff, and `npm run status` checks what Lookout's public device list can
 * show (the enrollment groups' devices appearing).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { IntuneConnectorSettings, RiskLevel } from "../../contract/lookout/schemas";
import {
    type ArgsOf,
    dynamicProvider,
    dynamicResourceType,
    ModuleResource,
    type OutputsOf,
    providerThroughModule,
    type ServiceBinding,
} from "../provider";

type Value = string | number | boolean | string[] | null;

export interface ConsoleChecklistInputs {
    /** Where the settings are, as the console's menus name it: "System > Connectors > Intune". */
    page: string;
    /** Each setting by its label on the page, with the value it must have. */
    settings: Record<string, Value>;
}
export interface ConsoleChecklistOutputs extends ConsoleChecklistInputs {
    /** One line per setting: what to set where. */
    steps: string[];
}

function inputsSchema() {
    const value = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
    return z.object({ page: z.string().min(1), settings: z.record(z.string(), value) }).strict();
}

const shown = (value: Value) =>
    value === null
        ? "not set"
        : typeof value === "boolean"
          ? value
              ? "on"
              : "off"
          : Array.isArray(value)
            ? value.map((v) => `'${v}'`).join(", ")
            : String(value);

/** The steps of a page, one per setting. */
export function checklistSteps({ page, settings }: ConsoleChecklistInputs): string[] {
    return Object.entries(settings).map(([label, value]) => `${page} > ${label}: ${shown(value)}`);
}

/** The connector page's page name, and each setting's label on it, by the contract's field. */
export const connectorPage = "System > Connectors > Intune";
export const connectorLabels = {
    heartbeatFrequencyMinutes: "Connection Settings > Heartbeat frequency (minutes)",
    enrollmentGroups: "Enrollment Management > Enrollment groups (exact display names, case-sensitive)",
    newDeviceCheckIntervalMinutes: "Enrollment Management > Interval for checking for new devices (minutes)",
    disconnectedDeviceThresholdDays: "Enrollment Management > Disconnected device threshold (days)",
    "stateSync.deviceStatus": "State Sync > Device status",
    "stateSync.threatStatus": "State Sync > Threat status",
    errorReportEmail: "Error Management > Error report e-mail",
} as const;

/** System > Connectors > Intune, with the enrollment groups' display names as Entra holds them. */
export function connectorChecklist(settings: IntuneConnectorSettings): ConsoleChecklistInputs {
    const L = connectorLabels;
    return {
        page: connectorPage,
        settings: {
            [L.heartbeatFrequencyMinutes]: settings.heartbeatFrequencyMinutes,
            [L.enrollmentGroups]: settings.enrollmentGroups,
            [L.newDeviceCheckIntervalMinutes]: settings.newDeviceCheckIntervalMinutes,
            [L.disconnectedDeviceThresholdDays]: settings.disconnectedDeviceThresholdDays,
            [L["stateSync.deviceStatus"]]: settings.stateSync.deviceStatus,
            [L["stateSync.threatStatus"]]: settings.stateSync.threatStatus,
            [L.errorReportEmail]: settings.errorReportEmail,
        },
    };
}

/** The connector's settings as a checklist of its page holds them (for the policy pack), or undefined for another page. */
export function connectorSettingsOf(
    checklist: Partial<ConsoleChecklistInputs>,
): Partial<IntuneConnectorSettings> | undefined {
    if (checklist.page !== connectorPage || !checklist.settings) return undefined;
    const v = checklist.settings;
    const L = connectorLabels;
    return {
        heartbeatFrequencyMinutes: v[L.heartbeatFrequencyMinutes] as number,
        enrollmentGroups: v[L.enrollmentGroups] as string[],
        newDeviceCheckIntervalMinutes: v[L.newDeviceCheckIntervalMinutes] as number,
        disconnectedDeviceThresholdDays: v[L.disconnectedDeviceThresholdDays] as number | null,
        stateSync: {
            deviceStatus: v[L["stateSync.deviceStatus"]] as boolean,
            threatStatus: v[L["stateSync.threatStatus"]] as boolean,
        },
        errorReportEmail: v[L.errorReportEmail] as string,
    };
}

/** System > Preferences, signed in as the console user. */
export function notificationChecklist(email: string, emailNotifications: boolean): ConsoleChecklistInputs {
    return {
        page: `System > Preferences (signed in as ${email})`,
        settings: { "Email notifications": emailNotifications },
    };
}

/** Protections > Policies, one risk level per classification the stack names. */
export function classificationChecklist(levels: Record<string, RiskLevel>): ConsoleChecklistInputs {
    return {
        page: "Protections > Policies > Threat classifications",
        settings: Object.fromEntries(Object.entries(levels).sort(([a], [b]) => a.localeCompare(b))),
    };
}

/** No service: these resources reach nothing. */
const noService: ServiceBinding<undefined, undefined> = {
    name: "none",
    connectionFromConfig: () => undefined,
    clientFor: () => undefined,
};

export const consoleChecklistProvider = dynamicProvider<
    ConsoleChecklistInputs,
    ConsoleChecklistOutputs,
    undefined,
    undefined
>({
    service: () => noService,
    describe: (props) => `Lookout console checklist${props?.page ? ` (${props.page})` : ""}`,
    inputsSchema,
    properties: ["page", "settings"],
    replaceOn: ["page"],
    async create(_client, inputs) {
        return {
            id: `checklist:${inputs.page}`,
            outs: { page: inputs.page, settings: inputs.settings, steps: checklistSteps(inputs) },
        };
    },
    // Lookout's public API cannot read the console settings: what the stack holds is what it last asked for.
    async read(_client, id, state) {
        return { id, props: state };
    },
    async update(_client, _id, _olds, news) {
        return { page: news.page, settings: news.settings, steps: checklistSteps(news) };
    },
    // Nothing to remove remotely; the console keeps what the admin set.
    async delete() {},
});

export const consoleChecklistType = dynamicResourceType("lookout", "ConsoleChecklist");

/** What the class hands Pulumi: this provider, reached through the module by its path (see `providerThroughModule`). */
const engineProvider = providerThroughModule(__filename, { consoleChecklistProvider });

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ConsoleChecklist extends OutputsOf<ConsoleChecklistOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ConsoleChecklist extends ModuleResource {
    constructor(
        name: string,
        args: pulumi.Input<ConsoleChecklistInputs> | ArgsOf<ConsoleChecklistInputs>,
        opts?: pulumi.CustomResourceOptions,
    ) {
        const inputs = pulumi.output(args as pulumi.Input<ConsoleChecklistInputs>);
        super(
            consoleChecklistType,
            engineProvider,
            name,
            { page: inputs.page, settings: inputs.settings, steps: undefined },
            opts,
        );
    }
}
