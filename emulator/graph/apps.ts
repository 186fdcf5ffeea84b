/**
 * Intune's apps as Graph serves them (Learn: "List iosStoreApps", "Get", "Create", "Delete
 * iosStoreApp", "List", "Create", "Update" and "Delete mobileAppAssignment"; beta "List
 * androidManagedStoreApps"): create answers 201 with the entity, update 200 with it, delete 204.
 * Apps are stored whole, every property of their type; a new App Store app is `processing` until
 * Intune publishes it, and an unpublished app cannot be assigned.
 *
 * Two Graph versions see the same apps: beta lists a managed Google Play app as the
 * `androidManagedStoreApp` it is; v1.0, whose metadata has no such type, lists it with mobileApp's
 * properties and no `@odata.type` (as a Learn Q&A reports for another beta-only app type), and
 * refuses `isof` of a type it does not know. A managed Google Play app comes into Intune only by an
 * admin's approval and sync (the emulator's `approveManagedGooglePlayApp`), never by a create.
 */
import { randomUUID } from "node:crypto";
import {
    androidManagedStoreAppType,
    completeEntity,
    computedProperties,
    iosStoreAppType,
    mobileAppAssignmentSettingsTypes,
    mobileAppEntityTypes,
    mobileAppV1BaseProperties,
    mobileAppAssignmentProperties,
} from "../../contract/graph/entities";
import type { GraphVersion } from "../../contract/graph/routes";
import { requiredIntentOnlyMessage, requiredIntentOnlySettings } from "../../contract/graph/mobileApps";
import { normalizeODataType } from "../../contract/graph/schemas";
import type { StoredMobileApp, Tenant } from "../store";
import { badRequest, GraphError, type Reply } from "./errors";
import { assignmentTarget, bodyObject, type IntuneContext, settableValues, typeName, v1Target } from "./intune";
import { graphTypes } from "../../contract/graph/model";
import { type Answer, arraySequence, collectionPage, entityBody } from "./odata";

/** How long a new App Store app stays `processing` before Intune publishes it (the emulator's clock). */
export const storeAppPublishingMs = 1000;

function findApp(ctx: IntuneContext, id: string): StoredMobileApp {
    const app = ctx.tenant.mobileApps[id];
    if (!app || !ctx.replication.visible(id))
        throw new GraphError(404, "ResourceNotFound", `mobileApp '${id}' was not found.`);
    if (
        app.body.publishingState === "processing" &&
        ctx.now >= Date.parse(String(app.body.createdDateTime)) + storeAppPublishingMs
    ) {
        app.body.publishingState = "published";
        ctx.persist();
    }
    return app;
}

/** An app as one Graph version shows it: a beta-only type on v1.0 has mobileApp's properties and no type. */
function appView(app: StoredMobileApp, version: GraphVersion): Record<string, unknown> {
    const type = mobileAppEntityTypes[app.body["@odata.type"]];
    if (version === "v1.0" && type?.version === "beta")
        return Object.fromEntries(Object.keys(mobileAppV1BaseProperties).map((name) => [name, app.body[name] ?? null]));
    return app.body;
}

/** `$filter=isof('microsoft.graph.x')`, alone or joined by `or`, as Microsoft's samples filter apps by type. */
function typeFilter(filter: string | null, version: GraphVersion): ((app: StoredMobileApp) => boolean) | undefined {
    if (filter === null) return undefined;
    const clauses = filter
        .split(/\s+or\s+/i)
        .map((clause) => /^\s*\(?\s*isof\(\s*'([^']+)'\s*\)\s*\)?\s*$/i.exec(clause)?.[1]);
    if (clauses.some((c) => c === undefined))
        throw new GraphError(
            400,
            "BadRequest",
            `Unsupported or invalid query filter clause specified for 'mobileApp': ${filter}`,
        );
    const types = clauses.map((c) => normalizeODataType(c!)!);
    for (const type of types) {
        const known = mobileAppEntityTypes[type];
        if (!known || (version === "v1.0" && known.version === "beta"))
            throw badRequest(
                `A type named '${typeName(type)}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`,
            );
    }
    return (app) => types.includes(app.body["@odata.type"]);
}

/** Apps are declared mobileApp (abstract): `$select` takes its properties; `$expand=assignments` lists the app's assignments. */
const appAnswer: Answer<StoredMobileApp> = {
    type: graphTypes.mobileApp,
    service: "intune",
    navigation: (app, name) => (name === "assignments" ? app.assignments.map((a) => assignmentView(a)) : undefined),
};

export function listApps(ctx: IntuneContext, version: GraphVersion): Reply {
    const keep = typeFilter(ctx.req.query.get("$filter"), version);
    const apps = Object.keys(ctx.tenant.mobileApps)
        .filter((id) => ctx.replication.visible(id))
        .map((id) => findApp(ctx, id))
        .filter((app) => !keep || keep(app));
    return {
        status: 200,
        body: collectionPage(ctx.req, arraySequence(apps), (app) => appView(app, version), appAnswer),
    };
}

export function getApp(ctx: IntuneContext, id: string): Reply {
    const app = findApp(ctx, id);
    return { status: 200, body: entityBody(ctx.req, app, appView(app, "v1.0"), appAnswer) };
}

/** Creates an App Store app: the one app type the project adds through v1.0. */
export function createApp(ctx: IntuneContext): Reply {
    const body = bodyObject(ctx);
    const odataType = normalizeODataType(body["@odata.type"] as string | undefined);
    if (odataType !== iosStoreAppType) {
        throw badRequest(
            odataType === undefined
                ? `Cannot create an abstract entity type 'microsoft.graph.mobileApp': name a derived type in "@odata.type".`
                : `A type named '${typeName(odataType)}' could not be resolved by the model, or the emulator does not create it (it stores ${typeName(iosStoreAppType)}).`,
        );
    }
    const { properties } = mobileAppEntityTypes[iosStoreAppType];
    const values = settableValues(odataType, properties, computedProperties.mobileApp, body);
    const at = new Date(ctx.now).toISOString();
    const id = randomUUID();
    // `processing` for a moment, then `published` (storeAppPublishingMs); only then can it be assigned.
    const app = {
        ...completeEntity(properties, {
            ...values,
            createdDateTime: at,
            lastModifiedDateTime: at,
            publishingState: "processing",
        }),
        "@odata.type": odataType,
        id,
    };
    ctx.tenant.mobileApps[id] = { body: app, assignments: [] };
    ctx.replication.created(id);
    ctx.persist();
    return { status: 201, body: app };
}

export function deleteApp(ctx: IntuneContext, id: string): Reply {
    findApp(ctx, id);
    delete ctx.tenant.mobileApps[id];
    ctx.persist();
    return { status: 204 };
}

/** Settings of an assignment: absent, null, or one of v1.0's mobileAppAssignmentSettings types (with or without `#`). */
function assignmentSettings(raw: unknown): Record<string, unknown> | null {
    if (raw === undefined || raw === null) return null;
    if (typeof raw !== "object" || Array.isArray(raw)) throw badRequest("An assignment's settings must be an object.");
    const sent = (raw as Record<string, unknown>)["@odata.type"];
    if (typeof sent !== "string")
        throw badRequest(
            "An assignment's settings must name their type in '@odata.type': mobileAppAssignmentSettings is abstract.",
        );
    const type = normalizeODataType(sent);
    if (!type || !mobileAppAssignmentSettingsTypes.includes(type)) {
        throw badRequest(`A type named '${sent}' could not be resolved by the model as mobileAppAssignmentSettings.`);
    }
    return { ...(raw as Record<string, unknown>), "@odata.type": type };
}

type StoredAppAssignment = StoredMobileApp["assignments"][number];

/**
 * An assignment's properties as sent, checked as OData's reader checks them: every property of
 * mobileAppAssignment must hold a literal of its declared type (`id` an Edm.String, and so on);
 * `id` is the service's, so a sent one is read and dropped. A create needs a target.
 */
function assignmentValues(
    raw: unknown,
    required: boolean,
): Partial<Pick<StoredAppAssignment, "intent" | "target" | "settings">> {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw badRequest("The request body must be a JSON object.");
    const a = raw as Record<string, unknown>;
    settableValues("#microsoft.graph.mobileAppAssignment", mobileAppAssignmentProperties, [], a);
    const values: Partial<Pick<StoredAppAssignment, "intent" | "target" | "settings">> = {};
    if (required && !("target" in a))
        throw badRequest("The property 'target' of type 'microsoft.graph.mobileAppAssignment' is required.");
    // intent is a non-nullable enum: left out of a create, it is the member of value 0, "available" (the metadata's installIntent).
    if ("intent" in a) values.intent = a.intent as string;
    else if (required) values.intent = mobileAppAssignmentProperties.intent.members[0];
    if ("target" in a) values.target = assignmentTarget(a.target);
    if ("settings" in a) values.settings = assignmentSettings(a.settings);
    return values;
}

/** The app, once published: Intune assigns nothing else (Learn: "The app cannot be assigned unless the app is published"). */
function publishedApp(ctx: IntuneContext, id: string): StoredMobileApp {
    const app = findApp(ctx, id);
    // The service's text as public issues report it; Learn says only "The app cannot be assigned unless the app is published".
    if (app.body.publishingState !== "published")
        throw badRequest("Invalid operation: app's PublishingState is not 'Published'");
    return app;
}

/**
 * Settings only intent `required` allows are refused on any other intent, as Intune refuses a
 * non-null `isRemovable` on an iOS store app assignment that is not required
 * (contract/graph/mobileApps.ts). The assignment as it would be after the write is checked, so a
 * PATCH of the intent alone is refused too while the stored settings carry one.
 */
function checkIntentSettings(assignment: Pick<StoredAppAssignment, "intent" | "settings">): void {
    if (assignment.intent === "required" || !assignment.settings) return;
    const onlyRequired = requiredIntentOnlySettings[String(assignment.settings["@odata.type"])] ?? [];
    const sent = onlyRequired.find((k) => assignment.settings![k] !== undefined && assignment.settings![k] !== null);
    if (sent) throw badRequest(requiredIntentOnlyMessage(sent));
}

/** Adds one assignment (Learn, "Create mobileAppAssignment"): 201 with it. Graph names it. */
export function createAssignment(ctx: IntuneContext, appId: string): Reply {
    const app = publishedApp(ctx, appId);
    const values = assignmentValues(ctx.body(), true) as Pick<StoredAppAssignment, "intent" | "target"> & {
        settings?: StoredAppAssignment["settings"];
    };
    const key = values.target.groupId ?? typeName(values.target["@odata.type"]).replace("microsoft.graph.", "");
    const assignment: StoredAppAssignment = {
        id: `${appId}_${key}_${randomUUID().slice(0, 8)}`,
        intent: values.intent,
        target: values.target,
        settings: values.settings ?? null,
    };
    checkIntentSettings(assignment);
    app.assignments.push(assignment);
    ctx.persist();
    return { status: 201, body: assignmentView(assignment) };
}

function findAssignment(app: StoredMobileApp, id: string): StoredAppAssignment {
    const assignment = app.assignments.find((a) => a.id === id);
    if (!assignment) throw new GraphError(404, "ResourceNotFound", `mobileAppAssignment '${id}' was not found.`);
    return assignment;
}

/** Merges the sent properties into one assignment (Learn, "Update mobileAppAssignment"): 200 with it. */
export function updateAssignment(ctx: IntuneContext, appId: string, id: string): Reply {
    const assignment = findAssignment(publishedApp(ctx, appId), id);
    const values = assignmentValues(ctx.body(), false);
    checkIntentSettings({ ...assignment, ...values });
    Object.assign(assignment, values);
    ctx.persist();
    return { status: 200, body: assignmentView(assignment) };
}

export function deleteAssignment(ctx: IntuneContext, appId: string, id: string): Reply {
    const app = findApp(ctx, appId);
    findAssignment(app, id);
    app.assignments = app.assignments.filter((a) => a.id !== id);
    ctx.persist();
    return { status: 204 };
}

/**
 * An assignment as v1.0 shows it: its target with the properties of the target's v1.0 type only.
 * What beta adds (assignment filters on the target) is kept in the store and survives a PATCH, but
 * a v1.0 reader never sees it, so a client that wrote back what it read would erase it.
 */
const assignmentView = (a: StoredAppAssignment) => ({
    "@odata.type": "#microsoft.graph.mobileAppAssignment",
    ...a,
    target: v1Target(a.target),
});

export function listAppAssignments(ctx: IntuneContext, id: string): Reply {
    return {
        status: 200,
        body: collectionPage(ctx.req, arraySequence(findApp(ctx, id).assignments), assignmentView, {
            type: graphTypes.mobileAppAssignment,
            service: "intune",
        }),
    };
}

/** What an admin's approval in managed Google Play and a sync leave in Intune: the app, as beta's type. */
export function approveManagedGooglePlayApp(
    tenant: Tenant,
    app: { packageId: string; displayName: string; publisher: string },
    now: number,
): string {
    const { properties } = mobileAppEntityTypes[androidManagedStoreAppType];
    const at = new Date(now).toISOString();
    const id = randomUUID();
    tenant.mobileApps[id] = {
        body: {
            ...completeEntity(properties, {
                displayName: app.displayName,
                publisher: app.publisher,
                packageId: app.packageId,
                appIdentifier: app.packageId,
                appStoreUrl: `https://play.google.com/store/apps/details?id=${app.packageId}`,
                createdDateTime: at,
                lastModifiedDateTime: at,
                publishingState: "published",
                roleScopeTagIds: ["0"],
                appTracks: [],
            }),
            "@odata.type": androidManagedStoreAppType,
            id,
        },
        assignments: [],
    };
    return id;
}
