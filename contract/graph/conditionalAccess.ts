/**
 * Conditional Access policies (`/identity/conditionalAccess/policies`) as Graph v1.0 declares them
 * (metadata `conditionalAccessPolicy`, `conditionalAccessConditionSet`, ...; the chain OpenAPI
 * document `microsoft-graph-v1.0-openapi-chain.yaml`): the enums, the tolerant reader the provider
 * applies to every answer, the precise body the stack writes, and the shape Graph gives an entity
 * nobody set every property of (unset nullable complex properties are `null`, collections `[]`).
 *
 * Plain data and functions only: dynamic providers capture this module by value.
 */
import { globalAdministratorRoleId } from "./signIn";
import type { ConditionalAccessDevicePlatform, ConditionalAccessPolicyState } from "@microsoft/microsoft-graph-types";
import { z } from "zod";

/** `conditionalAccessPolicyState`, in metadata order. */
export const conditionalAccessStates = [
    "enabled",
    "disabled",
    "enabledForReportingButNotEnforced",
] as const satisfies readonly ConditionalAccessPolicyState[];
export type ConditionalAccessState = (typeof conditionalAccessStates)[number];

/**
 * The directory roles (template IDs) that may write Conditional Access policies in a person's
 * sign-in: Learn's "least privileged roles" for the writes (Security Administrator, Conditional
 * Access Administrator), and Global Administrator, which holds every permission.
 */
export const conditionalAccessWriterRoles: Readonly<Record<string, string>> = {
    [globalAdministratorRoleId]: "Global Administrator",
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
};

/** The platforms Lookout protects: a policy of the stack applies to these only. */
export const mobilePlatforms = ["iOS", "android"] as const satisfies readonly ConditionalAccessDevicePlatform[];

const strings = () => z.array(z.string()).nullish();

/**
 * What the provider reads of a policy: tolerant (every property Graph adds is kept, unset complex
 * properties may be `null`); an enum is read as text, as Graph may add members.
 */
export function conditionalAccessPolicySchema() {
    return z.preprocess(
        (v) =>
            v && typeof v === "object" && "value" in v && !Array.isArray((v as { value: unknown }).value)
                ? (v as { value: unknown }).value
                : v,
        z.looseObject({
            id: z.string(),
            displayName: z.string().nullish(),
            state: z.string().nullish(),
            conditions: z
                .looseObject({
                    users: z
                        .looseObject({ includeGroups: strings(), excludeGroups: strings(), includeUsers: strings() })
                        .nullish(),
                    applications: z.looseObject({ includeApplications: strings() }).nullish(),
                    platforms: z.looseObject({ includePlatforms: strings() }).nullish(),
                })
                .nullish(),
            grantControls: z.looseObject({ operator: z.string().nullish(), builtInControls: strings() }).nullish(),
        }),
    );
}
export type ConditionalAccessPolicyRead = z.infer<ReturnType<typeof conditionalAccessPolicySchema>>;

/** What the stack declares of its one policy. */
export interface DeclaredConditionalAccessPolicy {
    displayName: string;
    state: ConditionalAccessState;
    includeGroups: string[];
    excludeGroups: string[];
    includeApplications: string[];
}

/**
 * The precise body the stack writes: a compliant device required, on iOS and Android, for the
 * included groups but the excluded ones, for the declared cloud apps, from every client app type.
 * Learn ("Create conditionalAccessPolicy"): a valid policy has at least one application rule, one
 * user rule and one grant or session control.
 *
 * `users`, on an update, is `conditions.users` as read just before: Graph does not say whether a
 * PATCH merges a complex value or replaces it, so the whole value is sent back with only the two
 * group lists changed, and the users, roles and guests another admin set on the policy stay.
 */
export function conditionalAccessPolicyBody(p: DeclaredConditionalAccessPolicy, users?: Record<string, unknown>) {
    return {
        displayName: p.displayName,
        state: p.state,
        conditions: {
            clientAppTypes: ["all"],
            applications: { includeApplications: p.includeApplications },
            users: { ...users, includeGroups: p.includeGroups, excludeGroups: p.excludeGroups },
            platforms: { includePlatforms: [...mobilePlatforms] },
        },
        grantControls: { operator: "OR", builtInControls: ["compliantDevice"] },
    };
}

/**
 * The value Graph gives each property of a stored policy nobody set (metadata: a nullable complex
 * property is null, a collection is empty), the entity's and its condition set's.
 */
export const conditionalAccessPolicyUnset = {
    conditions: null,
    createdDateTime: null,
    deletedDateTime: null,
    description: null,
    displayName: null,
    grantControls: null,
    modifiedDateTime: null,
    sessionControls: null,
    state: null,
    templateId: null,
} as const;

export const conditionalAccessConditionSetUnset = {
    applications: null,
    authenticationFlows: null,
    clientApplications: null,
    clientAppTypes: [],
    devices: null,
    insiderRiskLevels: null,
    locations: null,
    platforms: null,
    servicePrincipalRiskLevels: [],
    signInRiskLevels: [],
    userRiskLevels: [],
    users: null,
} as const;

/** Complex types inside the condition set, each property's unset value (collections empty, the rest null). */
export const conditionalAccessComplexUnset = {
    users: {
        excludeGroups: [],
        excludeGuestsOrExternalUsers: null,
        excludeRoles: [],
        excludeUsers: [],
        includeGroups: [],
        includeGuestsOrExternalUsers: null,
        includeRoles: [],
        includeUsers: [],
    },
    applications: {
        applicationFilter: null,
        excludeApplications: [],
        includeApplications: [],
        includeAuthenticationContextClassReferences: [],
        includeUserActions: [],
    },
    platforms: { excludePlatforms: [], includePlatforms: [] },
    grantControls: { builtInControls: [], customAuthenticationFactors: [], operator: null, termsOfUse: [] },
} as const;

export const conditionalAccessPolicyType = "#microsoft.graph.conditionalAccessPolicy";
