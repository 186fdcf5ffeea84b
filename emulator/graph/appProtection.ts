/**
 * Intune's iOS and Android app protection policies (contract/graph/appProtection.ts): the v1.0 lists,
 * answered with every v1.0 property of the policy's type (entities.ts, as the v1.0 metadata and the
 * OpenAPI document `microsoft-graph-v1.0-openapi-chain.yaml` declare them: no threat settings), and
 * the beta item, read and patched with the two Mobile Threat Defense settings beta declares.
 *
 * Where Learn is silent, the harsher reading:
 * - `mobileThreatDefenseRemediationAction: warn` is refused with a 400: beta's enum has the member,
 *   and Learn's property description says "Warn isn't a supported value for this property".
 * - A property neither v1.0 nor beta declares on the type is refused as OData refuses it; a beta-only
 *   property other than the threat settings is kept as sent (its value is not type-checked here) and
 *   answered on beta once set.
 * - Learn asks for the connector's app protection evaluation for the platform
 *   (`...MobileApplicationManagementEnabled`, `mtd-app-protection-policy`) but documents no error when
 *   it is off: the emulator accepts the write, and the stack refuses such a config itself.
 */
import {
    acceptsValue,
    appProtectionProperties,
    completeEntity,
    type EntityProperties,
} from "../../contract/graph/entities";
import {
    type AppProtectionPlatform,
    appProtectionTypes,
    betaOnlyProperties,
    deviceThreatLevels,
    remediationActions,
    threatSettingKeys,
} from "../../contract/graph/appProtection";
import type { TypeModel } from "../../contract/graph/model";
import { normalizeODataType } from "../../contract/graph/schemas";
import type { StoredAppProtection } from "../store";
import { badRequest, GraphError, type Reply } from "./errors";
import { bodyObject, type IntuneContext, typeName } from "./intune";
import { type Answer, arraySequence, collectionPage, entityBody } from "./odata";

/** Set by the service: sent values are read and dropped (Learn's PATCH examples send them). */
const computed = ["id", "createdDateTime", "lastModifiedDateTime", "version", "isAssigned", "deployedAppCount"];
/** Navigation properties of both types in the v1.0 metadata (targetedManagedAppProtection and the platform's type). */
const navigation = { apps: "many", assignments: "many", deploymentSummary: "one" } as const;

function typeModel(platform: AppProtectionPlatform, version: "v1.0" | "beta"): TypeModel {
    const v1 = Object.keys(appProtectionProperties[platform]);
    return {
        name: typeName(appProtectionTypes[platform]),
        properties: version === "beta" ? [...v1, ...betaOnlyProperties[platform]] : v1,
        navigation,
        open: false,
    };
}

function policies(ctx: IntuneContext, platform: AppProtectionPlatform): StoredAppProtection[] {
    return Object.values(ctx.tenant.appProtections ?? {}).filter((p) => p.platform === platform);
}

function findPolicy(ctx: IntuneContext, platform: AppProtectionPlatform, id: string): StoredAppProtection {
    const policy = ctx.tenant.appProtections?.[id];
    if (!policy || policy.platform !== platform)
        throw new GraphError(
            404,
            "ResourceNotFound",
            `${typeName(appProtectionTypes[platform])} '${id}' was not found.`,
        );
    return policy;
}

/** v1.0: every property of the type in v1.0, nothing beta adds. */
function v1View(policy: StoredAppProtection): Record<string, unknown> {
    const properties: EntityProperties = appProtectionProperties[policy.platform];
    return { "@odata.type": appProtectionTypes[policy.platform], ...completeEntity(properties, policy.body) };
}

/** beta: the v1.0 view, the threat settings (an unset one as its enum's value 0), and the beta properties set. */
function betaView(policy: StoredAppProtection): Record<string, unknown> {
    const beta = Object.fromEntries(
        (betaOnlyProperties[policy.platform] as readonly string[])
            .filter((name) => name in policy.body)
            .map((name) => [name, policy.body[name]]),
    );
    return {
        ...v1View(policy),
        maximumAllowedDeviceThreatLevel: deviceThreatLevels[0],
        mobileThreatDefenseRemediationAction: remediationActions[0],
        ...beta,
    };
}

export function listAppProtections(ctx: IntuneContext, platform: AppProtectionPlatform): Reply {
    const answer: Answer<StoredAppProtection> = { type: typeModel(platform, "v1.0"), service: "intune" };
    return {
        status: 200,
        body: collectionPage(ctx.req, arraySequence(policies(ctx, platform)), v1View, answer),
    };
}

export function getAppProtectionBeta(ctx: IntuneContext, platform: AppProtectionPlatform, id: string): Reply {
    const policy = findPolicy(ctx, platform, id);
    const answer: Answer<StoredAppProtection> = { type: typeModel(platform, "beta"), service: "intune" };
    return { status: 200, body: entityBody(ctx.req, policy, betaView(policy), answer) };
}

/** A threat setting's value, against beta's enum and Learn's rule for the remediation action. */
function checkThreatSetting(name: string, value: unknown): void {
    const members: readonly string[] =
        name === "maximumAllowedDeviceThreatLevel" ? deviceThreatLevels : remediationActions;
    const enumName =
        name === "maximumAllowedDeviceThreatLevel" ? "managedAppDeviceThreatLevel" : "managedAppRemediationAction";
    if (typeof value !== "string" || !members.includes(value))
        throw badRequest(
            `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'microsoft.graph.${enumName}' (property '${name}').`,
        );
    if (name === "mobileThreatDefenseRemediationAction" && value === "warn")
        throw badRequest("Warn isn't a supported value for the property 'mobileThreatDefenseRemediationAction'.");
}

/** The values a PATCH may set on the type, checked as OData's reader checks them. */
function patchValues(platform: AppProtectionPlatform, body: Record<string, unknown>): Record<string, unknown> {
    const v1: EntityProperties = appProtectionProperties[platform];
    const beta = betaOnlyProperties[platform] as readonly string[];
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body)) {
        if (name.startsWith("@") || computed.includes(name)) continue;
        if ((threatSettingKeys as readonly string[]).includes(name)) checkThreatSetting(name, value);
        else if (v1[name] && !acceptsValue(v1[name], value))
            throw badRequest(
                `Cannot convert the literal '${JSON.stringify(value)}' to the expected type of property '${name}'.`,
            );
        else if (!v1[name] && !beta.includes(name))
            throw badRequest(
                `The property '${name}' does not exist on type '${typeName(appProtectionTypes[platform])}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
            );
        values[name] = value;
    }
    return values;
}

/** beta PATCH: 200 with the updated policy (Learn's beta update page). */
export function updateAppProtectionBeta(ctx: IntuneContext, platform: AppProtectionPlatform, id: string): Reply {
    const policy = findPolicy(ctx, platform, id);
    const body = bodyObject(ctx);
    const sent = normalizeODataType(body["@odata.type"] as string | undefined);
    if (sent !== undefined && sent !== appProtectionTypes[platform])
        throw badRequest(
            `The @odata.type '${sent}' does not match the entity's type '${appProtectionTypes[platform]}'.`,
        );
    Object.assign(policy.body, patchValues(platform, body), { lastModifiedDateTime: new Date(ctx.now).toISOString() });
    ctx.persist();
    return { status: 200, body: betaView(policy) };
}
