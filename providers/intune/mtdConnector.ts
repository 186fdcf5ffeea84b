/**
 * Intune's Mobile Threat Defense connector for Lookout for Work, as a dynamic resource
 * (`/deviceManagement/mobileThreatDefenseConnectors/{id}`). Creating it adopts a connector that
 * already exists (set up by hand in the Intune admin center) and remembers its settings, which
 * `delete` restores. `partnerState` and `lastHeartbeatDateTime` show whether Lookout is
 * heartbeating.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { lookoutMtdConnectorId, type MtdConnector, type MtdConnectorSettings, mtdConnectorSchema, type partnerStates } from "../../contract/graph/schemas";
import { changedProperties, checkWith } from "../checks";
import { graphPaths, requiredPermission } from "../graph/client";
import type { GraphClient } from "../graph/client";
import { graphClientOf, type GraphConnection, graphConnectionFromConfig } from "../graph/connection";

export interface IntuneMtdConnectorArgs {
    /** Evaluate Android devices with Lookout (default true). */
    androidEnabled?: pulumi.Input<boolean>;
    /** Evaluate iOS/iPadOS devices with Lookout (default true). */
    iosEnabled?: pulumi.Input<boolean>;
    /** Mark Android devices non-compliant while Lookout has sent no data for them (default false). */
    androidDeviceBlockedOnMissingPartnerData?: pulumi.Input<boolean>;
    /** Mark iOS devices non-compliant while Lookout has sent no data for them (default false). */
    iosDeviceBlockedOnMissingPartnerData?: pulumi.Input<boolean>;
    /** Block devices on OS versions Lookout does not support (default false). */
    partnerUnsupportedOsVersionBlocked?: pulumi.Input<boolean>;
    /** Days without a heartbeat before Intune considers Lookout unresponsive (default 7). */
    partnerUnresponsivenessThresholdInDays?: pulumi.Input<number>;
    /** Let Lookout collect iOS app inventory metadata (default false). */
    allowPartnerToCollectIosApplicationMetadata?: pulumi.Input<boolean>;
}

export type MtdConnectorInputs = MtdConnectorSettings;
export interface MtdConnectorOutputs extends MtdConnectorInputs {
    partnerState: (typeof partnerStates)[number];
    lastHeartbeatDateTime: string;
    /** The connector's settings before this stack adopted it; `null` when it did not exist. */
    previous: MtdConnectorSettings | null;
}

export function mtdConnectorInputsSchema() {
    return z
        .object({
            androidEnabled: z.boolean().default(true),
            iosEnabled: z.boolean().default(true),
            androidDeviceBlockedOnMissingPartnerData: z.boolean().default(false),
            iosDeviceBlockedOnMissingPartnerData: z.boolean().default(false),
            partnerUnsupportedOsVersionBlocked: z.boolean().default(false),
            partnerUnresponsivenessThresholdInDays: z.number().int().min(1).max(365).default(7),
            allowPartnerToCollectIosApplicationMetadata: z.boolean().default(false),
        })
        .strict();
}

const settingKeys: ReadonlyArray<keyof MtdConnectorSettings> = [
    "androidEnabled",
    "iosEnabled",
    "androidDeviceBlockedOnMissingPartnerData",
    "iosDeviceBlockedOnMissingPartnerData",
    "partnerUnsupportedOsVersionBlocked",
    "partnerUnresponsivenessThresholdInDays",
    "allowPartnerToCollectIosApplicationMetadata",
];

function settingsOf(connector: MtdConnectorSettings): MtdConnectorSettings {
    return Object.fromEntries(settingKeys.map((k) => [k, connector[k]])) as unknown as MtdConnectorSettings;
}

function outputsOf(connector: MtdConnector, previous: MtdConnectorSettings | null): MtdConnectorOutputs {
    return { ...settingsOf(connector), partnerState: connector.partnerState, lastHeartbeatDateTime: connector.lastHeartbeatDateTime, previous };
}

type ProviderThis = { connection?: GraphConnection; client?: GraphClient };
const what = "Intune Mobile Threat Defense connector for Lookout";
const path = graphPaths.mtdConnector(lookoutMtdConnectorId);

function explain(err: unknown): Error {
    return Object.assign(new Error(`${what}: ${(err as Error).message}`), { cause: err });
}

export const mtdConnectorProvider: pulumi.dynamic.ResourceProvider<MtdConnectorInputs, MtdConnectorOutputs> = {
    async configure(this: ProviderThis, req: pulumi.dynamic.ConfigureRequest) {
        this.connection = graphConnectionFromConfig(req.config);
        this.client = undefined;
    },

    async check(_olds: MtdConnectorInputs, news: MtdConnectorInputs) {
        return checkWith(mtdConnectorInputsSchema(), news as unknown as Record<string, unknown>);
    },

    async diff(_id: string, olds: MtdConnectorOutputs, news: MtdConnectorInputs) {
        return { changes: changedProperties<MtdConnectorInputs>(olds, news, settingKeys).length > 0, replaces: [] };
    },

    async create(this: ProviderThis, inputs: MtdConnectorInputs) {
        try {
            const graph = graphClientOf(this);
            await graph.assertPermissions([requiredPermission("PATCH", path)], "Enabling the connector");
            const existing = await graph.request("GET", path, { schema: mtdConnectorSchema(), allow404: true });
            const patch = () => graph.request("PATCH", path, { body: settingsOf(inputs), schema: mtdConnectorSchema() });
            // The POST names the connector's id, so repeating it is harmless: a repeat that finds it
            // created by an earlier attempt answers 409, and the settings are then patched.
            const written = existing
                ? await patch()
                : await graph
                      .request("POST", graphPaths.mtdConnectors, { body: { id: lookoutMtdConnectorId, ...settingsOf(inputs) }, schema: mtdConnectorSchema(), idempotent: true })
                      .catch((err: { status?: number }) => {
                          if (err.status === 409) return patch();
                          throw err;
                      });
            return { id: lookoutMtdConnectorId, outs: outputsOf(written!.body, existing ? settingsOf(existing.body) : null) };
        } catch (err) {
            throw explain(err);
        }
    },

    async read(this: ProviderThis, id: string, props?: MtdConnectorOutputs) {
        try {
            const current = await graphClientOf(this).request("GET", path, { schema: mtdConnectorSchema(), allow404: true });
            if (!current) return {};
            const outs = outputsOf(current.body, props?.previous ?? null);
            return { id, props: outs, inputs: settingsOf(current.body) as MtdConnectorOutputs };
        } catch (err) {
            throw explain(err);
        }
    },

    async update(this: ProviderThis, _id: string, olds: MtdConnectorOutputs, news: MtdConnectorInputs) {
        try {
            const graph = graphClientOf(this);
            await graph.assertPermissions([requiredPermission("PATCH", path)], "Changing the connector");
            const written = await graph.request("PATCH", path, { body: settingsOf(news), schema: mtdConnectorSchema() });
            return { outs: outputsOf(written!.body, olds.previous ?? null) };
        } catch (err) {
            throw explain(err);
        }
    },

    async delete(this: ProviderThis, _id: string, props: MtdConnectorOutputs) {
        try {
            const graph = graphClientOf(this);
            if (props.previous) await graph.request("PATCH", path, { body: props.previous });
            else await graph.request("DELETE", path, { allow404: true });
        } catch (err) {
            throw explain(err);
        }
    },
};

export class IntuneMtdConnector extends pulumi.dynamic.Resource {
    declare readonly androidEnabled: pulumi.Output<boolean>;
    declare readonly iosEnabled: pulumi.Output<boolean>;
    declare readonly partnerUnresponsivenessThresholdInDays: pulumi.Output<number>;
    /** unavailable, available, enabled, unresponsive, notSetUp or error, as of the last read. */
    declare readonly partnerState: pulumi.Output<string>;
    /** When Lookout last heartbeated to Intune, as of the last read. */
    declare readonly lastHeartbeatDateTime: pulumi.Output<string>;
    declare readonly previous: pulumi.Output<MtdConnectorSettings | null>;

    constructor(name: string, args: IntuneMtdConnectorArgs, opts?: pulumi.CustomResourceOptions) {
        super(mtdConnectorProvider, name, { ...args, partnerState: undefined, lastHeartbeatDateTime: undefined, previous: undefined }, opts, "intune", "MtdConnector");
    }
}
