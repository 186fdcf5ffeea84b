/**
 * What must hold before the onboarding writes anything, checked through Microsoft Graph while the
 * program runs (so `preview` fails as `up` would), all at once:
 *
 * - the signed-in identity: the tenant the config names, the permissions of its kind the declared
 *   writes need, a person's Intune role (signIn/identityCheck.ts);
 * - every existing Entra group: found, exact name, unique, security group, users only;
 * - Lookout's admin consent (every mode but `manage`, where the stack grants it and the same check
 *   follows its grants: see `declareOnboarding`);
 * - the managed Google Play app, when Lookout for Work is deployed to Android Enterprise: it exists
 *   in Intune only after an admin approved it, which Graph v1.0 cannot do;
 * - the Lookout endpoint: the key, and in `api` mode that it serves the console-settings contract
 *   (lookout/endpointCheck.ts);
 * - every MTD connector of the tenant: no other partner holds app protection evaluation on a
 *   platform the config enables it for (mtdPartners.ts; a second vendor for compliance is a warning).
 *
 * Once they pass, the impact of the change on who is enrolled and which devices are compliant is
 * judged (onboarding/impact.ts): warnings for the preview, never a failure. The reads that need
 * nothing from the checks (the impact's compliance policies, the rollout gates' device counts) run
 * at the same time as the checks, and are dropped when a check fails.
 *
 * Every problem is reported in one `RunError`, one line each, with the config key to fix.
 */
import * as pulumi from "@pulumi/pulumi";
import type { GroupConfig, StackConfig } from "../../config/stackConfig";
import {
    type ConsentStatus,
    type ExistingConsent,
    lookoutConsentPage,
    readConsent,
    verifyLookoutConsent,
} from "../entra/consentCheck";
import type { DeclaredConsent } from "../entra/tenantConsent";
import { checkExistingGroups, type GroupKey } from "../entra/directory";
import type { GroupCandidate } from "../entra/groupValidation";
import type { GraphClient } from "../../providers/graph/client";
import { programGraphClient } from "../../providers/graph/programClient";
import { appsToDeploy } from "../intune/threatDefense";
import { checkSignedInIdentity } from "../signIn";
import {
    checkLookoutEndpoint,
    type LookoutEndpoint,
    programLookoutClient,
} from "../../providers/lookout/endpointCheck";
import type { LookoutClient } from "../../providers/lookout/client";
import { assessImpact, type Impact, startImpactReads } from "./impact";
import type { DeviceCounts, RolloutDecision, RolloutRecord } from "./rollout";
import { checkConsoleChanges, type ConsoleCheck, declaredConsole } from "./consoleDrift";
import { checkOtherMtdPartners } from "./mtdPartners";
import { type FoundAppProtectionPolicy, findAppProtectionPolicies } from "../appProtection";
import { assessClassificationImpact, type ClassificationImpact } from "../classificationImpact";

export interface Preflight {
    /** Each existing group by its config key, as `checkExistingGroups` found it. */
    groups: Record<GroupKey, GroupCandidate>;
    /** Lookout's verified consent; absent in manage mode, where it is verified after the stack's grants. */
    consent?: ConsentStatus;
    /** Manage mode: the consent the tenant holds now, and what this stack declared of it before (TenantConsent). */
    consentPlan?: { existing: ExistingConsent; declaredBefore?: DeclaredConsent };
    /** What the Lookout endpoint holds now (api mode). */
    lookout?: LookoutEndpoint;
    /** What the change does to enrollment and compliance, as warnings for the resources it concerns. */
    impact?: Impact;
    /** Which rollout rings are enrolled now, and why the others are held (when the config has rings). */
    rollout?: RolloutDecision;
    /** What was changed in Lookout's console away from the declared settings, from its audit events (consoleDrift.ts). */
    console?: ConsoleCheck;
    /** Other MTD partners connected for compliance on a platform the config connects (mtdPartners.ts). */
    partners?: string[];
    /** The app protection policies the config names, found in Intune (appProtection/policies.ts). */
    appProtection?: FoundAppProtectionPolicy[];
    /** What re-rated threat classifications do to devices with open threats of them (components/classificationImpact). */
    classificationImpact?: ClassificationImpact;
}

/** The tenant the checks speak of: from config in reference mode, from the signed-in identity otherwise. */
export async function tenantOf(config: StackConfig, graph: GraphClient): Promise<string> {
    return config.entra.mode === "reference" ? config.entra.tenantId! : graph.tenantId();
}

/**
 * Manage mode: what Lookout's consent holds already, which the stack adopts rather than grants again.
 * A grant for all users that lacks a scope and is not the stack's own cannot be completed by the
 * stack (Entra keeps one such grant per client and resource; the stack never rewrites another
 * admin's): Lookout's consent page, accepted again, does it.
 */
async function readConsentPlan(
    config: StackConfig,
    graph: GraphClient,
    declaredBefore: DeclaredConsent | undefined,
): Promise<Preflight["consentPlan"]> {
    if (config.entra.mode !== "manage" || !config.consent) return undefined;
    const existing = await readConsent(graph, config.consent.lookoutClientId);
    const lacking = config.consent.delegatedScopes.filter((s) => !(existing.delegatedScopes ?? []).includes(s));
    if (existing.delegatedScopes !== undefined && lacking.length > 0 && !declaredBefore?.delegatedGrant) {
        throw new Error(
            `lookout-mtp:consent.delegatedScopes: Lookout's existing grant for all users lacks ${lacking.join(", ")}, and the stack does not rewrite a grant it did not make; a Global Administrator accepts Lookout's consent page ${lookoutConsentPage} again, or remove ${lacking.join(", ")} from consent.delegatedScopes`,
        );
    }
    return { existing, declaredBefore };
}

async function checkConsent(config: StackConfig, graph: GraphClient): Promise<ConsentStatus | undefined> {
    if (config.entra.mode === "manage" || !config.consent) return undefined;
    // The consent read is the signed-in identity's tenant, which the identity check holds to the config's.
    return verifyLookoutConsent(graph, config.consent, await tenantOf(config, graph));
}

/** What Lookout support needs before it can create the account that consent then completes: the tenant and the console groups. */
function supportFacts(config: StackConfig, groups: Preflight["groups"], tenantId: string): string {
    const group = (key: GroupKey, spec: GroupConfig | undefined) => {
        const found =
            groups[key] ?? (spec?.objectId ? { objectId: spec.objectId, displayName: spec.displayName } : undefined);
        return found ? `'${found.displayName}' ${found.objectId}` : undefined;
    };
    const full = group("lookout-mtp:consoleAccess.full", config.consoleAccess.full);
    const restricted = group("lookout-mtp:consoleAccess.restricted", config.consoleAccess.restricted);
    return `If Lookout has not set up the account yet, send Lookout Enterprise Support first: Entra tenant ID ${tenantId}${full ? `; full console access group ${full}` : ""}${restricted ? `; restricted console access group ${restricted}` : ""}.`;
}

/** Each managed Google Play app the config deploys is in Intune, exactly once. */
async function checkManagedGooglePlayApps(config: StackConfig, graph: GraphClient): Promise<void> {
    const android = appsToDeploy(config.intune?.apps).filter((app) => app.platform === "androidEnterprise");
    if (android.length === 0) return;
    // Loaded only for a config that deploys Lookout for Work to Android Enterprise.
    const { findStoreApps, managedGooglePlaySteps } =
        require("../../providers/intune/appLookup") as typeof import("../../providers/intune/appLookup");
    const problems = await Promise.all(
        android.map(async (app) => {
            const found = await findStoreApps(graph, app.platform, app.storeId);
            if (found.length === 1) return undefined;
            return found.length === 0
                ? `lookout-mtp:intune.apps.androidEnterprise: ${managedGooglePlaySteps(app.displayName, app.storeId)}`
                : `lookout-mtp:intune.apps.androidEnterprise: ${found.length} apps in Intune have the package ID ${app.storeId} (${found.map((a) => a.id).join(", ")}); remove the duplicates in Apps > All apps.`;
        }),
    );
    const missing = problems.filter((p): p is string => p !== undefined);
    if (missing.length > 0) throw new Error(missing.join("\n  - "));
}

/**
 * A failed check's problems, one line each. The group checks report a list of their own (a
 * heading, then a line per group): among other failed checks only its lines are listed, so the
 * message has one heading and one "nothing was changed".
 */
function problemLines(failure: Error): string {
    const [, ...items] = failure.message.split("\n  - ");
    return pulumi.RunError.isInstance(failure) && items.length > 0 ? items.join("\n  - ") : failure.message;
}

/**
 * @param rollout what the stack recorded of its rollout rings on its last update (`previousRollout`,
 *   or its promise, awaited once the checks passed); without it, the rings are judged as on a stack's
 *   first update; `consoleAudit`: also read Lookout's audit events for console changes to the
 *   declared settings (the stack function does); `consentDeclaredBefore`: in manage mode, what the
 *   stack declared of Lookout's consent on its last update (its `lookoutConsentDeclared` output)
 */
export async function runPreflight(
    config: StackConfig,
    graph: GraphClient = programGraphClient(),
    lookout?: LookoutClient,
    rollout: {
        previous?: RolloutRecord | Promise<RolloutRecord | undefined>;
        consoleAudit?: boolean;
        consentDeclaredBefore?: Promise<DeclaredConsent | undefined>;
    } = {},
): Promise<Preflight> {
    const lookoutClient = lookout ? () => lookout : lazyLookoutClient();
    // Awaited once the checks passed; a failed check drops it.
    Promise.resolve(rollout.previous).catch(() => undefined);
    // The reads that need nothing from the checks run at the same time as the checks: the impact's
    // compliance policies and the rollout gates' device counts (dropped when a check fails).
    const impactReads = startImpactReads(config, graph);
    const deviceCounts = config.rollout
        ? Promise.resolve().then(() => rolloutModule().readDeviceCounts(config, lookoutClient()))
        : undefined;
    deviceCounts?.catch(() => undefined);
    // Who signed in comes first: every other read speaks of that identity's tenant.
    const identity = await checkSignedInIdentity(config, graph).catch((err: Error) => [err.message]);
    if (identity.length > 0)
        throw new pulumi.RunError(`The onboarding cannot start; nothing was changed:\n  - ${identity.join("\n  - ")}`);
    const { checked, partners } = await runChecks(config, graph, lookoutClient, rollout.consentDeclaredBefore);
    const decision = config.rollout
        ? await judgeRings(config, checked.groups, lookoutClient(), await rollout.previous, deviceCounts)
        : undefined;
    const [impact, consoleCheck, classificationImpact] = await Promise.all([
        assessImpact(config, { ...checked, enrolledGroups: decision?.enrolledGroups }, graph, impactReads),
        rollout.consoleAudit
            ? checkConsoleChanges(lookoutClient(), declaredConsole(config, decision?.enrolledGroups))
            : undefined,
        assessClassificationImpact(config, checked.lookout.classifications, lookoutClient()),
    ]);
    return {
        ...checked,
        rollout: decision,
        impact,
        ...(consoleCheck ? { console: consoleCheck } : {}),
        ...(partners.length > 0 ? { partners } : {}),
        classificationImpact,
    };
}

/** The checks that run at once, each problem one line; what they found, or one RunError naming every problem. */
async function runChecks(
    config: StackConfig,
    graph: GraphClient,
    lookoutClient: () => LookoutClient,
    consentDeclaredBefore: Promise<DeclaredConsent | undefined> | undefined,
) {
    const [groups, consent, consentPlan, apps, endpoint, partners, appProtection] = await Promise.allSettled([
        checkExistingGroups(config, graph),
        checkConsent(config, graph),
        Promise.resolve(consentDeclaredBefore).then((before) => readConsentPlan(config, graph, before)),
        checkManagedGooglePlayApps(config, graph),
        // Built inside, so a missing key is one of the problems listed rather than a crash.
        Promise.resolve().then(() => checkLookoutEndpoint(config.settingsMode ?? "api", lookoutClient())),
        checkOtherMtdPartners(config, graph),
        findAppProtectionPolicies(config, graph),
    ]);
    if (
        consent.status === "rejected" &&
        groups.status === "fulfilled" &&
        /^lookout-mtp:consent:/.test((consent.reason as Error).message)
    ) {
        const tenantId = await tenantOf(config, graph).catch(() => "(unknown)");
        consent.reason = new Error(
            `${(consent.reason as Error).message}\n  - ${supportFacts(config, groups.value, tenantId)}`,
        );
    }
    throwFailedChecks([groups, consent, consentPlan, apps, endpoint, partners, appProtection]);
    const value = <T>(r: PromiseSettledResult<T>) => (r as PromiseFulfilledResult<T>).value;
    const checked = {
        groups: value(groups),
        consent: value(consent),
        consentPlan: value(consentPlan),
        lookout: value(endpoint),
        ...(config.appProtection ? { appProtection: value(appProtection) } : {}),
    };
    return { checked, partners: value(partners) };
}

/** Every failed check's problems in one RunError, one line each, with one heading and one "nothing was changed". */
function throwFailedChecks(results: Array<PromiseSettledResult<unknown>>): void {
    const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
    if (failed.length === 1 && failed[0] instanceof pulumi.RunError) throw failed[0];
    if (failed.length === 0) return;
    const lines = failed.map(problemLines);
    throw new pulumi.RunError(
        failed.length === 1 && !(failed[0] instanceof pulumi.RunError)
            ? `The onboarding cannot start; nothing was changed:\n  - ${lines[0]}`
            : `The onboarding cannot start (${failed.length} checks failed); nothing was changed:\n  - ${lines.join("\n  - ")}`,
    );
}

/** The rings' gates, judged once every check passed; a read that fails is one clean line. */
async function judgeRings(
    config: StackConfig,
    groups: Preflight["groups"],
    lookout: LookoutClient,
    previous: RolloutRecord | undefined,
    counts?: Promise<DeviceCounts>,
): Promise<RolloutDecision> {
    const { judgeRollout, readRolloutHealth, releaseOverride } = rolloutModule();
    const rollout = config.rollout!;
    const override = releaseOverride(rollout);
    const health = await readRolloutHealth(config, groups, lookout, counts).catch((err: Error) => {
        throw new pulumi.RunError(
            `The rollout rings' gates could not be judged; nothing was changed:\n  - ${err.message}`,
        );
    });
    return judgeRollout(rollout, health, previous, override);
}

/** The rollout rings' judge, loaded only for a config that has rings (as the stack function's record of them). */
function rolloutModule(): typeof import("./rollout") {
    return require("./rollout") as typeof import("./rollout");
}

/** The program's Lookout client, built on first use (a missing key is then one of the problems listed). */
function lazyLookoutClient(): () => LookoutClient {
    let client: LookoutClient | undefined;
    return () => (client ??= programLookoutClient());
}
