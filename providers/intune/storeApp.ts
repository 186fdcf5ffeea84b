/**
 * A store app in Intune assigned to groups, as a dynamic resource: Lookout for Work (and, on iOS,
 * Microsoft Authenticator as its sign-in broker) deployed to the users Lookout enrolls, because a
 * device activates in Lookout only once the user opens the app.
 *
 * Create finds the app by its store identifier and adopts it; only an iOS App Store app is added
 * when missing (`POST /deviceAppManagement/mobileApps`, v1.0). A managed Google Play app exists in
 * Intune only after an admin approved it there, which Graph v1.0 cannot do: a missing one fails
 * with the steps, before any write (the program checks it before declaring anything, too).
 *
 * Precise writes: assignments are written one at a time (create a missing one, PATCH only the
 * intent of one that differs, delete one the stack no longer wants), never through `assign`, which
 * replaces an app's whole assignment list: targets the stack does not manage (other groups,
 * exclusions, all users) and the settings of every existing assignment stay as they are; only a new
 * assignment gets the stack's settings. Nothing is sent when nothing differs. An adopted app
 * remembers the managed groups' assignments as they were (`previous`) and destroy puts back exactly
 * those; an app the stack added is deleted.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { acceptedPermissions, graphPaths } from "../../contract/graph/routes";
import { assignmentTargetTypes } from "../../contract/graph/schemas";
import {
    type DeployedIntent,
    deployedIntents,
    type IosStoreAppWrite,
    type MobileAppAssignmentRead,
    mobileAppSchema,
    storeAppPlatforms,
    storeAppTypes,
    iosMinimumOs,
} from "../../contract/graph/mobileApps";
import { changedProperties } from "../checks";
import {
    type ArgsOf,
    dynamicProvider,
    dynamicResourceType,
    ModuleResource,
    type OutputsOf,
    providerThroughModule,
} from "../provider";
import type { GraphClient } from "../graph/client";
import { type GraphConnection, graphService } from "../graph/connection";
import { outcomeUnknown, pause, reportWait } from "../http/retry";
import { tolerateLate } from "../graph/lateObjects";
import { findStoreApps, managedGooglePlaySteps } from "./appLookup";
import { assignmentsOf, converge, isGroupOf, restore } from "./appAssignments";

export function storeAppInputsSchema() {
    return z
        .object({
            /** `ios` (App Store, v1.0 iosStoreApp) or `androidEnterprise` (managed Google Play); changing it replaces the resource. */
            platform: z.enum(storeAppPlatforms),
            /** The iOS bundle ID or Android package ID the app is found by; changing it replaces the resource. */
            storeId: z.string().trim().min(1),
            /** Name, publisher and store page of an iOS app the stack adds (Graph does not look them up). */
            displayName: z.string().trim().min(1).max(256),
            publisher: z.string().trim().min(1),
            storeUrl: z.url(),
            /** `required` installs the app; `available` offers it in the Company Portal. */
            intent: z.enum(deployedIntents, `must be ${deployedIntents.join(" or ")}`).default("required"),
            groupIds: z
                .array(z.string().min(1))
                .min(1, "assign the app to at least one group")
                .transform((ids) => [...new Set(ids)].sort()),
        })
        .strict();
}
export type StoreAppInputs = z.output<ReturnType<typeof storeAppInputsSchema>>;
export type StoreAppArgs = ArgsOf<z.input<ReturnType<typeof storeAppInputsSchema>>>;

export interface StoreAppOutputs extends StoreAppInputs {
    /** The managed groups' assignments before the stack took the app over; `null` when the stack added the app. */
    previous: { assignments: MobileAppAssignmentRead[] } | null;
}

/** The description of apps the stack adds: finding it at create means an interrupted earlier run added the app, which is then the stack's own. */
const managedAppMarker = "deployed by lookout-mtp (Pulumi) for Lookout Mobile Threat Protection.";
export const managedAppDescription = (displayName: string) => `${displayName}, ${managedAppMarker}`;

/** The iOS App Store app as the stack adds it; Graph requires exactly one minimum-OS flag, and v1.0 can express nothing above iOS 15. */
function newIosApp(inputs: StoreAppInputs): IosStoreAppWrite {
    return {
        "@odata.type": storeAppTypes.ios,
        displayName: inputs.displayName,
        description: managedAppDescription(inputs.displayName),
        publisher: inputs.publisher,
        isFeatured: false,
        bundleId: inputs.storeId,
        appStoreUrl: inputs.storeUrl,
        applicableDeviceType: { iPad: true, iPhoneAndIPod: true },
        minimumSupportedOperatingSystem: iosMinimumOs("v15_0"),
    };
}

/**
 * POSTs the app. A create whose outcome is unknown (dropped connection, timeout, 500/502) is not
 * repeated blindly: the app is looked up by its store ID, every `pollIntervalMs` for one attempt
 * timeout, and taken when it arrives. Retries that ran out on 429 or 503 mean nothing was created:
 * that error ends the run without a look-up, which would only add load to a throttled tenant.
 */
async function addIosApp(graph: GraphClient, inputs: StoreAppInputs): Promise<string> {
    const { maxAttempts, attemptTimeoutMs, pollIntervalMs } = graph.policy;
    for (let attempt = 1; ; attempt++) {
        try {
            return (await graph.request("POST", graphPaths.mobileApps, {
                body: newIosApp(inputs),
                schema: mobileAppSchema(),
            }))!.body.id;
        } catch (err) {
            if (!outcomeUnknown(err) || attempt >= maxAttempts) throw err;
        }
        const deadline = Date.now() + attemptTimeoutMs;
        do {
            await pause(pollIntervalMs);
            const [late] = await findStoreApps(graph, inputs.platform, inputs.storeId, inputs.storeUrl);
            if (late) return late.id;
        } while (Date.now() < deadline);
    }
}

/**
 * Intune assigns an app only once it is `published` (Learn: "The app cannot be assigned unless the
 * app is published"); a new store app is `processing` first, and may not be readable at all at first.
 */
async function untilPublished(graph: GraphClient, appId: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const read = () => graph.request("GET", graphPaths.mobileApp(appId), { schema: mobileAppSchema() });
    for (;;) {
        const state = (await tolerateLate(graph, `the new app ${appId}`, read))!.body.publishingState;
        if (state === "published") return;
        if (Date.now() >= deadline)
            throw new Error(
                `the new app ${appId} is still '${state}' after ${timeoutMs / 1000} s; Intune assigns only published apps. Run again later.`,
            );
        reportWait(
            graph.policy,
            graph.policy.pollIntervalMs,
            `the new app ${appId} is '${state}' until Intune publishes it`,
        );
        await pause(graph.policy.pollIntervalMs);
    }
}

export const storeAppProvider = dynamicProvider<StoreAppInputs, StoreAppOutputs, GraphConnection, GraphClient>({
    service: () => graphService,
    describe: (props) => `Intune app '${props?.displayName}' (${props?.storeId})`,
    inputsSchema: storeAppInputsSchema,
    properties: ["platform", "storeId", "intent", "groupIds"],
    // A new bundle ID is looked up again in update: it may name the same app (found by its App Store ID).
    replaceOn: ["platform"],

    async create(graph, inputs) {
        await graph.assertPermissions([acceptedPermissions("POST", graphPaths.mobileApps)], "Deploying the app");
        const found = await findStoreApps(graph, inputs.platform, inputs.storeId, inputs.storeUrl);
        if (found.length > 1) {
            throw new Error(
                `${found.length} apps in Intune are this app (${found.map((a) => `'${a.displayName}' ${a.id}`).join(", ")}); the stack cannot tell which to assign. Keep one in Apps > All apps, or leave this platform out of intune.apps.`,
            );
        }
        if (found.length === 1) {
            const current = await assignmentsOf(graph, found[0].id);
            await converge(graph, found[0], inputs, current);
            const own = found[0].description?.endsWith(managedAppMarker) === true;
            return {
                id: found[0].id,
                outs: { ...inputs, previous: own ? null : { assignments: current.filter(isGroupOf(inputs.groupIds)) } },
            };
        }
        if (inputs.platform === "androidEnterprise")
            throw new Error(managedGooglePlaySteps(inputs.displayName, inputs.storeId));
        const id = await addIosApp(graph, inputs);
        try {
            await untilPublished(graph, id);
            await converge(graph, { id, "@odata.type": storeAppTypes.ios }, inputs, []);
        } catch (err) {
            // Not deleted: a throttled tenant would refuse the delete too, and the app carries the stack's
            // description, so the next run's create takes it back as its own instead of adding another.
            (err as Error).message +=
                ` The app ${id} was added and waits unassigned; the next \`pulumi up\` takes it back and assigns it.`;
            throw err;
        }
        return { id, outs: { ...inputs, previous: null } };
    },

    async read(graph, id, state) {
        const app = (
            await graph.request("GET", graphPaths.mobileApp(id), { schema: mobileAppSchema(), allow404: true })
        )?.body;
        if (!app || !state) return {};
        const assigned = (await assignmentsOf(graph, id)).filter(
            (a) => a.target["@odata.type"] === assignmentTargetTypes.group,
        );
        // A managed group whose assignment was removed, or switched to another intent, reads as drift.
        const groupIds = state.groupIds.filter((g) => assigned.some((a) => a.target.groupId === g));
        const intent = (assigned.find(
            (a) => state.groupIds.includes(a.target.groupId ?? "") && a.intent !== state.intent,
        )?.intent ?? state.intent) as DeployedIntent;
        const { previous, ...declared } = state;
        const inputs: StoreAppInputs = { ...declared, intent, groupIds };
        return { id, props: { ...inputs, previous }, inputs: inputs as StoreAppOutputs };
    },

    async update(graph, id, olds, news) {
        await graph.assertPermissions(
            [acceptedPermissions("POST", graphPaths.mobileAppAssignments(id))],
            "Changing the app's assignments",
        );
        if (
            news.storeId !== olds.storeId &&
            !(await findStoreApps(graph, news.platform, news.storeId, news.storeUrl)).some((a) => a.id === id)
        ) {
            throw new Error(
                `the store ID ${news.storeId} names another app than the one this stack manages (${id}, ${olds.storeId}); keep the old value, or remove the app from the stack first (pulumi state delete) so it is adopted anew.`,
            );
        }
        if (changedProperties<StoreAppInputs>(olds, news, ["intent", "groupIds"]).length === 0)
            return { ...news, previous: olds.previous };
        const current = await assignmentsOf(graph, id);
        const released = olds.groupIds.filter((g) => !news.groupIds.includes(g));
        await restore(graph, id, released, olds.previous?.assignments ?? [], current);
        const app = (await graph.request("GET", graphPaths.mobileApp(id), { schema: mobileAppSchema() }))!.body;
        await converge(graph, app, news, current);
        const newlyManaged = news.groupIds.filter((g) => !olds.groupIds.includes(g));
        const previous = olds.previous && {
            assignments: [
                ...olds.previous.assignments.filter((a) => !isGroupOf(released)(a)),
                ...current.filter(isGroupOf(newlyManaged)),
            ],
        };
        return { ...news, previous };
    },

    async delete(graph, id, state) {
        if (!(await graph.request("GET", graphPaths.mobileApp(id), { allow404: true }))) return;
        const current = await assignmentsOf(graph, id);
        if (state.previous) return restore(graph, id, state.groupIds, state.previous.assignments, current);
        // An app the stack added goes, unless others assigned it meanwhile: then only the stack's assignments go.
        if (current.every(isGroupOf(state.groupIds))) {
            await graph.request("DELETE", graphPaths.mobileApp(id), { allow404: true });
            return;
        }
        await restore(graph, id, state.groupIds, [], current);
    },
});

export const storeAppType = dynamicResourceType("intune", "StoreApp");

/** What the class hands Pulumi: this provider, reached through the module by its path (see `providerThroughModule`). */
const engineProvider = providerThroughModule(__filename, { storeAppProvider });

// Declaration merging: one typed Output per field of the outputs (see lookout/intuneConnector.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface StoreApp extends OutputsOf<StoreAppOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class StoreApp extends ModuleResource {
    constructor(name: string, args: StoreAppArgs, opts?: pulumi.CustomResourceOptions) {
        super(storeAppType, engineProvider, name, { ...args, previous: undefined }, opts);
    }
}
