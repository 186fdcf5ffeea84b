/**
 * Entra's Conditional Access policies (`/identity/conditionalAccess/policies`), as the v1.0 metadata
 * (`conditionalAccessPolicy`) and the chain OpenAPI document describe them and Learn's pages answer:
 * list 200 `{value}`, get 200 with the bare entity, create 201 with it, update 204 No Content
 * (Learn, "Update conditionalAccessPolicy"), delete 204. The entity is stored whole: every v1.0
 * property, an unset nullable complex property as `null` (the chain document's README: Graph
 * returns them so).
 *
 * Validation, the harsher reading where Learn is silent on the message: `state` must be a member of
 * `conditionalAccessPolicyState`; `displayName` and `state` are required on create (metadata
 * `Nullable="false"`); a policy needs a user rule, an application rule and a grant or session
 * control (Learn, "Create conditionalAccessPolicy"); an unknown property is refused as OData does.
 */
import { randomUUID } from "node:crypto";
import {
    conditionalAccessComplexUnset,
    conditionalAccessConditionSetUnset,
    conditionalAccessPolicyType,
    conditionalAccessPolicyUnset,
    conditionalAccessStates,
} from "../../contract/graph/conditionalAccess";
import { graphTypes } from "../../contract/graph/model";
import type { StoredEntity } from "../store";
import { badRequest, GraphError, type Reply } from "./errors";
import { bodyObject, type IntuneContext } from "./intune";
import { type Answer, arraySequence, collectionPage, entityBody } from "./odata";

// Not the directory's store: the chain document declares `$skip` on the list, and no source says the
// service refuses it (as the directory does), so it is taken as OData defines it.
const answer: Answer = { type: graphTypes.conditionalAccessPolicy, service: "identity" };
const context = (ctx: IntuneContext, entity = false) =>
    `${ctx.req.origin}/graph/v1.0/$metadata#identity/conditionalAccess/policies${entity ? "/$entity" : ""}`;

function policies(ctx: IntuneContext): Record<string, StoredEntity> {
    return (ctx.tenant.conditionalAccessPolicies ??= {});
}

function find(ctx: IntuneContext, id: string): StoredEntity {
    const policy = policies(ctx)[id];
    if (!policy) throw new GraphError(404, "ResourceNotFound", `conditionalAccessPolicy '${id}' was not found.`);
    return policy;
}

/** A complex value completed with Graph's unset values; an unknown property is a 400. */
function complete(type: string, unset: Record<string, unknown>, value: unknown, navigation: string[] = []): unknown {
    if (value === null || value === undefined) return null;
    if (typeof value !== "object" || Array.isArray(value))
        throw badRequest(`Cannot convert the literal '${JSON.stringify(value)}' to the expected type '${type}'.`);
    for (const name of Object.keys(value))
        if (!(name in unset) && !navigation.includes(name) && !name.startsWith("@"))
            throw badRequest(`The property '${name}' does not exist on type '${type}'.`);
    return { ...unset, ...value };
}

function completeConditions(value: unknown): unknown {
    const conditions = complete(
        "microsoft.graph.conditionalAccessConditionSet",
        conditionalAccessConditionSetUnset,
        value,
    ) as Record<string, unknown> | null;
    if (!conditions) return null;
    for (const key of ["users", "applications", "platforms"] as const)
        conditions[key] = complete(
            `microsoft.graph.conditionalAccess${key[0].toUpperCase()}${key.slice(1)}`,
            conditionalAccessComplexUnset[key],
            conditions[key],
        );
    return conditions;
}

/** The body's values, checked: known properties, a known state, complex values completed. */
function values(body: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body)) {
        if (name.startsWith("@") || name === "id") continue;
        if (!(name in conditionalAccessPolicyUnset))
            throw badRequest(
                `The property '${name}' does not exist on type 'microsoft.graph.conditionalAccessPolicy'.`,
            );
        out[name] = value;
    }
    if ("state" in out && !conditionalAccessStates.includes(out.state as never))
        throw badRequest(
            `Cannot convert the literal '${JSON.stringify(out.state)}' to the expected type 'microsoft.graph.conditionalAccessPolicyState'.`,
        );
    if ("conditions" in out) out.conditions = completeConditions(out.conditions);
    if ("grantControls" in out)
        out.grantControls = complete(
            "microsoft.graph.conditionalAccessGrantControls",
            conditionalAccessComplexUnset.grantControls,
            out.grantControls,
            // A contained navigation property (metadata), which Learn's create examples send inline; kept as sent.
            ["authenticationStrength"],
        );
    return out;
}

/** Learn: a valid policy has a user rule, an application rule and a grant or session control. */
function requireValid(policy: Record<string, unknown>): void {
    const missing = (["displayName", "state", "conditions"] as const).filter((k) => policy[k] === null);
    if (missing.length > 0) throw badRequest(`Required properties are missing: ${missing.join(", ")}.`);
    const conditions = policy.conditions as Record<string, Record<string, unknown[]> | null>;
    const users = conditions.users;
    const apps = conditions.applications;
    if (!users || !["includeUsers", "includeGroups", "includeRoles"].some((k) => (users[k] ?? []).length > 0))
        throw badRequest(
            "1040: The policy must include users: conditions.users needs includeUsers, includeGroups or includeRoles.",
        );
    if (!apps || !["includeApplications", "includeUserActions"].some((k) => (apps[k] ?? []).length > 0))
        throw badRequest("1040: The policy must include applications: conditions.applications.includeApplications.");
    if (policy.grantControls === null && policy.sessionControls === null)
        throw badRequest("1040: The policy needs at least one grant control or session control.");
}

const view = (policy: StoredEntity) => ({ "@odata.type": conditionalAccessPolicyType, ...policy });

export function listConditionalAccessPolicies(ctx: IntuneContext): Reply {
    const page = collectionPage(ctx.req, arraySequence(Object.values(policies(ctx))), view, answer);
    return { status: 200, body: { "@odata.context": context(ctx), ...page } };
}

export function getConditionalAccessPolicy(ctx: IntuneContext, id: string): Reply {
    const policy = find(ctx, id);
    return { status: 200, body: entityBody(ctx.req, policy, view(policy), answer, context(ctx, true)) };
}

export function createConditionalAccessPolicy(ctx: IntuneContext): Reply {
    const at = new Date(ctx.now).toISOString();
    const policy: StoredEntity = {
        ...conditionalAccessPolicyUnset,
        ...values(bodyObject(ctx)),
        id: randomUUID(),
        createdDateTime: at,
        modifiedDateTime: null,
    };
    requireValid(policy);
    policies(ctx)[policy.id] = policy;
    ctx.persist();
    return { status: 201, body: { "@odata.context": context(ctx, true), ...view(policy) } };
}

/**
 * What a PATCH leaves: the properties it leaves out keep their value, and so do those of the
 * condition set (Learn's update example sends one property of `conditions` alone and gets 204,
 * which a replaced condition set, without its user rule, would refuse). Every other complex value
 * the PATCH names (`conditions.users`, `applications`, `platforms`, `grantControls`, ...) is
 * replaced whole: Graph does not document merging them (OData 4.01 says it merges), and the
 * harsher reading is the one that shows a client sending part of a value erasing the rest.
 */
function merged(current: Record<string, unknown>, sent: Record<string, unknown>): Record<string, unknown> {
    const next = { ...current, ...sent };
    const conditions = current.conditions;
    if (conditions && typeof conditions === "object" && sent.conditions && typeof sent.conditions === "object")
        next.conditions = { ...conditions, ...sent.conditions };
    return next;
}

export function updateConditionalAccessPolicy(ctx: IntuneContext, id: string): Reply {
    const policy = find(ctx, id);
    const sent = bodyObject(ctx);
    values(sent);
    const next = {
        ...policy,
        ...values(merged(policy, sent)),
        modifiedDateTime: new Date(ctx.now).toISOString(),
    };
    requireValid(next);
    Object.assign(policy, next);
    ctx.persist();
    return { status: 204 };
}

export function deleteConditionalAccessPolicy(ctx: IntuneContext, id: string): Reply {
    find(ctx, id);
    delete policies(ctx)[id];
    ctx.persist();
    return { status: 204 };
}
