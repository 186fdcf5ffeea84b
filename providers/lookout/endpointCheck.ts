/**
 * What the configured Lookout endpoint serves, checked while the program runs (so `preview` stops
 * as `up` would), before anything is written anywhere:
 *
 * - `api` mode: the key is exchanged for a token, then the console-settings contract is read
 *   (`GET` of the threat classifications, a document the contract always has, and of the Intune
 *   connector, whose current enrollment groups the preview's impact warnings compare with). An
 *   endpoint that accepts the key but answers 404 there serves only Lookout's public API, as
 *   api.lookout.com does today: the run stops, saying so and what to do.
 * - `checklist` mode: only the key is checked; no settings route is called.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    type IntuneConnectorSettings,
    intuneConnectorSettingsSchema,
    threatClassificationListSchema,
} from "../../contract/lookout/schemas";
import { lookoutPaths } from "../../contract/lookout/routes";
import type { SettingsMode } from "../../config/stackConfig";
import type { LookoutClient } from "./client";
import { clientFor, connectionFromConfig } from "./connection";

export interface LookoutEndpoint {
    /** The Intune connector as Lookout holds it now (`api` mode; undefined when never configured or in `checklist` mode). */
    connector?: IntuneConnectorSettings;
    /** The threat classifications' levels Lookout holds now, by name (`api` mode; the probe's answer, when it reads as the contract says). */
    classifications?: Record<string, string>;
}

/** Statuses with which an endpoint says it has no such route. */
const notServed = new Set([404, 405, 501]);

export async function checkLookoutEndpoint(mode: SettingsMode, client: LookoutClient): Promise<LookoutEndpoint> {
    const scopes = await client.verifyKey().catch((err: Error) => {
        throw new Error(`lookout:applicationKey: ${err.message}`, { cause: err });
    });
    if (mode === "checklist") return {};
    const probe = lookoutPaths.threatClassifications;
    // The connector is read at the same time as the probe; its answer counts only once the probe passed.
    const connector = client.request("GET", lookoutPaths.intuneConnector, {
        allow404: true,
        schema: intuneConnectorSettingsSchema(),
    });
    connector.catch(() => undefined);
    let levels: unknown;
    try {
        levels = (await client.request("GET", probe))?.body;
    } catch (err) {
        const status = (err as { status?: number }).status;
        // A gateway may answer 403 for a route it does not know; with a token that carries scopes but no
        // settings scope, that is the same answer.
        const noSettingsScope =
            status === 403 && scopes !== undefined && !scopes.some((scope) => scope.startsWith("settings:"));
        if (status !== undefined && (notServed.has(status) || noSettingsScope)) {
            throw new Error(
                `lookout:baseUrl: ${client.baseUrl} accepted the application key but does not serve this project's console-settings contract (GET ${probe} answered ${status}). ` +
                    "Lookout publishes no API for its console settings, so its public endpoint serves only the device and event APIs. " +
                    "Run `pulumi config set lookout:settingsMode checklist`: the stack then writes no Lookout setting and outputs the console steps with their values (stack output lookoutConsoleSteps), and `npm run status` checks that the enrollment groups' devices appear; " +
                    "or point lookout:baseUrl at a service that implements contract/lookout/openapi.yaml.",
                { cause: err },
            );
        }
        throw new Error(`lookout:baseUrl: ${(err as Error).message}`, { cause: err });
    }
    const read = threatClassificationListSchema().safeParse(levels);
    const classifications = read.success
        ? Object.fromEntries(read.data.classifications.map((c) => [c.name, c.riskLevel]))
        : undefined;
    return { connector: (await connector)?.body, ...(classifications ? { classifications } : {}) };
}

/** The program's own Lookout client, from the same `lookout:*` config (or environment) as the providers'. */
export function programLookoutClient(): LookoutClient {
    return clientFor(
        connectionFromConfig({
            get: (key) => pulumi.runtime.getConfig(key),
            require: (key) => pulumi.runtime.getConfig(key) ?? "",
        }),
    );
}
