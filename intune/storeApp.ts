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
 * Precise writes: `assign` replaces an app's whole assignment list, so the current list is read
 * first and sent back as it was, every target the stack does not manage (other groups, exclusions,
 * all users) with its intent and settings; for a managed group an existing assignment is kept as
 * it is (its settings included) unless its intent differs, and only a new one gets the stack's
 * settings. Nothing is sent when nothing differs. An adopted app remembers the managed groups'
 * assignments as they were (`previous`) and destroy puts back exactly those; an app the stack
 * added is deleted.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { graphPaths, requiredPermission } from "../contract/graph/routes";
import {
    assignmentTargetTypes,
    type DeployedIntent,
    deployedIntents,
    iosStoreAppAssignmentSettings,
    type IosStoreAppWrite,
    type MobileAppAssignmentRead,
    mobileAppAssignmentSchema,
    type MobileAppAssignmentWrite,
    mobileAppSchema,
    storeAppPlatforms,
    storeAppTypes,
} from "../contract/graph/schemas";
import { changedProperties } from "../dynamic/checks";
import { type ArgsOf, dynamicProvider, dynamicResourceType, type OutputsOf } from "../dynamic/provider";
import type { GraphClient } from "../graph/client";
import { type GraphConnection, graphService } from "../graph/connection";
import { findStoreApps, managedGooglePlaySteps } from "./appLookup";

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

const groupTarget = (groupId: string) => ({ "@odata.type": assignmentTargetTypes.group, groupId });
const isGroupOf = (groupIds: readonly string[]) => (a: MobileAppAssignmentRead) =>
    a.target["@odata.type"] === assignmentTargetTypes.group && groupIds.includes(a.target.groupId ?? "");

/** An assignment as `assign` takes it: what was read, unchanged but for the intent. */
function asWrite(a: MobileAppAssignmentRead, intent = a.intent): MobileAppAssignmentWrite {
    return { ...a, "@odata.type": "#microsoft.graph.mobileAppAssignment", intent, target: a.target, settings: a.settings ?? null };
}

async function assignmentsOf(graph: GraphClient, appId: string): Promise<MobileAppAssignmentRead[]> {
    return graph.listAll(graphPaths.mobileAppAssignments(appId), mobileAppAssignmentSchema());
}

/**
 * The assignment list with the managed groups at `intent`: every other target as read, a managed
 * group's own assignment kept unless its intent differs. `undefined` when that is the list as it is.
 */
function wantedAssignments(current: MobileAppAssignmentRead[], inputs: StoreAppInputs, released: readonly string[] = []): MobileAppAssignmentWrite[] | undefined {
    const managed = isGroupOf(inputs.groupIds);
    const others = current.filter((a) => !managed(a) && !isGroupOf(released)(a));
    const mine = inputs.groupIds.map((groupId) => {
        const existing = current.find((a) => managed(a) && a.target.groupId === groupId);
        if (existing) return asWrite(existing, inputs.intent);
        return {
            "@odata.type": "#microsoft.graph.mobileAppAssignment",
            intent: inputs.intent,
            target: groupTarget(groupId),
            settings: inputs.platform === "ios" ? iosStoreAppAssignmentSettings() : null,
        } satisfies MobileAppAssignmentWrite;
    });
    const unchanged =
        released.every((id) => !current.some(isGroupOf([id]))) &&
        mine.every((a, i) => current.some((c) => managed(c) && c.target.groupId === inputs.groupIds[i] && c.intent === a.intent));
    return unchanged ? undefined : [...others.map((a) => asWrite(a)), ...mine];
}

async function assign(graph: GraphClient, appId: string, assignments: MobileAppAssignmentWrite[] | undefined): Promise<void> {
    if (!assignments) return;
    await graph.request("POST", graphPaths.mobileAppAssign(appId), { body: { mobileAppAssignments: assignments } });
}

/** The description of apps the stack adds: finding it at create means an interrupted earlier run added the app, which is then the stack's own. */
export const managedAppDescription = (displayName: string) => `${displayName}, deployed by lookout-mtp (Pulumi) for Lookout Mobile Threat Protection.`;

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
        minimumSupportedOperatingSystem: { v8_0: false, v9_0: false, v10_0: false, v11_0: false, v12_0: false, v13_0: false, v14_0: false, v15_0: true },
    };
}

/**
 * POSTs the app. A create whose outcome is unknown (dropped connection, timeout, 500/502) is not
 * repeated blindly: the app is looked up by bundle ID first and taken when it arrived.
 */
async function addIosApp(graph: GraphClient, inputs: StoreAppInputs): Promise<string> {
    for (let attempt = 1; ; attempt++) {
        try {
            return (await graph.request("POST", graphPaths.mobileApps, { body: newIosApp(inputs), schema: mobileAppSchema() }))!.body.id;
        } catch (err) {
            const status = (err as { status?: number }).status ?? 0;
            if (!(status === 0 || status === 500 || status === 502) || attempt >= graph.policy.maxAttempts) throw err;
        }
        const [late] = await findStoreApps(graph, inputs.platform, inputs.storeId, inputs.storeUrl);
        if (late) return late.id;
    }
}

export const storeAppProvider = dynamicProvider<StoreAppInputs, StoreAppOutputs, GraphConnection, GraphClient>({
    service: graphService,
    describe: (props) => `Intune app '${props?.displayName}' (${props?.storeId})`,
    inputsSchema: storeAppInputsSchema,
    properties: ["platform", "storeId", "intent", "groupIds"],
    replaceOn: ["platform", "storeId"],

    async create(graph, inputs) {
        await graph.assertPermissions([requiredPermission("POST", graphPaths.mobileApps)], "Deploying the app");
        const found = await findStoreApps(graph, inputs.platform, inputs.storeId, inputs.storeUrl);
        if (found.length > 1) {
            throw new Error(
                `${found.length} apps in Intune have the store ID ${inputs.storeId} (${found.map((a) => `'${a.displayName}' ${a.id}`).join(", ")}); remove the duplicates.`,
            );
        }
        if (found.length === 1) {
            const current = await assignmentsOf(graph, found[0].id);
            await assign(graph, found[0].id, wantedAssignments(current, inputs));
            const own = found[0].description === managedAppDescription(inputs.displayName);
            return { id: found[0].id, outs: { ...inputs, previous: own ? null : { assignments: current.filter(isGroupOf(inputs.groupIds)) } } };
        }
        if (inputs.platform === "androidEnterprise") throw new Error(managedGooglePlaySteps(inputs.displayName, inputs.storeId));
        const id = await addIosApp(graph, inputs);
        try {
            await assign(graph, id, wantedAssignments([], inputs));
        } catch (err) {
            // An unassigned app would sit in Intune unseen: a create completes or leaves nothing.
            await graph.request("DELETE", graphPaths.mobileApp(id), { allow404: true }).catch(() => undefined);
            throw err;
        }
        return { id, outs: { ...inputs, previous: null } };
    },

    async read(graph, id, state) {
        const app = (await graph.request("GET", graphPaths.mobileApp(id), { schema: mobileAppSchema(), allow404: true }))?.body;
        if (!app || !state) return {};
        const assigned = (await assignmentsOf(graph, id)).filter((a) => a.target["@odata.type"] === assignmentTargetTypes.group);
        // A managed group whose assignment was removed, or switched to another intent, reads as drift.
        const groupIds = state.groupIds.filter((g) => assigned.some((a) => a.target.groupId === g));
        const intent = (assigned.find((a) => state.groupIds.includes(a.target.groupId ?? "") && a.intent !== state.intent)?.intent ?? state.intent) as DeployedIntent;
        const { previous, ...declared } = state;
        const inputs: StoreAppInputs = { ...declared, intent, groupIds };
        return { id, props: { ...inputs, previous }, inputs: inputs as StoreAppOutputs };
    },

    async update(graph, id, olds, news) {
        await graph.assertPermissions([requiredPermission("POST", graphPaths.mobileAppAssign(id))], "Changing the app's assignments");
        if (changedProperties<StoreAppInputs>(olds, news, ["intent", "groupIds"]).length === 0) return { ...news, previous: olds.previous };
        const current = await assignmentsOf(graph, id);
        const released = olds.groupIds.filter((g) => !news.groupIds.includes(g));
        const restored = (olds.previous?.assignments ?? []).filter(isGroupOf(released));
        const wanted = wantedAssignments(current, news, released);
        await assign(graph, id, wanted && [...wanted, ...restored.map((a) => asWrite(a))]);
        const newlyManaged = news.groupIds.filter((g) => !olds.groupIds.includes(g));
        const previous = olds.previous && {
            assignments: [...olds.previous.assignments.filter((a) => !isGroupOf(released)(a)), ...current.filter(isGroupOf(newlyManaged))],
        };
        return { ...news, previous };
    },

    async delete(graph, id, state) {
        if (!state.previous) {
            await graph.request("DELETE", graphPaths.mobileApp(id), { allow404: true });
            return;
        }
        const current = await graph.request("GET", graphPaths.mobileApp(id), { allow404: true });
        if (!current) return;
        const assignments = await assignmentsOf(graph, id);
        const kept = assignments.filter((a) => !isGroupOf(state.groupIds)(a));
        await assign(
            graph,
            id,
            [...kept, ...state.previous.assignments].map((a) => asWrite(a)),
        );
    },
});

export const storeAppType = dynamicResourceType("intune", "StoreApp");

// Declaration merging: one typed Output per field of the outputs (see lookout/intuneConnector.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface StoreApp extends OutputsOf<StoreAppOutputs> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class StoreApp extends pulumi.dynamic.Resource {
    constructor(name: string, args: StoreAppArgs, opts?: pulumi.CustomResourceOptions) {
        super(storeAppProvider, name, { ...args, previous: undefined }, opts, storeAppType.module, storeAppType.name);
    }
}
