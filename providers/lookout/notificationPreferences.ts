/**
 * A Lookout console user's e-mail notification preference (System > Preferences) as a dynamic
 * resource, one per user. Users without stored preferences get Lookout's defaults.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    type NotificationPreferences as NotificationPreferencesDocument,
    notificationPreferencesSchema,
} from "../../contract/lookout/schemas";
import { lookoutPaths } from "../../contract/lookout/routes";
import { type ArgsOf, dynamicResourceType, ModuleResource, type OutputsOf, providerThroughModule } from "../provider";
import { type DocumentOutputs, documentProvider } from "./documentProvider";

/** `email`: the console user's sign-in address (case-insensitive); `emailNotifications`: whether the user receives Lookout's e-mail notifications. */
export type NotificationPreferencesArgs = ArgsOf<NotificationPreferencesInputs>;
export type NotificationPreferencesInputs = z.output<ReturnType<typeof notificationPreferencesInputsSchema>>;
export type NotificationPreferencesOutputs = NotificationPreferencesInputs &
    DocumentOutputs<NotificationPreferencesDocument>;

export function notificationPreferencesInputsSchema() {
    return z
        .object({
            email: z.email().transform((e) => e.toLowerCase()),
            emailNotifications: z.boolean(),
        })
        .strict();
}

export const notificationPreferencesProvider = documentProvider<
    NotificationPreferencesInputs,
    NotificationPreferencesDocument
>({
    describe: (inputs) => `Lookout notification preferences of ${inputs?.email}`,
    path: (inputs) => lookoutPaths.notificationPreferences(inputs.email),
    id: (inputs) => inputs.email,
    inputsSchema: notificationPreferencesInputsSchema,
    payloadSchema: notificationPreferencesSchema,
    toPayload: (inputs) => ({ emailNotifications: inputs.emailNotifications }),
    fromPayload: (payload, identity) => ({ email: identity.email, emailNotifications: payload.emailNotifications }),
    properties: ["email", "emailNotifications"],
    replaceOn: ["email"],
});

export const notificationPreferencesType = dynamicResourceType("lookout", "NotificationPreferences");

/** What the class hands Pulumi: this provider, reached through the module by its path (see `providerThroughModule`). */
const engineProvider = providerThroughModule(__filename, { notificationPreferencesProvider });

// Declaration merging: one typed Output per field of the outputs (see intuneConnector.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface NotificationPreferences extends OutputsOf<NotificationPreferencesOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class NotificationPreferences extends ModuleResource {
    constructor(name: string, args: NotificationPreferencesArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            notificationPreferencesType,
            engineProvider,
            name,
            { ...args, etag: undefined, previous: undefined },
            opts,
        );
    }
}
