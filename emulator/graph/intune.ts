/**
 * Intune's Graph v1.0 routes for the MTD connector and compliance policies, as Learn documents them
 * (the route pages named in contract/graph/routes.ts): create answers 201 with the entity, update
 * 200 with the updated entity, delete 204, assign 200 with `{value: [assignments]}`. Entities are
 * stored whole, every v1.0 property of their type (contract/graph/entities.ts); a property the type
 * does not have is refused as OData refuses it.
 *
 * The connector's `partnerState` and `lastHeartbeatDateTime` come from Lookout's side of the same
 * tenant: Lookout heartbeats to Intune while its Intune connector is configured.
 */
import { randomUUID } from "node:crypto";
import {
    acceptsValue,
    assignmentTargetTypes,
    completeEntity,
    compliancePolicyBaseProperties,
    compliancePolicyBaseType,
    compliancePolicyEntityTypes,
    computedProperties,
    type EntityProperties,
    mtdConnectorProperties,
    mtdConnectorType,
    settableProperties,
} from "../../contract/graph/entities";
import { normalizeODataType, scheduledActionsSchema } from "../../contract/graph/schemas";
import type { StoredAssignmentTarget, StoredCompliancePolicy, StoredEntity, Tenant } from "../store";
import { partnerView } from "../partner";
import { mamEvaluationSettings, onePartnerPerPlatformMessage } from "../../contract/graph/intuneService";
import type { Replication } from "./replication";
import { badRequest, GraphError, type Reply } from "./errors";
import { graphTypes } from "../../contract/graph/model";
import { type Answer, arraySequence, collectionPage, entityBody, type ODataRequest } from "./odata";

export interface IntuneContext {
    tenant: Tenant;
    now: number;
    req: ODataRequest;
    body(): unknown;
    persist(): void;
    /** New objects, hidden from every request until they have replicated (replication.ts). */
    replication: Replication;
    /** Whether a connector create ignores a sent `id` and names the connector itself (Learn's create example sends none). */
    connectorCreateAssignsId: boolean;
}

export const typeName = (odataType: string) => odataType.replace(/^#/, "");

export function bodyObject(ctx: IntuneContext): Record<string, unknown> {
    const body = ctx.body();
    if (typeof body !== "object" || body === null || Array.isArray(body))
        throw badRequest("The request body must be a JSON object.");
    return body as Record<string, unknown>;
}

/**
 * The properties of a body that a client may set, checked against the type as OData's reader checks
 * them: an unknown property or a value of the wrong type is a 400. Instance annotations (`@odata.type`)
 * and the navigation properties `allowed` are left to the caller; computed properties are read and dropped.
 */
export function settableValues(
    odataType: string,
    properties: EntityProperties,
    computed: readonly string[],
    body: Record<string, unknown>,
    allowed: readonly string[] = [],
): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body)) {
        if (name.startsWith("@") || allowed.includes(name)) continue;
        const type = properties[name];
        if (!type) {
            throw badRequest(
                `The property '${name}' does not exist on type '${typeName(odataType)}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
            );
        }
        if (!acceptsValue(type, value)) {
            const expected =
                type.kind === "enum" || type.kind === "complex"
                    ? `microsoft.graph.${type.name}`
                    : type.kind === "collection"
                      ? `Collection(${type.name.startsWith("Edm.") ? type.name : `microsoft.graph.${type.name}`})`
                      : type.kind;
            throw badRequest(
                `Cannot convert the literal '${JSON.stringify(value)}' to the expected type '${expected}' (property '${name}').`,
            );
        }
        if (!computed.includes(name)) values[name] = value;
    }
    return values;
}

/** A derived type's body names its `@odata.type`; a body for another type is refused. */
function requireType(body: Record<string, unknown>, expected: string, required: boolean): void {
    const sent = normalizeODataType(body["@odata.type"] as string | undefined);
    if (sent === undefined && !required) return;
    if (sent !== expected) {
        throw badRequest(
            sent === undefined
                ? `The request body must name its type: "@odata.type": "${expected}".`
                : `The @odata.type '${sent}' does not match the entity's type '${expected}'.`,
        );
    }
}

// ---- mobileThreatDefenseConnector

const connectorSettable = settableProperties(mtdConnectorProperties, computedProperties.mtdConnector);

function connectorView(ctx: IntuneContext, connector: StoredEntity) {
    return { "@odata.type": mtdConnectorType, ...connector, ...partnerView(ctx.tenant, connector, ctx.now) };
}

function findConnector(ctx: IntuneContext, id: string): StoredEntity {
    const connector = ctx.tenant.mtdConnectors[id];
    if (!connector || !ctx.replication.visible(id))
        throw new GraphError(404, "ResourceNotFound", `mobileThreatDefenseConnector '${id}' was not found.`);
    return connector;
}

const connectorAnswer: Answer = { type: graphTypes.mobileThreatDefenseConnector, service: "intune" };

export function listConnectors(ctx: IntuneContext): Reply {
    return {
        status: 200,
        body: collectionPage(
            ctx.req,
            arraySequence(Object.values(ctx.tenant.mtdConnectors).filter((c) => ctx.replication.visible(c.id))),
            (c) => connectorView(ctx, c),
            connectorAnswer,
        ),
    };
}

export function getConnector(ctx: IntuneContext, id: string): Reply {
    const connector = findConnector(ctx, id);
    return { status: 200, body: entityBody(ctx.req, connector, connectorView(ctx, connector), connectorAnswer) };
}

/**
 * Graph's metadata on mobileThreatDefenseConnector: "Only one partner per platform may be enabled
 * for Mobile Application Management (MAM) evaluation". The service's answer is not documented; a
 * 400 with the metadata's sentence is played. Every connector of the tenant counts, hidden or not.
 */
function checkOnePartnerPerPlatform(ctx: IntuneContext, id: string, settings: Record<string, unknown>): void {
    const others = Object.values(ctx.tenant.mtdConnectors).filter((c) => c.id !== id);
    for (const key of Object.values(mamEvaluationSettings)) {
        if (settings[key] === true && others.some((c) => c[key] === true))
            throw badRequest(onePartnerPerPlatformMessage);
    }
}

/**
 * A partner's well-known id names the connector (Lookout's is lookoutMtdConnectorId). Learn's
 * create example sends no id, so a service may also name it itself: with
 * `connectorCreateAssignsId` a sent id is ignored, the harsher reading.
 */
export function createConnector(ctx: IntuneContext): Reply {
    const body = bodyObject(ctx);
    requireType(body, mtdConnectorType, false);
    const values = settableValues(mtdConnectorType, mtdConnectorProperties, computedProperties.mtdConnector, body);
    const id = typeof body.id === "string" && !ctx.connectorCreateAssignsId ? body.id : randomUUID();
    if (ctx.tenant.mtdConnectors[id])
        throw new GraphError(409, "Conflict", `A mobileThreatDefenseConnector with id '${id}' already exists.`);
    const connector = { ...completeEntity(connectorSettable, values), id };
    checkOnePartnerPerPlatform(ctx, id, connector);
    ctx.tenant.mtdConnectors[id] = connector;
    ctx.replication.created(id);
    ctx.persist();
    return { status: 201, body: connectorView(ctx, connector) };
}

export function updateConnector(ctx: IntuneContext, id: string): Reply {
    const connector = findConnector(ctx, id);
    const body = bodyObject(ctx);
    requireType(body, mtdConnectorType, false);
    const values = settableValues(mtdConnectorType, mtdConnectorProperties, computedProperties.mtdConnector, body);
    checkOnePartnerPerPlatform(ctx, id, { ...connector, ...values });
    Object.assign(connector, values);
    ctx.persist();
    return { status: 200, body: connectorView(ctx, connector) };
}

export function deleteConnector(ctx: IntuneContext, id: string): Reply {
    findConnector(ctx, id);
    delete ctx.tenant.mtdConnectors[id];
    ctx.persist();
    return { status: 204 };
}

// ---- deviceCompliancePolicy

function findPolicy(ctx: IntuneContext, id: string) {
    const policy = ctx.tenant.compliancePolicies[id];
    if (!policy || !ctx.replication.visible(id))
        throw new GraphError(404, "ResourceNotFound", `deviceCompliancePolicy '${id}' was not found.`);
    return policy;
}

/** The concrete type a create names: deviceCompliancePolicy is abstract, so a body must name one of its derived types. */
function creatableType(body: Record<string, unknown>): { odataType: string; properties: EntityProperties } {
    const odataType = normalizeODataType(body["@odata.type"] as string | undefined);
    if (odataType === undefined || odataType === compliancePolicyBaseType) {
        throw badRequest(
            `Cannot create an abstract entity type '${typeName(compliancePolicyBaseType)}': name a derived type in "@odata.type".`,
        );
    }
    const properties = compliancePolicyEntityTypes[odataType];
    if (!properties)
        throw badRequest(
            `A type named '${typeName(odataType)}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`,
        );
    return { odataType, properties };
}

/**
 * Policies are declared deviceCompliancePolicy (the entity set's type): `$select` takes its
 * properties; `$expand=assignments` lists the policy's assignments.
 */
const policyAnswer: Answer<StoredCompliancePolicy> = {
    type: graphTypes.deviceCompliancePolicy,
    service: "intune",
    navigation: (policy, name) => (name === "assignments" ? policy.assignments.map(assignmentView) : undefined),
};

export function listPolicies(ctx: IntuneContext): Reply {
    return {
        status: 200,
        body: collectionPage(
            ctx.req,
            arraySequence(
                Object.values(ctx.tenant.compliancePolicies).filter((p) => ctx.replication.visible(p.body.id)),
            ),
            (p) => p.body,
            policyAnswer,
        ),
    };
}

export function getPolicy(ctx: IntuneContext, id: string): Reply {
    const policy = findPolicy(ctx, id);
    return { status: 200, body: entityBody(ctx.req, policy, policy.body, policyAnswer) };
}

/**
 * Creates a policy. The service requires exactly one scheduled action rule with one `block` action
 * (its error "Compliance policy must have one and only one block scheduled action", reported in
 * microsoftgraph/microsoft-graph-docs#7746 and #7912; Learn's create examples omit it). The rule is
 * a navigation property: accepted on create, never echoed.
 */
export function createPolicy(ctx: IntuneContext): Reply {
    const body = bodyObject(ctx);
    const { odataType, properties } = creatableType(body);
    const values = settableValues(odataType, properties, computedProperties.compliancePolicy, body, [
        "scheduledActionsForRule",
    ]);
    if (!scheduledActionsSchema().safeParse(body.scheduledActionsForRule).success) {
        throw badRequest("Compliance policy must have one and only one block scheduled action");
    }
    const at = new Date(ctx.now).toISOString();
    const id = randomUUID();
    const policy = {
        ...completeEntity(properties, { ...values, createdDateTime: at, lastModifiedDateTime: at, version: 1 }),
        "@odata.type": odataType,
        id,
    };
    ctx.tenant.compliancePolicies[id] = { body: policy, assignments: [] };
    ctx.replication.created(id);
    ctx.persist();
    return { status: 201, body: policy };
}

/**
 * Merges the sent properties into the policy. A body naming the policy's `@odata.type` may set any
 * property of that type (Learn's update examples send it); a body without one is read as the
 * declared type of the entity set, deviceCompliancePolicy (OData JSON Format 4.01, 4.5.3: a
 * resource without a type annotation is of the declared type), so it may set the base properties
 * only: a derived one is unknown on the base type and refused, as OData's reader refuses it.
 */
export function updatePolicy(ctx: IntuneContext, id: string): Reply {
    const policy = findPolicy(ctx, id);
    const odataType = policy.body["@odata.type"];
    const body = bodyObject(ctx);
    requireType(body, odataType, false);
    const named = body["@odata.type"] !== undefined;
    const values = settableValues(
        named ? odataType : compliancePolicyBaseType,
        named ? (compliancePolicyEntityTypes[odataType] ?? {}) : compliancePolicyBaseProperties,
        computedProperties.compliancePolicy,
        body,
    );
    policy.body = {
        ...policy.body,
        ...values,
        version: Number(policy.body.version) + 1,
        lastModifiedDateTime: new Date(ctx.now).toISOString(),
    };
    ctx.persist();
    return { status: 200, body: policy.body };
}

export function deletePolicy(ctx: IntuneContext, id: string): Reply {
    findPolicy(ctx, id);
    delete ctx.tenant.compliancePolicies[id];
    ctx.persist();
    return { status: 204 };
}

/**
 * A policy assignment as v1.0 shows it: its target with the properties of the target's v1.0 type
 * only. What beta adds (an assignment filter on the target, set in the portal) is kept in the store,
 * but a v1.0 reader never sees it, and `assign`, which replaces every assignment, erases it.
 */
const assignmentView = (assignment: { id: string; target: StoredAssignmentTarget }) => ({
    "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
    ...assignment,
    target: v1Target(assignment.target),
});

/** A target with the properties of its v1.0 type only (what beta adds left out). */
export function v1Target(target: StoredAssignmentTarget): StoredAssignmentTarget {
    const properties = assignmentTargetTypes[target["@odata.type"]] ?? {};
    return Object.fromEntries(
        Object.entries(target).filter(([name]) => name === "@odata.type" || name in properties),
    ) as StoredAssignmentTarget;
}

/** A target of a type the metadata derives from deviceAndAppManagementAssignmentTarget, its `@odata.type` read with or without `#`. */
export function assignmentTarget(raw: unknown): StoredAssignmentTarget {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw badRequest("Each assignment needs a target object.");
    const target = raw as Record<string, unknown>;
    const sent = target["@odata.type"];
    // deviceAndAppManagementAssignmentTarget is abstract in the metadata: a target names its derived type.
    if (typeof sent !== "string")
        throw badRequest(
            "An assignment target must name its type in '@odata.type': deviceAndAppManagementAssignmentTarget is abstract.",
        );
    const odataType = normalizeODataType(sent);
    const properties = odataType ? assignmentTargetTypes[odataType] : undefined;
    if (!odataType || !properties)
        throw badRequest(`A type named '${sent}' could not be resolved by the model as an assignment target.`);
    const values = settableValues(odataType, properties, [], target);
    if ("groupId" in properties && typeof values.groupId !== "string")
        throw badRequest(`A '${typeName(odataType)}' needs a groupId.`);
    return { ...completeEntity(properties, values), "@odata.type": odataType };
}

/** Graph names an assignment by policy and target: `{policyId}_{groupId}` for group targets. */
function assignmentId(policyId: string, target: StoredAssignmentTarget): string {
    const key =
        target.groupId ??
        (target.collectionId as string | null | undefined) ??
        typeName(target["@odata.type"]).replace("microsoft.graph.", "");
    return `${policyId}_${key}`;
}

/** `assign` replaces the policy's assignments with the given ones. */
export function assignPolicy(ctx: IntuneContext, id: string): Reply {
    const policy = findPolicy(ctx, id);
    // The action's parameter is nullable in the metadata (`<Parameter Name="assignments" Type="Collection(...)" />`),
    // so it may be left out (OData 4.01 Protocol, 11.5.4.1): no assignments then.
    const { assignments = [] } = bodyObject(ctx);
    if (!Array.isArray(assignments)) throw badRequest("The body needs an 'assignments' collection.");
    policy.assignments = assignments.map((a: unknown) => {
        const target = assignmentTarget((a as { target?: unknown } | null)?.target);
        return { id: assignmentId(id, target), target };
    });
    ctx.persist();
    return { status: 200, body: { value: policy.assignments.map(assignmentView) } };
}

/**
 * Adds one assignment (Learn, "Create deviceCompliancePolicyAssignment"): 201 with it; the policy's
 * other assignments stay as they are. A second assignment to the same target is refused (409, the
 * harsher reading: the page does not say).
 */
export function createPolicyAssignment(ctx: IntuneContext, id: string): Reply {
    const policy = findPolicy(ctx, id);
    const target = assignmentTarget(bodyObject(ctx).target);
    const assignment = { id: assignmentId(id, target), target };
    if (policy.assignments.some((a) => a.id === assignment.id))
        throw new GraphError(409, "Conflict", `The policy is already assigned to this target ('${assignment.id}').`);
    policy.assignments.push(assignment);
    ctx.persist();
    return { status: 201, body: assignmentView(assignment) };
}

/** Removes one assignment (Learn, "Delete deviceCompliancePolicyAssignment"): 204; the others stay. */
export function deletePolicyAssignment(ctx: IntuneContext, id: string, assignmentId: string): Reply {
    const policy = findPolicy(ctx, id);
    if (!policy.assignments.some((a) => a.id === assignmentId))
        throw new GraphError(
            404,
            "ResourceNotFound",
            `deviceCompliancePolicyAssignment '${assignmentId}' was not found.`,
        );
    policy.assignments = policy.assignments.filter((a) => a.id !== assignmentId);
    ctx.persist();
    return { status: 204 };
}

export function listAssignments(ctx: IntuneContext, id: string): Reply {
    return {
        status: 200,
        body: collectionPage(ctx.req, arraySequence(findPolicy(ctx, id).assignments), assignmentView, {
            type: graphTypes.deviceCompliancePolicyAssignment,
            service: "intune",
        }),
    };
}
