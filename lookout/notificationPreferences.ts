/**
 * A Lookout console user's e-mail notification preference (System > Preferences) as a dynamic
 * resource, one per user. Users without stored preferences get Lookout's defaults.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type NotificationPreferences as NotificationPreferencesDocument, notificationPreferencesSchema } from "../contract/lookout/schemas";
import { lookoutPaths } from "../contract/lookout/routes";
import { dynamicResourceType } from "../dynamic/provider";
import { type DocumentOutputs, documentProvider } from "./documentProvider";

export interface NotificationPreferencesArgs {
    /** The console user's sign-in e-mail address (case-insensitive). */
    email: pulumi.Input<string>;
    /** Whether the user receives Lookout's e-mail notifications. */
    emailNotifications: pulumi.Input<boolean>;
}

export interface NotificationPreferencesInputs {
    email: string;
    emailNotifications: boolean;
}
export type NotificationPreferencesOutputs = NotificationPreferencesInputs & DocumentOutputs<NotificationPreferencesDocument>;

export function notificationPreferencesInputsSchema() {
    return z
        .object({
            email: z.email().transform((e) => e.toLowerCase()),
            emailNotifications: z.boolean(),
        })
        .strict();
}

export const notificationPreferencesProvider = documentProvider<NotificationPreferencesInputs, NotificationPreferencesDocument>({
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

export class NotificationPreferences extends pulumi.dynamic.Resource {
    declare readonly email: pulumi.Output<string>;
    declare readonly emailNotifications: pulumi.Output<boolean>;
    declare readonly etag: pulumi.Output<string>;
    declare readonly previous: pulumi.Output<NotificationPreferencesDocument | null>;

    constructor(name: string, args: NotificationPreferencesArgs, opts?: pulumi.CustomResourceOptions) {
        super(notificationPreferencesProvider, name, { ...args, etag: undefined, previous: undefined }, opts, notificationPreferencesType.module, notificationPreferencesType.name);
    }
}
