/**
 * Lookout's Intune connector (System > Connectors > Intune) as a dynamic resource. Its fields, their
 * limits and defaults are the contract's (`intuneConnectorInputsSchema`): the Args, the inputs, the
 * payload and the outputs below are all derived from it.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    type IntuneConnectorInput,
    intuneConnectorInputsSchema,
    type IntuneConnectorSettings,
    intuneConnectorSettingsSchema,
} from "../../contract/lookout/schemas";
import { lookoutPaths } from "../../contract/lookout/routes";
import { type ArgsOf, dynamicResourceType, ModuleResource, type OutputsOf, providerThroughModule } from "../provider";
import { type DocumentOutputs, documentProvider } from "./documentProvider";

/** The connector's settings, as the contract documents each of them; left-out ones take Lookout's defaults. */
export type IntuneConnectorArgs = ArgsOf<IntuneConnectorInput>;
export type IntuneConnectorInputs = IntuneConnectorSettings;
export type IntuneConnectorOutputs = IntuneConnectorInputs & DocumentOutputs<IntuneConnectorSettings>;

/** The settings' fields, in the order the contract lists them: what a diff compares and a write sends. */
function settingKeys(): Array<keyof IntuneConnectorSettings> {
    return Object.keys(intuneConnectorSettingsSchema().shape) as Array<keyof IntuneConnectorSettings>;
}

export const intuneConnectorProvider = documentProvider<IntuneConnectorInputs, IntuneConnectorSettings>({
    describe: () => "Lookout Intune connector",
    path: () => lookoutPaths.intuneConnector,
    id: () => "intune-connector",
    inputsSchema: intuneConnectorInputsSchema,
    payloadSchema: intuneConnectorSettingsSchema,
    // Inputs from the engine also carry `__provider`, which must never reach Lookout.
    toPayload: (inputs) => Object.fromEntries(settingKeys().map((k) => [k, inputs[k]])) as IntuneConnectorSettings,
    fromPayload: (payload) => payload,
    properties: settingKeys(),
    replaceOn: [],
});

export const intuneConnectorType = dynamicResourceType("lookout", "IntuneConnector");

/** What the class hands Pulumi: this provider, reached through the module by its path (see `providerThroughModule`). */
const engineProvider = providerThroughModule(__filename, { intuneConnectorProvider });

// Declaration merging gives the class one typed Output per field of its outputs, so they are not
// written out a second time.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface IntuneConnector extends OutputsOf<IntuneConnectorOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class IntuneConnector extends ModuleResource {
    constructor(name: string, args: IntuneConnectorArgs, opts?: pulumi.CustomResourceOptions) {
        super(intuneConnectorType, engineProvider, name, { ...args, etag: undefined, previous: undefined }, opts);
        pulumi.output(args.stateSync).apply((sync) => {
            const off = [
                sync?.deviceStatus === false && "device status",
                sync?.threatStatus === false && "threat status",
            ].filter(Boolean);
            if (off.length > 0) {
                pulumi.log.warn(
                    `State sync of ${off.join(" and ")} is off: Intune stops receiving Lookout's ${off.join(" and ")} and device compliance no longer reflects it. Lookout requires both on.`,
                    this,
                );
            }
        });
    }
}
