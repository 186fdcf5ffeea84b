/**
 * The stack configuration: one schema, parsed once at the edge before any resource is declared.
 * Every problem is reported at once, each with the config key a user has to fix.
 *
 * Keys live in the project namespace (`lookout-mtp:`) except the Lookout provider's connection,
 * which lives in `lookout:` (baseUrl, applicationKey) because the dynamic providers read it.
 */
import { z } from "zod";
import {
    connectorLimits,
    intuneConnectorInputsSchema,
    riskLevels,
    threatClassificationCatalogue,
} from "../contract/lookout/schemas";
import { graphCommandLineToolsAppId, signInModes } from "../contract/graph/signIn";
import {
    defaultAuthorityHost,
    defaultGraphBaseUrl,
    defaultLookoutBaseUrl,
    validateGraphBaseUrl,
    validateServiceUrl,
} from "../contract/endpoints";
import {
    compliancePlatformSchema,
    mtdConnectorSettingKeys,
    mtdConnectorSettingsSchema,
    requiredSecurityLevelSchema,
} from "../contract/graph/schemas";
import { deployedIntents } from "../contract/graph/mobileApps";
import { lookoutForWorkIosBundleId } from "../contract/graph/lookoutApps";
import { lookoutApplicationPermissions, lookoutDelegatedScopes } from "../contract/graph/servicePrincipals";
import { appProtectionSection, checkAppProtection } from "./appProtection";
import { conditionalAccessChecks, conditionalAccessSection } from "./conditionalAccess";

export const projectNamespace = "lookout-mtp";

const guid = () =>
    z
        .string()
        .regex(
            /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/,
            "must be a GUID such as 00000000-0000-0000-0000-000000000000",
        );
const upn = () =>
    z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be a user principal name such as alex@contoso.com");

/**
 * An Entra group the stack either creates (`create: true`, with user members) or refers to by its
 * display name (looked up and validated), optionally pinned by object ID.
 */
export function groupSchema() {
    return z
        .object({
            displayName: z
                .string()
                .trim()
                .min(1, "must not be empty")
                .max(256)
                .describe("Display name, exactly as in Entra: Lookout matches it case-sensitively."),
            objectId: guid().optional().describe("Object ID of an existing group; skips the lookup by name."),
            create: z.boolean().default(false).describe("Create and manage this group in the stack."),
            members: z
                .array(upn())
                .optional()
                .describe("User principal names of the members of a created group (users only)."),
            description: z.string().max(1024).optional().describe("Description of a group the stack creates."),
        })
        .strict()
        .superRefine((g, ctx) => {
            if (g.create && g.objectId)
                ctx.addIssue({
                    code: "custom",
                    path: ["objectId"],
                    message: "a group the stack creates has no objectId yet; drop objectId or create",
                });
            if (!g.create && g.members)
                ctx.addIssue({
                    code: "custom",
                    path: ["members"],
                    message:
                        "members are managed only for groups the stack creates (create: true); manage an existing group's members in Entra",
                });
            if (g.create && (!g.members || g.members.length === 0))
                ctx.addIssue({
                    code: "custom",
                    path: ["members"],
                    message: "a created group needs at least one member (user principal names)",
                });
            if (g.members && new Set(g.members.map((m) => m.toLowerCase())).size !== g.members.length)
                ctx.addIssue({ code: "custom", path: ["members"], message: "lists a member twice" });
        });
}
export type GroupConfig = z.infer<ReturnType<typeof groupSchema>>;

/** `entra`: how the stack reaches Entra ID. */
function entraSection() {
    return z
        .object({
            mode: z
                .enum(["manage", "graph", "reference"])
                .default("manage")
                .describe(
                    "`manage`: the stack talks to Entra (azuread): creates groups, grants the consent Lookout's app lacks, signs in to the tenant `tenantId` names (or the signed-in identity's). `graph`: existing groups only, found and checked through Microsoft Graph (no azuread plugin); the tenant is the signed-in identity's, held to `tenantId` when given; consent is verified, not managed. `reference`: no directory lookups; every group is given by objectId and displayName, and the tenant ID in config (for reviewing a stack without directory access; Lookout's consent is still read through Graph).",
                ),
            tenantId: guid()
                .optional()
                .describe(
                    "The Entra tenant ID the stack onboards. Every sign-in goes to this tenant, and the run stops before any write when the signed-in identity's token (or, in manage mode, the azuread provider) names another: an admin of several tenants cannot write one customer's onboarding into another's. Required in reference mode and for a person's sign-in (graph:signIn user).",
                ),
        })
        .strict()
        .default({ mode: "manage" })
        .describe("How the stack reaches Entra ID, and the tenant it onboards.");
}

/** `consoleAccess`: the console's access groups. */
function consoleAccessSection() {
    return z
        .object({
            full: groupSchema().describe("Members get full access to the Lookout MTP console."),
            restricted: groupSchema()
                .optional()
                .describe("Members get restricted access (no enrollment/config modules, read-only Security Policy)."),
        })
        .strict()
        .describe("The Entra groups whose members may sign in to the Lookout MTP console.");
}

/** `enrollmentGroups`: whose devices Lookout enrolls. */
function enrollmentGroupsSection() {
    return z
        .array(groupSchema())
        .min(1, "list at least one enrollment group")
        .max(connectorLimits.enrollmentGroups.max)
        .describe(
            "The Entra groups whose members' devices Lookout enrolls, each created by the stack or an existing group found by its exact display name. Users only: Lookout does not follow nested groups.",
        );
}

/** `consent`: Lookout's admin consent. */
function consentSection() {
    return z
        .object({
            lookoutClientId: guid().describe(
                "Client (application) ID of Lookout's multi-tenant app, from Lookout support.",
            ),
            applicationPermissions: z
                .array(
                    z.string().regex(/^[A-Za-z]+(\.[A-Za-z]+)+$/, "must be a Graph permission such as User.Read.All"),
                )
                .min(1)
                .default([...lookoutApplicationPermissions])
                .describe(
                    "Graph application permissions Lookout's app is granted (manage) or must have (other modes).",
                ),
            delegatedScopes: z
                .array(z.string().regex(/^[A-Za-z]+(\.[A-Za-z]+)+$/, "must be a Graph scope such as User.Read"))
                .min(1)
                .default([...lookoutDelegatedScopes])
                .describe("Delegated Graph scopes consented for all users (sign-in)."),
        })
        .strict()
        .optional()
        .describe(
            "Lookout's admin consent: granted by the stack in `manage` mode, verified through Graph before any Lookout write in every mode.",
        );
}

/** `notifications`: console users' e-mail preferences, each address once. */
function notificationsSection() {
    return z
        .array(
            z
                .object({
                    email: z.email("must be an e-mail address").describe("A Lookout console user's e-mail address."),
                    emailNotifications: z.boolean().describe("Whether that user gets e-mail notifications."),
                })
                .strict(),
        )
        .default([])
        .superRefine((list, ctx) => {
            const seen = new Set<string>();
            list.forEach((n, i) => {
                const key = n.email.toLowerCase();
                if (seen.has(key))
                    ctx.addIssue({
                        code: "custom",
                        path: [i, "email"],
                        message: `'${n.email}' is listed twice (e-mail addresses are case-insensitive)`,
                    });
                seen.add(key);
            });
        })
        .describe("E-mail notification preferences of Lookout console users (System > Preferences).");
}

/** `intune.apps`: Lookout for Work (and Authenticator on iOS), on at least one platform. */
function intuneAppsSchema() {
    return z
        .object({
            intent: z
                .enum(deployedIntents, `must be ${deployedIntents.join(" or ")}`)
                .default("required")
                .describe("`required` installs the apps; `available` offers them in the Company Portal."),
            ios: z
                .boolean()
                .default(false)
                .describe("Lookout for Work and Microsoft Authenticator from the App Store."),
            androidEnterprise: z.boolean().default(false).describe("Lookout for Work from managed Google Play."),
            lookoutForWorkIosBundleId: z
                .string()
                .trim()
                .min(1)
                .default(lookoutForWorkIosBundleId)
                .describe("Lookout for Work's iOS bundle ID, if Intune lists it under another one."),
        })
        .strict()
        .refine((a) => a.ios || a.androidEnterprise, {
            message: "name a platform to deploy Lookout for Work to: ios: true, androidEnterprise: true, or both",
        })
        .optional()
        .describe(
            "Lookout for Work through Intune, assigned to the enrollment groups before the connector and the compliance policies: `ios` (Lookout for Work and Microsoft Authenticator from the App Store, added when missing) and `androidEnterprise` (the managed Google Play app, which an admin approves once).",
        );
}

/** `intune.compliancePolicies`: one threat-level policy per platform. */
function compliancePoliciesSchema() {
    return z
        .array(
            z
                .object({
                    platform: compliancePlatformSchema().describe("The device platform; one policy per platform."),
                    requiredSecurityLevel: requiredSecurityLevelSchema().describe(
                        "The highest Lookout threat level a compliant device may have.",
                    ),
                    displayName: z
                        .string()
                        .trim()
                        .min(1)
                        .max(256)
                        .optional()
                        .describe("The policy's name in Intune; `Lookout MTP - <platform>` when left out."),
                })
                .strict(),
        )
        .default([])
        .superRefine((policies, ctx) => {
            const seen = new Set<string>();
            policies.forEach((p, i) => {
                if (seen.has(p.platform))
                    ctx.addIssue({
                        code: "custom",
                        path: [i, "platform"],
                        message: `'${p.platform}' has a policy already; one per platform`,
                    });
                seen.add(p.platform);
            });
        })
        .describe("One compliance policy per platform, assigned to the enrollment groups.");
}

/** `intune`: the Intune side. */
function intuneSection() {
    return z
        .object({
            apps: intuneAppsSchema(),
            mtdConnector: mtdConnectorSettingsSchema()
                .prefault({})
                .describe(
                    "Intune's Mobile Threat Defense connector for Lookout: only the settings named here are managed.",
                ),
            compliancePolicies: compliancePoliciesSchema(),
        })
        .strict()
        .optional()
        .describe(
            "Intune's side: Lookout for Work, the Mobile Threat Defense connector and threat-level compliance policies. Left out: Intune is not managed.",
        );
}

/** `threatClassifications`: risk levels by classification, each name one Lookout knows. */
function threatClassificationsSection() {
    return z
        .record(z.string(), z.enum(riskLevels, `must be one of ${riskLevels.join(", ")}`))
        .default({})
        .superRefine((levels, ctx) => {
            const known = new Set(threatClassificationCatalogue.map((c) => c.name));
            for (const name of Object.keys(levels)) {
                if (!known.has(name)) {
                    const hint = [...known].find((k) => k.toLowerCase() === name.toLowerCase());
                    ctx.addIssue({
                        code: "custom",
                        path: [name],
                        message: `unknown classification${hint ? ` (did you mean '${hint}'?)` : `; known: ${[...known].join(", ")}`}`,
                    });
                }
            }
        })
        .describe(
            "Risk levels (none, low, medium, high) by threat classification name, e.g. SIDELOADED_APP: high. Only the named classifications are managed; the others keep Lookout's defaults.",
        );
}

/** A share from 0 to 1 (0.8 is 80%). */
const share = (what: string) => z.number().min(0).max(1).optional().describe(what);

/** `rollout`: the enrollment groups in ordered rings, each enrolled once the rings before it pass their gates. */
/** One rollout ring: its groups and the gate the next ring waits for. */
function ringSchema() {
    return z
        .object({
            name: z
                .string()
                .trim()
                .min(1)
                .max(64)
                .describe("The ring's name, as messages, the status report and a release name it."),
            groups: z
                .array(z.string().trim().min(1))
                .min(1, "name at least one enrollment group")
                .describe("Display names of enrollment groups (exactly as in enrollmentGroups) this ring enrolls."),
            gate: z
                .object({
                    minActivatedShare: share(
                        "The share of the rings' users so far with an activated Lookout device (activated devices per user, Lookout's count) before the next ring is enrolled.",
                    ),
                    maxNoncompliantShare: share(
                        "The largest share of activated devices whose Lookout verdict makes them non-compliant under the stack's strictest threat-level policy (medium or high threats without one) before the next ring is enrolled.",
                    ),
                    minSoakDays: z
                        .number()
                        .min(0)
                        .max(365)
                        .optional()
                        .describe("Days since this ring was enrolled before the next ring is."),
                })
                .strict()
                .prefault({})
                .describe(
                    "What this ring must show before the next ring is enrolled; the last ring's gate gates nothing.",
                ),
        })
        .strict();
}

function rolloutSection() {
    return z
        .object({
            rings: z
                .array(ringSchema())
                .min(2, "a rollout has at least two rings; without rings every enrollment group is enrolled at once")
                .describe(
                    "The rings, in the order they are enrolled. Every enrollment group belongs to exactly one ring.",
                ),
            release: z
                .object({
                    ring: z
                        .string()
                        .trim()
                        .min(1)
                        .describe("The ring to enroll whatever the gates say (and every ring before it)."),
                    reason: z
                        .string()
                        .trim()
                        .min(1, "say why the gate is overridden")
                        .describe("Why: said in the preview and recorded in the stack's rollout output."),
                })
                .strict()
                .optional()
                .describe(
                    "An explicit release of a held ring. The environment variable LOOKOUT_MTP_RELEASE_RING='<ring>: <reason>' does the same for one run.",
                ),
        })
        .strict()
        .optional()
        .describe(
            'Rollout rings with health gates: the setup guide\'s "start with a small group, then expand", enforced. Left out: every enrollment group is enrolled at once.',
        );
}

/** Every enrollment group in exactly one ring, each ring name once, a release naming a ring. */
function checkRollout(c: ParsedSections, issue: Issue) {
    if (!c.rollout) return;
    const names = new Set(c.enrollmentGroups.map((g) => g.displayName));
    const ringOf = new Map<string, string>();
    const seenRings = new Set<string>();
    c.rollout.rings.forEach((ring, i) => {
        if (seenRings.has(ring.name)) issue(["rollout", "rings", i, "name"], `'${ring.name}' names two rings`);
        seenRings.add(ring.name);
        ring.groups.forEach((group, j) => {
            const path = ["rollout", "rings", i, "groups", j];
            if (!names.has(group))
                issue(
                    path,
                    `'${group}' is not an enrollment group; name one of enrollmentGroups exactly (case-sensitive)`,
                );
            const other = ringOf.get(group);
            if (other !== undefined)
                issue(path, `'${group}' is in ring '${other}' already; a group belongs to one ring`);
            ringOf.set(group, ring.name);
        });
    });
    c.enrollmentGroups.forEach((g, i) => {
        if (!ringOf.has(g.displayName))
            issue(
                ["enrollmentGroups", i, "displayName"],
                `'${g.displayName}' is in no rollout ring; add it to one of rollout.rings`,
            );
    });
    if (c.rollout.release && !seenRings.has(c.rollout.release.ring))
        issue(
            ["rollout", "release", "ring"],
            `'${c.rollout.release.ring}' names no ring; use one of ${[...seenRings].join(", ")}`,
        );
}

/** The sections the checks across them read. */
interface ParsedSections {
    entra: z.output<ReturnType<typeof entraSection>>;
    consoleAccess: z.output<ReturnType<typeof consoleAccessSection>>;
    enrollmentGroups: z.output<ReturnType<typeof enrollmentGroupsSection>>;
    consent?: z.output<ReturnType<typeof consentSection>>;
    rollout?: z.output<ReturnType<typeof rolloutSection>>;
    intune?: { mtdConnector: Record<string, unknown> };
    appProtection?: z.output<ReturnType<typeof appProtectionSection>>;
}
type Issue = (path: PropertyKey[], message: string) => void;

/** What holds across sections: group names unique, the groups and tenant fit the Entra mode, consent configured. */
function crossSectionChecks(c: ParsedSections, ctx: z.RefinementCtx<unknown>) {
    const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path, message });
    checkGroupNames(c, issue);
    checkEntraMode(c, issue);
    checkRollout(c, issue);
    checkAppProtection(c.appProtection, c.intune?.mtdConnector, issue);
    if (!c.consent) {
        const what =
            c.entra.mode === "manage"
                ? "manage mode grants Lookout's app admin consent and verifies it"
                : "Lookout's admin consent is verified through Microsoft Graph before anything is written to Lookout";
        issue(["consent"], `${what}; set consent.lookoutClientId (Lookout's client ID, from Lookout support)`);
    }
}

/** Enrollment groups differ by more than letter case; the two console groups differ. */
function checkGroupNames(c: ParsedSections, issue: Issue) {
    const byName = new Map<string, string>();
    c.enrollmentGroups.forEach((g, i) => {
        const lower = g.displayName.toLowerCase();
        const other = byName.get(lower);
        if (other !== undefined) {
            issue(
                ["enrollmentGroups", i, "displayName"],
                other === g.displayName
                    ? `'${g.displayName}' is listed twice`
                    : `'${g.displayName}' and '${other}' differ only in letter case; Entra display names are case-insensitive when looked up, so they would name the same group`,
            );
        }
        byName.set(lower, g.displayName);
    });
    const { full, restricted } = c.consoleAccess;
    if (restricted && restricted.displayName.toLowerCase() === full.displayName.toLowerCase()) {
        issue(
            ["consoleAccess", "restricted", "displayName"],
            "the restricted-access group must differ from the full-access group",
        );
    }
}

/** Reference mode: tenant ID and object IDs given, nothing created; graph mode: nothing created. */
function checkEntraMode(c: ParsedSections, issue: Issue) {
    const groups = [
        ...c.enrollmentGroups.map((g, i) => ({ g, path: ["enrollmentGroups", i] })),
        { g: c.consoleAccess.full, path: ["consoleAccess", "full"] },
        ...(c.consoleAccess.restricted
            ? [{ g: c.consoleAccess.restricted, path: ["consoleAccess", "restricted"] }]
            : []),
    ];
    const refuseCreatedGroups = (message: string) => {
        for (const { g, path } of groups) if (g.create) issue([...path, "create"], message);
    };
    if (c.entra.mode === "reference") {
        if (!c.entra.tenantId)
            issue(["entra", "tenantId"], "reference mode makes no Entra calls, so it needs the tenant ID here");
        refuseCreatedGroups(
            "reference mode cannot create groups; give the objectId of an existing group, or use entra.mode 'manage'",
        );
        for (const { g, path } of groups) {
            if (!g.create && !g.objectId)
                issue([...path, "objectId"], "reference mode makes no Entra lookups; give the group's objectId");
        }
    } else if (c.entra.mode === "graph") {
        refuseCreatedGroups(
            "graph mode only reads Entra; create groups with entra.mode 'manage', or refer to an existing group",
        );
    }
}

export function stackConfigSchema() {
    return z
        .object({
            entra: entraSection(),
            consoleAccess: consoleAccessSection(),
            enrollmentGroups: enrollmentGroupsSection(),
            consent: consentSection(),
            connector: intuneConnectorInputsSchema()
                .omit({ enrollmentGroups: true })
                .describe(
                    "Lookout's Intune connector: the contract's fields and defaults; the enrollment groups come from `enrollmentGroups`.",
                ),
            notifications: notificationsSection(),
            intune: intuneSection(),
            threatClassifications: threatClassificationsSection(),
            rollout: rolloutSection(),
            appProtection: appProtectionSection(),
            conditionalAccess: conditionalAccessSection(groupSchema),
        })
        .strict()
        .superRefine(crossSectionChecks)
        .superRefine(conditionalAccessChecks);
}
/**
 * How the stack configures Lookout's console (`lookout:settingsMode`): `api`, through the
 * console-settings contract (contract/lookout/openapi.yaml); `checklist`, for a Lookout endpoint
 * that serves only Lookout's public API (as api.lookout.com does today): no settings route is
 * called, and the stack outputs the console steps with their values instead.
 */
export const settingsModes = ["api", "checklist"] as const;
export type SettingsMode = (typeof settingsModes)[number];

export type StackConfig = z.infer<ReturnType<typeof stackConfigSchema>> & {
    /** `lookout:settingsMode`; `api` when absent. */
    settingsMode?: SettingsMode;
};

/** Keys of the project namespace, as `pulumi config` names them. */
const sectionKeys = [
    "entra",
    "consoleAccess",
    "enrollmentGroups",
    "consent",
    "connector",
    "notifications",
    "threatClassifications",
    "intune",
    "rollout",
    "appProtection",
    "conditionalAccess",
] as const;
/** The providers' keys outside the project namespace, with what each is for (the configuration reference shows them). */
export const providerKeys = {
    lookout: {
        baseUrl: `Lookout's API root; ${defaultLookoutBaseUrl} when unset (https, or http on loopback for the emulator).`,
        applicationKey:
            "The application key made in Lookout's console (System > Application Keys); set it with --secret.",
        settingsMode:
            "`api` (default): the stack writes Lookout's console settings through the settings contract. `checklist`: for an endpoint that serves only Lookout's public API; the stack outputs the console steps instead.",
    },
    graph: {
        baseUrl: `Microsoft Graph's v1.0 root; ${defaultGraphBaseUrl} when unset (a national cloud's, or the emulator's on loopback).`,
        authorityHost: `The Entra sign-in host; the Graph root's cloud's when unset (${defaultAuthorityHost} for the global cloud). Credentials come from the environment or the user's own sign-in, never config.`,
        signIn: `How a run signs in: ${signInModes.map((m) => `\`${m}\``).join(", ")}. \`user\`: a person, delegated, after \`npm run sign-in\` (needs lookout-mtp:entra.tenantId); \`environment\`: an app from AZURE_CLIENT_ID with workload identity, a certificate or a secret (pipelines); \`azureCli\`: the Azure CLI's token, which holds no Intune scope (reads and reference/graph-mode checks only); \`managedIdentity\`: the Azure resource the run executes on; \`auto\` (default): \`environment\` when AZURE_CLIENT_ID is set, \`user\` otherwise.`,
        clientId: `The public client a person signs in through (graph:signIn user): Microsoft Graph Command Line Tools (${graphCommandLineToolsAppId}) when unset, or your own public client app registration.`,
    },
} as const;
const lookoutKeys = Object.keys(providerKeys.lookout);
const graphKeys = Object.keys(providerKeys.graph);

export type ConfigResult = { ok: true; config: StackConfig } | { ok: false; errors: string[] };

/**
 * Validates the whole stack config.
 *
 * @param raw every config value of the stack as `pulumi.runtime.allConfig()` gives it (JSON strings for objects)
 * @param isSecret whether a key was set with `--secret`
 * @param describeKey how a problem names the setting at a path (section first); by default the
 *   `pulumi config` key, such as `lookout-mtp:enrollmentGroups[0].displayName`
 */
export function parseStackConfig(
    raw: Record<string, string>,
    isSecret: (key: string) => boolean,
    describeKey: (path: string[]) => string = (path) =>
        `${projectNamespace}${path.length > 0 ? ":" : ""}${settingPath(path)}`,
): ConfigResult {
    const errors: string[] = [];
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        const [namespace, name] = key.split(":", 2);
        const problem =
            namespace === projectNamespace
                ? readSection(input, key, name, value)
                : namespace === "graph"
                  ? checkGraphKey(key, name, value)
                  : namespace === "lookout"
                    ? checkLookoutKey(key, name, value, isSecret)
                    : undefined;
        if (problem) errors.push(problem);
    }
    const result = stackConfigSchema().safeParse(input);
    if (!result.success) {
        for (const issue of result.error.issues) {
            const key = describeKey(issue.path.map(String));
            const missing = issue.code === "invalid_type" && valueAt(input, issue.path) === undefined;
            const message = missing
                ? "is required"
                : issue.code === "unrecognized_keys"
                  ? unrecognizedKeys(issue.keys)
                  : issue.message;
            errors.push(`${key}: ${message}`);
        }
    }
    if (errors.length > 0 || !result.success) return { ok: false, errors };
    return {
        ok: true,
        config: { ...result.data, settingsMode: (raw["lookout:settingsMode"] as SettingsMode | undefined) ?? "api" },
    };
}

/** A project section into `input` (JSON, or the plain string for the schema to refuse); a problem for an unknown key. */
function readSection(input: Record<string, unknown>, key: string, name: string, value: string): string | undefined {
    if (!(sectionKeys as readonly string[]).includes(name)) {
        return `${key}: unknown key; the project reads ${sectionKeys.map((k) => `${projectNamespace}:${k}`).join(", ")}`;
    }
    try {
        input[name] = JSON.parse(value);
    } catch {
        input[name] = value;
    }
    return undefined;
}

const problemOf = (check: () => unknown): string | undefined => {
    try {
        check();
        return undefined;
    } catch (err) {
        return (err as Error).message;
    }
};

function checkGraphKey(key: string, name: string, value: string): string | undefined {
    if (!graphKeys.includes(name)) {
        return `${key}: unknown key; the Intune providers read ${graphKeys.map((k) => `graph:${k}`).join(", ")} (credentials come from the environment or the user's sign-in, never config)`;
    }
    if (name === "signIn")
        return (signInModes as readonly string[]).includes(value)
            ? undefined
            : `${key}: is '${value}'; use ${signInModes.join(", ")} (see the configuration reference)`;
    if (name === "clientId")
        return guid().safeParse(value).success ? undefined : `${key}: '${value}' is not a client ID (a GUID)`;
    return problemOf(() =>
        name === "baseUrl" ? validateGraphBaseUrl(value, key) : validateServiceUrl(value, key, defaultAuthorityHost),
    );
}

function checkLookoutKey(key: string, name: string, value: string, isSecret: (key: string) => boolean) {
    if (!lookoutKeys.includes(name)) {
        return `${key}: unknown key; the Lookout provider reads lookout:baseUrl, lookout:applicationKey and lookout:settingsMode`;
    }
    if (name === "settingsMode" && !(settingsModes as readonly string[]).includes(value)) {
        return `${key}: is '${value}'; use api (the stack writes Lookout's console settings) or checklist (for an endpoint that serves only Lookout's public API: the stack outputs the console steps instead)`;
    }
    if (name === "applicationKey" && !isSecret(key)) {
        return `${key}: is stored in plain text; set it again with \`pulumi config set --secret lookout:applicationKey <key>\``;
    }
    return name === "baseUrl" ? problemOf(() => validateServiceUrl(value, key, defaultLookoutBaseUrl)) : undefined;
}

/** Names unknown keys, pointing at Graph's spelling when only the letter case is off (`...IOS...`, not `...Ios...`). */
function unrecognizedKeys(keys: string[]): string {
    return keys
        .map((key) => {
            const graphName = mtdConnectorSettingKeys.find((k) => k.toLowerCase() === key.toLowerCase());
            return graphName
                ? `unknown key '${key}'; Microsoft Graph spells it '${graphName}'`
                : `unknown key '${key}'`;
        })
        .join("; ");
}

/** `["enrollmentGroups", "0", "displayName"]` as `enrollmentGroups[0].displayName`. */
export function settingPath(path: string[]): string {
    const [section = "", ...rest] = path;
    return `${section}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
    let value = root;
    for (const key of path) {
        if (value === null || typeof value !== "object") return undefined;
        value = (value as Record<PropertyKey, unknown>)[key];
    }
    return value;
}
