/**
 * The Lookout console's Intune connector (System > Connectors > Intune) as a dynamic resource:
 * heartbeat, enrollment groups, new-device check interval, disconnected-device threshold, state
 * sync and the error-report address. One per Lookout tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { connectorLimits, type IntuneConnectorSettings, intuneConnectorSettingsSchema } from "../../contract/lookout/schemas";
import { lookoutPaths } from "../../contract/lookout/routes";
import { type DocumentOutputs, documentProvider } from "./documentProvider";

export interface IntuneConnectorArgs {
    /** How often Lookout checks in with Intune, in minutes. */
    heartbeatFrequencyMinutes: pulumi.Input<number>;
    /**
     * Entra group display names whose members' devices Lookout enrolls. Case-sensitive and not
     * validated by Lookout: pass each group's `displayName` output rather than typing the name.
     */
    enrollmentGroups: pulumi.Input<pulumi.Input<string>[]>;
    /** Interval for checking for new devices, in minutes. Lookout recommends the default, 5. */
    newDeviceCheckIntervalMinutes?: pulumi.Input<number>;
    /** Days after which a device that stopped reporting counts as disconnected (1-90); unset by default. */
    disconnectedDeviceThresholdDays?: pulumi.Input<number>;
    /**
     * Which states Lookout sends to Intune. Both default to on; with either off, Intune stops
     * receiving Lookout's verdicts and compliance no longer reflects threats.
     */
    stateSync?: pulumi.Input<{ deviceStatus?: pulumi.Input<boolean>; threatStatus?: pulumi.Input<boolean> }>;
    /** Address that receives the connector's error reports. */
    errorReportEmail: pulumi.Input<string>;
}

export type IntuneConnectorInputs = IntuneConnectorSettings;
export type IntuneConnectorOutputs = IntuneConnectorInputs & DocumentOutputs<IntuneConnectorSettings>;

/** The connector's inputs with defaults applied; the same rules the Lookout contract enforces. */
export function intuneConnectorInputsSchema() {
    return intuneConnectorSettingsSchema().extend({
        newDeviceCheckIntervalMinutes: intuneConnectorSettingsSchema().shape.newDeviceCheckIntervalMinutes.default(connectorLimits.newDeviceCheckIntervalMinutes.recommended),
        disconnectedDeviceThresholdDays: intuneConnectorSettingsSchema().shape.disconnectedDeviceThresholdDays.default(null),
        stateSync: z
            .object({ deviceStatus: z.boolean().default(true), threatStatus: z.boolean().default(true) })
            .strict()
            .default({ deviceStatus: true, threatStatus: true }),
    });
}

export const intuneConnectorProvider = documentProvider<IntuneConnectorInputs, IntuneConnectorSettings>({
    describe: () => "Lookout Intune connector",
    path: () => lookoutPaths.intuneConnector,
    id: () => "intune-connector",
    inputsSchema: intuneConnectorInputsSchema,
    payloadSchema: intuneConnectorSettingsSchema,
    toPayload: (inputs) => ({
        heartbeatFrequencyMinutes: inputs.heartbeatFrequencyMinutes,
        enrollmentGroups: inputs.enrollmentGroups,
        newDeviceCheckIntervalMinutes: inputs.newDeviceCheckIntervalMinutes,
        disconnectedDeviceThresholdDays: inputs.disconnectedDeviceThresholdDays,
        stateSync: inputs.stateSync,
        errorReportEmail: inputs.errorReportEmail,
    }),
    fromPayload: (payload) => payload,
    properties: ["heartbeatFrequencyMinutes", "enrollmentGroups", "newDeviceCheckIntervalMinutes", "disconnectedDeviceThresholdDays", "stateSync", "errorReportEmail"],
    replaceOn: [],
});

export class IntuneConnector extends pulumi.dynamic.Resource {
    declare readonly heartbeatFrequencyMinutes: pulumi.Output<number>;
    declare readonly enrollmentGroups: pulumi.Output<string[]>;
    declare readonly newDeviceCheckIntervalMinutes: pulumi.Output<number>;
    declare readonly disconnectedDeviceThresholdDays: pulumi.Output<number | null>;
    declare readonly stateSync: pulumi.Output<{ deviceStatus: boolean; threatStatus: boolean }>;
    declare readonly errorReportEmail: pulumi.Output<string>;
    /** ETag of the connector settings after the last write or refresh. */
    declare readonly etag: pulumi.Output<string>;
    /** The settings as they were before this stack adopted the connector (`null`: it did not exist). */
    declare readonly previous: pulumi.Output<IntuneConnectorSettings | null>;

    constructor(name: string, args: IntuneConnectorArgs, opts?: pulumi.CustomResourceOptions) {
        super(intuneConnectorProvider, name, { ...args, etag: undefined, previous: undefined }, opts, "lookout", "IntuneConnector");
        pulumi.output(args.stateSync).apply((sync) => {
            const off = [sync?.deviceStatus === false && "device status", sync?.threatStatus === false && "threat status"].filter(Boolean);
            if (off.length > 0) {
                pulumi.log.warn(
                    `State sync of ${off.join(" and ")} is off: Intune stops receiving Lookout's ${off.join(" and ")} and device compliance no longer reflects it. Lookout requires both on.`,
                    this,
                );
            }
        });
    }
}
