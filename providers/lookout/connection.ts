/**
 * Where the Lookout providers get their endpoint and credentials. Both are read when the engine
 * configures the provider (stack config) or from the environment, never from resource inputs, so
 * the application key never lands in state or in the serialized provider.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ServiceBinding } from "../provider";
import { type RetryPolicy, retryPolicyFromEnv } from "../http/retry";
import { createLookoutClient, type LookoutClient } from "./client";
import { defaultLookoutBaseUrl } from "../../contract/endpoints";

export interface LookoutConnection {
    baseUrl: string;
    applicationKey?: string;
    settingsMode?: "api" | "checklist";
    retry?: Partial<RetryPolicy>;
}

/** Reads `lookout:baseUrl` and `lookout:applicationKey` (secret), falling back to LOOKOUT_BASE_URL / LOOKOUT_APPLICATION_KEY. */
export function connectionFromConfig(config: pulumi.dynamic.Config | undefined): LookoutConnection {
    const baseUrl = config?.get("lookout:baseUrl") ?? process.env.LOOKOUT_BASE_URL ?? defaultLookoutBaseUrl;
    const applicationKey = config?.get("lookout:applicationKey") ?? process.env.LOOKOUT_APPLICATION_KEY;
    const settingsMode = config?.get("lookout:settingsMode") === "checklist" ? "checklist" : "api";
    return { baseUrl, applicationKey, settingsMode, retry: retryPolicyFromEnv() };
}

export function clientFor(connection: LookoutConnection | undefined): LookoutClient {
    const c = connection ?? connectionFromConfig(undefined);
    if (!c.applicationKey) {
        throw new Error(
            "No Lookout application key: set it with `pulumi config set --secret lookout:applicationKey <key>` or the environment variable LOOKOUT_APPLICATION_KEY (create the key in the Lookout console under System > Application Keys).",
        );
    }
    return createLookoutClient({
        baseUrl: c.baseUrl,
        applicationKey: c.applicationKey,
        settingsMode: c.settingsMode,
        retry: c.retry,
    });
}

/** How the Lookout resources reach Lookout (see `dynamic/provider.ts`). */
export const lookoutService: ServiceBinding<LookoutConnection, LookoutClient> = {
    name: "lookout",
    connectionFromConfig,
    clientFor,
};
