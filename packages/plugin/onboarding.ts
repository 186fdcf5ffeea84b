/**
 * `Onboarding`: the whole Lookout MTP onboarding as one component for Pulumi programs in any
 * language. Its inputs mirror the stack config sections (docs/config-reference.md) with plain
 * types, so Pulumi can derive a schema from them; they pass through the same zod schema as a
 * TypeScript stack's config before anything is declared, and each problem names its input.
 */
import * as pulumi from "@pulumi/pulumi";
import { declareOnboarding, registeredOutputs } from "../../components/onboarding/lookoutOnboarding";
import {
    parseStackConfig,
    projectNamespace,
    settingPath,
    type StackConfig,
    stackConfigSchema,
} from "../../config/stackConfig";
import type { z } from "zod";
import { isSecretConfigKey } from "../../components/onboarding/stack";

// Pulumi's component analyzer makes a schema enum only of this pattern (a const object and its
// value type); a union type from the contract is refused ("Union types are not supported"). So the
// enums are written out here, and the type check below proves they hold exactly the contract's values.

/** How the stack reaches Entra ID. */
export const EntraMode = {
    /** Creates groups and grants consent through the azuread provider. */
    Manage: "manage",
    /** Finds and checks existing groups through Microsoft Graph; the tenant ID comes from the token. */
    Graph: "graph",
    /** No Entra calls: groups by object ID, tenant ID given. */
    Reference: "reference",
} as const;
export type EntraMode = (typeof EntraMode)[keyof typeof EntraMode];

/** A device platform with its own Intune compliance policy. */
export const CompliancePlatform = {
    AndroidDeviceAdministrator: "androidDeviceAdministrator",
    AndroidWorkProfile: "androidWorkProfile",
    Ios: "ios",
} as const;
export type CompliancePlatform = (typeof CompliancePlatform)[keyof typeof CompliancePlatform];

/** The highest threat level a compliant device may have. */
export const RequiredSecurityLevel = { Secured: "secured", Low: "low", Medium: "medium", High: "high" } as const;
export type RequiredSecurityLevel = (typeof RequiredSecurityLevel)[keyof typeof RequiredSecurityLevel];

/** A Lookout threat classification's risk level. */
export const RiskLevel = { None: "none", Low: "low", Medium: "medium", High: "high" } as const;
export type RiskLevel = (typeof RiskLevel)[keyof typeof RiskLevel];

/** How the stack reaches Entra ID, and the tenant in reference mode. */
export interface EntraArgs {
    /** manage (default), graph or reference. */
    mode?: EntraMode;
    /** The tenant ID; reference mode only. */
    tenantId?: string;
}

/** An Entra group: created by the stack (create, members) or an existing one by exact display name. */
export interface GroupArgs {
    /** Display name, exactly as in Entra: Lookout matches it case-sensitively. */
    displayName: string;
    /** Object ID of an existing group; skips the lookup by name (required in reference mode). */
    objectId?: string;
    /** Create and manage this group (manage mode). */
    create?: boolean;
    /** User principal names of a created group's members. */
    members?: string[];
    description?: string;
}

/** The groups whose members may sign in to the Lookout MTP console. */
export interface ConsoleAccessArgs {
    /** Full access to the console. */
    full: GroupArgs;
    /** Restricted access: no enrollment or configuration modules, read-only security policy. */
    restricted?: GroupArgs;
}

/** Admin consent for Lookout's multi-tenant app: granted in manage mode, verified in every mode. */
export interface ConsentArgs {
    /** Client ID of Lookout's app, from Lookout support. */
    lookoutClientId: string;
    applicationPermissions?: string[];
    delegatedScopes?: string[];
}

/** Which states Lookout sends to Intune; both on unless turned off. */
export interface StateSyncArgs {
    deviceStatus?: boolean;
    threatStatus?: boolean;
}

/** The Lookout console's Intune connector. */
export interface ConnectorArgs {
    /** How often Lookout checks in with Intune, in minutes. */
    heartbeatFrequencyMinutes: number;
    /** Interval for checking for new devices, in minutes (Lookout recommends 5). */
    newDeviceCheckIntervalMinutes?: number;
    /** Days after which a silent device counts as disconnected (1-90). */
    disconnectedDeviceThresholdDays?: number;
    stateSync?: StateSyncArgs;
    /** Address that receives the connector's error reports. */
    errorReportEmail: string;
}

/** A Lookout console user's e-mail notification preference. */
export interface NotificationArgs {
    email: string;
    emailNotifications: boolean;
}

/** Intune's Mobile Threat Defense connector for Lookout, named as Graph names them; a setting left out is left as the tenant has it. */
export interface MtdConnectorArgs {
    androidEnabled?: boolean;
    iosEnabled?: boolean;
    /** App protection policy evaluation for Android. */
    androidMobileApplicationManagementEnabled?: boolean;
    /** App protection policy evaluation for iOS/iPadOS. */
    iosMobileApplicationManagementEnabled?: boolean;
    /** App Sync for iOS: corporate devices' app inventory. */
    allowPartnerToCollectIOSApplicationMetadata?: boolean;
    /** App Sync for iOS: personal devices' app inventory. */
    allowPartnerToCollectIOSPersonalApplicationMetadata?: boolean;
    androidDeviceBlockedOnMissingPartnerData?: boolean;
    iosDeviceBlockedOnMissingPartnerData?: boolean;
    partnerUnsupportedOsVersionBlocked?: boolean;
    partnerUnresponsivenessThresholdInDays?: number;
}
/** An Intune compliance policy that blocks devices above a Lookout threat level. */
export interface CompliancePolicyArgs {
    platform: CompliancePlatform;
    requiredSecurityLevel: RequiredSecurityLevel;
    displayName?: string;
}

/** How Intune deploys Lookout for Work. */
export const AppIntent = { Required: "required", Available: "available" } as const;
export type AppIntent = (typeof AppIntent)[keyof typeof AppIntent];

/** Lookout for Work (and on iOS Microsoft Authenticator) through Intune, assigned to the enrollment groups. */
export interface AppsArgs {
    /** required (default) or available. */
    intent?: AppIntent;
    /** Lookout for Work and Microsoft Authenticator from the App Store, added when missing. */
    ios?: boolean;
    /** The managed Google Play app com.lookout.enterprise, which an admin approves once. */
    androidEnterprise?: boolean;
    /** Lookout for Work's iOS bundle ID, if Intune lists it under another one. */
    lookoutForWorkIosBundleId?: string;
}

/** The Intune side, through Microsoft Graph. */
export interface IntuneArgs {
    /** Lookout for Work through Intune, deployed before the connector and the policies. */
    apps?: AppsArgs;
    mtdConnector?: MtdConnectorArgs;
    /** One per platform, assigned to the enrollment groups. */
    compliancePolicies?: CompliancePolicyArgs[];
}

/** The onboarding's settings: the same sections as a TypeScript stack's `lookout-mtp:` config. */
export interface OnboardingArgs {
    entra?: EntraArgs;
    consoleAccess: ConsoleAccessArgs;
    /** Groups whose members' devices Lookout enrolls. */
    enrollmentGroups: GroupArgs[];
    consent?: ConsentArgs;
    connector: ConnectorArgs;
    notifications?: NotificationArgs[];
    /** Risk level per Lookout threat classification, such as RISKWARE: medium (none, low, medium, high). */
    threatClassifications?: { [classification: string]: RiskLevel };
    intune?: IntuneArgs;
    /** Threat settings of app protection policies an admin already has (docs/app-protection.md). */
    appProtection?: AppProtectionArgs;
}

/** Existing app protection policies whose two threat settings the onboarding manages. */
export interface AppProtectionArgs {
    policies: AppProtectionPolicyArgs[];
}

/** A platform with app protection policies. */
export const AppProtectionPlatform = { Ios: "ios", Android: "android" } as const;
export type AppProtectionPlatform = (typeof AppProtectionPlatform)[keyof typeof AppProtectionPlatform];

/** The highest device threat level an app protection policy allows. */
export const MaximumAllowedDeviceThreatLevel = {
    NotConfigured: "notConfigured",
    Secured: "secured",
    Low: "low",
    Medium: "medium",
    High: "high",
} as const;
export type MaximumAllowedDeviceThreatLevel =
    (typeof MaximumAllowedDeviceThreatLevel)[keyof typeof MaximumAllowedDeviceThreatLevel];

/** One policy, by display name or id, and its threat settings. */
export interface AppProtectionPolicyArgs {
    /** ios or android. */
    platform: AppProtectionPlatform;
    /** The policy's display name, exactly; or `id`. */
    displayName?: string;
    id?: string;
    /** notConfigured, secured, low, medium or high. */
    maximumAllowedDeviceThreatLevel: MaximumAllowedDeviceThreatLevel;
    /** block or wipe (warn is refused: Learn says it is not supported for Mobile Threat Defense). */
    mobileThreatDefenseRemediationAction: string;
}

// Pulumi derives the plugin's schema from the interfaces above, so they are written out. They must
// accept exactly what the stack config schema accepts: this fails `tsc` when they drift. (Null is
// left out: the plugin cannot express it, and the schema reads an absent value the same way.)
// Rollout rings are left out too: they are judged by the stack function, which records when each
// ring was enrolled in the stack's own outputs; a component in another program has no such record.
// Conditional Access is left out as well: it covers the rings enrolled now, which only the stack function knows.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type WithoutNull<T> = T extends object
    ? T extends unknown[]
        ? WithoutNull<T[number]>[]
        : { [K in keyof T]: WithoutNull<Exclude<T[K], null>> }
    : T;
const onboardingArgsMatchConfig: Equal<
    WithoutNull<OnboardingArgs>,
    WithoutNull<Omit<z.input<ReturnType<typeof stackConfigSchema>>, "rollout" | "conditionalAccess">>
> = true;
void onboardingArgsMatchConfig;

/**
 * The whole Lookout MTP onboarding of one tenant: Entra groups and consent, the Lookout console
 * settings, and the Intune side. The Lookout application key comes from the stack's secret
 * `lookout:applicationKey` (or LOOKOUT_APPLICATION_KEY), Graph credentials from the environment.
 */
export class Onboarding extends pulumi.ComponentResource {
    /** The Entra tenant ID. */
    declare readonly tenantId: pulumi.Output<string>;
    /** Object ID of the full-access console group. */
    declare readonly fullAccessGroupObjectId: pulumi.Output<string>;
    /** Object ID of the restricted-access console group, when there is one. */
    declare readonly restrictedAccessGroupObjectId: pulumi.Output<string | undefined>;
    /** The enrollment groups' display names, as Lookout's connector holds them. */
    declare readonly enrollmentGroupNames: pulumi.Output<string[]>;
    /** Ready-to-send request text for Lookout Enterprise Support. */
    declare readonly onboardingRequest: pulumi.Output<string>;
    /** True once Lookout's admin consent was read back from the tenant; nothing is written to Lookout before. */
    declare readonly lookoutConsentVerified: pulumi.Output<boolean>;
    /** Intune's view of Lookout (enabled, unavailable, ...), when the Intune side is managed. */
    declare readonly intunePartnerState: pulumi.Output<string | undefined>;

    constructor(name: string, args: OnboardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:Onboarding", name, {}, opts);
        const parts = declareOnboarding({ parent: this, name, config: onboardingConfig(name, args) });
        this.tenantId = parts.tenantId;
        this.fullAccessGroupObjectId = parts.fullAccessGroupObjectId;
        this.restrictedAccessGroupObjectId = parts.restrictedAccessGroupObjectId;
        this.enrollmentGroupNames = parts.enrollmentGroupNames;
        this.onboardingRequest = parts.onboardingRequest;
        this.lookoutConsentVerified = parts.lookoutConsentVerified;
        this.intunePartnerState = parts.intune ? parts.intune.partnerState : pulumi.output(undefined);
        this.registerOutputs({ ...registeredOutputs(parts), intunePartnerState: this.intunePartnerState });
    }
}

/**
 * The inputs as a validated stack config, with the calling stack's `lookout:` and `graph:`
 * settings checked as a TypeScript stack's are (a plain-text application key is refused).
 * Throws one error listing every problem, before any resource is declared.
 */
export function onboardingConfig(name: string, args: OnboardingArgs): StackConfig {
    const problems = unresolvedInputs(args).map(
        (path) =>
            `${path}: is an output of another resource or a secret; pass a plain value (a literal or a plain stack config value)`,
    );
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith("lookout:") || key.startsWith("graph:")) raw[key] = value;
    }
    for (const [section, value] of Object.entries(args ?? {})) {
        if (value !== undefined && value !== null) raw[`${projectNamespace}:${section}`] = JSON.stringify(value);
    }
    const parsed =
        problems.length > 0
            ? undefined
            : parseStackConfig(raw, isSecretConfigKey, (path) => (path.length > 0 ? settingPath(path) : "inputs"));
    if (parsed?.ok) return parsed.config;
    const all = [...problems, ...(parsed && !parsed.ok ? parsed.errors : [])];
    throw new Error(
        `Onboarding '${name}' has ${all.length} problem(s) in its inputs; nothing was changed:\n  - ${all.join("\n  - ")}`,
    );
}

/** Paths of inputs that arrived as outputs (another resource's, or secrets): the schema needs plain values. */
function unresolvedInputs(value: unknown, path: string[] = []): string[] {
    if (pulumi.Output.isInstance(value)) return [path.length > 0 ? settingPath(path) : "inputs"];
    if (Array.isArray(value)) return value.flatMap((item, i) => unresolvedInputs(item, [...path, String(i)]));
    if (value !== null && typeof value === "object")
        return Object.entries(value).flatMap(([key, item]) => unresolvedInputs(item, [...path, key]));
    return [];
}
