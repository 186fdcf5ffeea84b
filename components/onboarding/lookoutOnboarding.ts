/**
 * The whole Lookout MTP onboarding of one tenant: Entra groups and consent, the Lookout console
 * settings, and the facts Lookout support needs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/stackConfig";
import { IntuneConnector } from "../../providers/lookout/intuneConnector";
import { NotificationPreferences } from "../../providers/lookout/notificationPreferences";
import { ThreatClassifications } from "../../providers/lookout/threatClassifications";
import { ConsoleAccessGroups } from "../entra/consoleAccess";
import { EnrollmentGroups } from "../entra/enrollmentGroups";
import type { CheckedGroups } from "../entra/group";
import { azuread } from "../entra/azuread";
import { programGraphClient } from "../../providers/graph/programClient";
import { IntuneThreatDefense } from "../intune/threatDefense";
import { declareAppProtection } from "../appProtection";
import { onboardingRequestText } from "./onboardingRequest";
import { type DeclaredConsent, TenantConsent } from "../entra/tenantConsent";
import { type ConsentStatus, verifyGrantedConsent } from "../entra/consentCheck";
import type { GraphClient } from "../../providers/graph/client";
import { type Preflight, runPreflight } from "./preflight";
import { consoleUncheckedMarker } from "./consoleDrift";
import type { LookoutClient } from "../../providers/lookout/client";
import {
    classificationChecklist,
    ConsoleChecklist,
    connectorChecklist,
    notificationChecklist,
} from "../../providers/lookout/consoleChecklist";

export interface LookoutOnboardingArgs {
    /** The validated stack config (see `config/stackConfig.ts`). */
    readonly config: StackConfig;
    /**
     * The checks that must pass before anything is written (groups, Lookout's consent, the managed
     * Google Play app), already run by `runPreflight(config)`. A program that awaits them first (as
     * `onboardingStack` does) reports every problem as one clean error before anything is declared;
     * without it, the component runs the same checks itself and nothing is written until they pass.
     */
    readonly preflight?: Preflight;
    /** The Graph client of the checks; the program's own (stack config and environment) by default. */
    readonly graph?: GraphClient;
    /** The Lookout client of the endpoint check; the program's own (the `lookout:*` config) by default. */
    readonly lookout?: LookoutClient;
}

/** What `declareOnboarding` declared: the outputs both onboarding components expose. */
export interface OnboardingParts {
    tenantId: pulumi.Output<string>;
    fullAccessGroupObjectId: pulumi.Output<string>;
    restrictedAccessGroupObjectId: pulumi.Output<string | undefined>;
    enrollmentGroupNames: pulumi.Output<string[]>;
    lookoutServicePrincipalObjectId: pulumi.Output<string | undefined>;
    /** True once Lookout's admin consent was read back from the tenant (nothing is written to Lookout before). */
    lookoutConsentVerified: pulumi.Output<boolean>;
    onboardingRequest: pulumi.Output<string>;
    /** Lookout's Intune connector, written through the settings contract (`api` mode). */
    connector: IntuneConnector | undefined;
    connectorHeartbeatFrequencyMinutes: pulumi.Output<number>;
    /** `checklist` mode: the console steps an admin follows, one line per setting. */
    lookoutConsoleSteps: pulumi.Output<string[]> | undefined;
    intune: IntuneThreatDefense | undefined;
    /** Manage mode: what the stack declares of Lookout's consent (the rest the tenant held already). */
    lookoutConsentDeclared: DeclaredConsent | undefined;
}

export class LookoutOnboarding extends pulumi.ComponentResource {
    declare readonly tenantId: pulumi.Output<string>;
    declare readonly fullAccessGroupObjectId: pulumi.Output<string>;
    declare readonly restrictedAccessGroupObjectId: pulumi.Output<string | undefined>;
    declare readonly enrollmentGroupNames: pulumi.Output<string[]>;
    declare readonly lookoutServicePrincipalObjectId: pulumi.Output<string | undefined>;
    declare readonly lookoutConsentVerified: pulumi.Output<boolean>;
    /** Ready-to-send request text for Lookout Enterprise Support. */
    declare readonly onboardingRequest: pulumi.Output<string>;
    declare readonly connector: IntuneConnector | undefined;
    declare readonly connectorHeartbeatFrequencyMinutes: pulumi.Output<number>;
    declare readonly lookoutConsoleSteps: pulumi.Output<string[]> | undefined;
    declare readonly lookoutConsentDeclared: DeclaredConsent | undefined;
    /** The Intune side, when `intune` is configured. */
    declare readonly intune: IntuneThreatDefense | undefined;

    constructor(name: string, args: LookoutOnboardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:LookoutOnboarding", name, {}, opts);
        const parts = declareOnboarding({ ...args, parent: this, name });
        Object.assign(this, parts);
        this.registerOutputs(registeredOutputs(parts));
    }
}

/** The outputs both onboarding components register on themselves. */
export function registeredOutputs(parts: OnboardingParts): pulumi.Inputs {
    return {
        tenantId: parts.tenantId,
        fullAccessGroupObjectId: parts.fullAccessGroupObjectId,
        restrictedAccessGroupObjectId: parts.restrictedAccessGroupObjectId,
        enrollmentGroupNames: parts.enrollmentGroupNames,
        lookoutConsentVerified: parts.lookoutConsentVerified,
        onboardingRequest: parts.onboardingRequest,
    };
}

/** What `declareOnboarding` needs: the component's own args, and the component itself. */
export interface OnboardingScope extends LookoutOnboardingArgs {
    /** The component the resources are children of. */
    readonly parent: pulumi.ComponentResource;
    /** The component's name, from which every child's name derives. */
    readonly name: string;
}

/** The gate every write passes: the checks, run up front or here. */
interface Gate {
    checks: pulumi.Output<Preflight>;
    groups: CheckedGroups;
    /** Resolves once every group passed its checks and Lookout's consent is verified. */
    passed: pulumi.Output<boolean>;
}

/**
 * Declares the onboarding's resources as children of `parent`: shared by `LookoutOnboarding`
 * (TypeScript programs, validated config in) and the component plugin's `Onboarding` (other
 * Pulumi languages, plain inputs validated by the same schema).
 */
/**
 * Entra's side (the groups, Lookout's consent, the tenant) and the gate every write passes: nothing
 * is written before every group has passed its checks (found, exact name, unique, users only) and
 * Lookout's consent is verified; the Lookout settings take their inputs through the gate, the Intune
 * side waits for the Lookout connector.
 */
function declareEntra(scope: OnboardingScope, checks: pulumi.Output<Preflight>, groups: CheckedGroups) {
    const { name, config, preflight } = scope;
    const entraMode = config.entra.mode;
    const entra = { parent: scope.parent };
    const tenantId = tenantIdOf(scope);
    const consoleAccess = new ConsoleAccessGroups(
        `${name}-console`,
        { ...config.consoleAccess, entraMode, checkedGroups: groups },
        entra,
    );
    const enrollment = new EnrollmentGroups(
        `${name}-enrollment`,
        { groups: config.enrollmentGroups, entraMode, checkedGroups: groups },
        entra,
    );
    const consent =
        entraMode === "manage" && config.consent
            ? new TenantConsent(`${name}-consent`, { ...config.consent, ...preflight?.consentPlan }, entra)
            : undefined;
    const consentStatus = verifiedConsent(scope, consent, tenantId, checks);
    const passed = pulumi
        .all([
            consoleAccess.fullAccessGroupObjectId,
            consoleAccess.restrictedAccessGroupObjectId,
            enrollment.objectIds,
            consentStatus,
            checks,
            tenantId,
        ])
        .apply(() => true);
    const gate: Gate = { checks, groups, passed };
    return { consoleAccess, enrollment, consent, consentStatus, tenantId, gate };
}

export function declareOnboarding(scope: OnboardingScope): OnboardingParts {
    const { name, config, preflight, graph, lookout } = scope;
    // Without checks run up front, the same checks run here and gate every write below.
    const checks: pulumi.Output<Preflight> = pulumi.output(preflight ?? runPreflight(config, graph, lookout));
    const groups: CheckedGroups = preflight ? preflight.groups : (checks.apply((c) => c.groups) as CheckedGroups);
    const { consoleAccess, enrollment, consent, consentStatus, tenantId, gate } = declareEntra(scope, checks, groups);

    const enrolled = enrolledNow(scope, enrollment);
    const lookoutConsole = declareLookoutConsole(scope, gate, enrolled, consent);
    const intune = declareIntune(scope, gate, enrolled, lookoutConsole.lookoutSide);
    declareAppProtection(name, config, preflight?.appProtection ?? checks.apply((c) => c.appProtection), {
        parent: scope.parent,
        dependsOn: intune ?? lookoutConsole.lookoutSide,
    });
    for (const line of preflight?.rollout?.lines ?? []) void pulumi.log.warn(line, lookoutConsole.lookoutSide[0]);
    sayImpact(scope, gate, lookoutConsole.lookoutSide[0], lookoutConsole.pages.get("classifications"));
    sayConsoleChanges(scope, lookoutConsole);

    return {
        tenantId,
        fullAccessGroupObjectId: consoleAccess.fullAccessGroupObjectId,
        restrictedAccessGroupObjectId: consoleAccess.restrictedAccessGroupObjectId,
        enrollmentGroupNames: enrolled.displayNames,
        lookoutServicePrincipalObjectId: consent
            ? consent.servicePrincipalObjectId
            : consentStatus.apply((s) => s?.servicePrincipalObjectId),
        lookoutConsentVerified: consentStatus.apply((s) => s !== undefined),
        onboardingRequest: onboardingRequestOf(config, tenantId, consoleAccess),
        connector: lookoutConsole.connector,
        connectorHeartbeatFrequencyMinutes: lookoutConsole.connector
            ? lookoutConsole.connector.heartbeatFrequencyMinutes
            : pulumi.output(config.connector.heartbeatFrequencyMinutes),
        lookoutConsoleSteps: lookoutConsole.steps
            ? pulumi.all(lookoutConsole.steps.map((s) => s.steps)).apply((lists) => lists.flat())
            : undefined,
        intune,
        lookoutConsentDeclared: consent?.declared,
    };
}

/** The enrollment groups as Lookout and Intune get them: with rollout rings, those of the rings enrolled now. */
interface EnrolledGroups {
    displayNames: pulumi.Output<string[]>;
    objectIds: pulumi.Output<string[]>;
}

function enrolledNow({ config, preflight }: OnboardingScope, enrollment: EnrollmentGroups): EnrolledGroups {
    if (!config.rollout) return enrollment;
    if (!preflight?.rollout) {
        throw new pulumi.RunError(
            "lookout-mtp:rollout: rollout rings are judged by the stack function (onboardingStack), which records when each ring was enrolled; run the onboarding through it, or leave rollout out.",
        );
    }
    const enrolled = new Set(preflight.rollout.enrolledGroups);
    const keep = config.enrollmentGroups.map((g) => enrolled.has(g.displayName));
    const pick = (list: string[]) => list.filter((_, i) => keep[i]);
    return { displayNames: enrollment.displayNames.apply(pick), objectIds: enrollment.objectIds.apply(pick) };
}

/** Intune's side, when configured: it waits for Lookout's, since Intune's connector reports Lookout's partner state once Lookout is configured. */
function declareIntune(
    { parent, name, config, preflight }: OnboardingScope,
    gate: Gate,
    enrollment: EnrolledGroups,
    lookoutSide: pulumi.Resource[],
): IntuneThreatDefense | undefined {
    if (!config.intune) return undefined;
    return new IntuneThreatDefense(
        `${name}-intune`,
        {
            apps: config.intune.apps,
            mtdConnector: config.intune.mtdConnector,
            compliancePolicies: config.intune.compliancePolicies,
            groupIds: enrollment.objectIds,
            impact: preflight
                ? (preflight.impact?.compliance ?? {})
                : gate.checks.apply((c) => c.impact?.compliance ?? {}),
        },
        { parent, dependsOn: lookoutSide },
    );
}

/**
 * What the change does to who is enrolled, said on the resource that makes it, before anything is
 * written. Logged while the program runs when the checks ran up front (an apply's log may be cut
 * off when the program ends).
 */
function sayImpact(
    { parent, preflight }: OnboardingScope,
    gate: Gate,
    lookoutResource: pulumi.Resource,
    classifications = lookoutResource,
) {
    const say = (c: Preflight) => {
        for (const line of c.classificationImpact?.warnings ?? []) void pulumi.log.warn(line, classifications);
        for (const note of c.classificationImpact?.notes ?? [])
            void pulumi.log.warn(`Impact not shown: ${note}`, classifications);
        for (const warning of c.impact?.enrollment ?? []) void pulumi.log.warn(warning, lookoutResource);
        for (const note of c.impact?.notes ?? []) void pulumi.log.warn(`Impact not shown: ${note}`, parent);
        for (const warning of c.partners ?? []) void pulumi.log.warn(warning, parent);
    };
    if (preflight) say(preflight);
    else gate.checks.apply(say);
}

/**
 * What was changed in Lookout's console away from the declared settings (`Preflight.console`), one
 * warning per change on the resource of its page: shown while `preview` and `up` run and under
 * Diagnostics, where the fleet's drift job reads them.
 */
function sayConsoleChanges({ preflight }: OnboardingScope, lookoutConsole: LookoutConsole) {
    const check = preflight?.console;
    if (!check) return;
    const fallback = lookoutConsole.lookoutSide[0];
    if ("unchecked" in check) {
        void pulumi.log.warn(check.unchecked, fallback);
        return;
    }
    for (const change of check.changes)
        void pulumi.log.warn(change.line, lookoutConsole.pages.get(change.page) ?? fallback);
    if (check.truncated)
        void pulumi.log.warn(
            `${consoleUncheckedMarker} beyond the first ${check.events.toLocaleString("en-US")} audit events of the last 10 days`,
            fallback,
        );
}

/**
 * The tenant: from the azuread provider's sign-in (manage), the Graph token (graph), or config
 * (reference); the preflight held the first two to `entra.tenantId` (components/signIn/).
 */
function tenantIdOf({ parent, config, graph }: OnboardingScope): pulumi.Output<string> {
    switch (config.entra.mode) {
        case "manage":
            return azuread().getClientConfigOutput({ parent }).tenantId;
        case "graph":
            return pulumi.output((graph ?? programGraphClient()).tenantId());
        case "reference":
            return pulumi.output(config.entra.tenantId!);
    }
}

/**
 * Lookout's consent, verified: read from the tenant up front, or in manage mode once the stack's
 * own grants exist (on a first `preview` they do not, and the gate stays unknown).
 */
function verifiedConsent(
    { config, graph }: OnboardingScope,
    consent: TenantConsent | undefined,
    tenantId: pulumi.Output<string>,
    checks: pulumi.Output<Preflight>,
): pulumi.Output<ConsentStatus | undefined> {
    if (!consent) return checks.apply((c) => c.consent);
    return pulumi.all([consent.granted, tenantId]).apply(([, tenant]) =>
        verifyGrantedConsent(graph ?? programGraphClient(), config.consent!, tenant).catch((err: Error) => {
            // One clean line, as every check of the run reports (no stack trace).
            throw new pulumi.RunError(`Lookout's consent, after the stack granted it: ${err.message}`);
        }),
    );
}

/**
 * Lookout's console: written through the settings contract, or (checklist mode) recorded as the
 * steps an admin follows, with the same values and the same gate.
 */
/** Lookout's console as declared: the resources, and which one stands for each page (`ConsoleChange.page`). */
interface LookoutConsole {
    connector?: IntuneConnector;
    steps?: ConsoleChecklist[];
    lookoutSide: pulumi.Resource[];
    pages: Map<string, pulumi.Resource>;
}

function declareLookoutConsole(
    { parent, name, config }: OnboardingScope,
    gate: Gate,
    enrollment: EnrolledGroups,
    consent: TenantConsent | undefined,
): LookoutConsole {
    const child = { parent };
    const afterChecks = <T>(value: T) => gate.passed.apply(() => value);
    // Lookout's console rejects sign-ins until consent exists; configure it afterwards.
    const afterConsent = { parent, dependsOn: consent ? [consent] : [] };
    const notifications = (n: StackConfig["notifications"][number]) => `${name}-notifications-${n.email.toLowerCase()}`;
    const classified = Object.keys(config.threatClassifications).length > 0;

    if (config.settingsMode === "checklist") {
        const connectorSteps = pulumi
            .all([enrollment.displayNames, gate.passed])
            .apply(([names]) => connectorChecklist({ ...config.connector, enrollmentGroups: names }));
        const steps = [new ConsoleChecklist(`${name}-intune-connector-steps`, connectorSteps, afterConsent)];
        const pages = new Map<string, pulumi.Resource>([["connector", steps[0]]]);
        for (const n of config.notifications) {
            const inputs = gate.passed.apply(() => notificationChecklist(n.email, n.emailNotifications));
            steps.push(new ConsoleChecklist(`${notifications(n)}-steps`, inputs, child));
            pages.set(`notifications:${n.email.toLowerCase()}`, steps[steps.length - 1]);
        }
        if (classified) {
            const inputs = gate.passed.apply(() => classificationChecklist(config.threatClassifications));
            steps.push(new ConsoleChecklist(`${name}-threat-classifications-steps`, inputs, child));
            pages.set("classifications", steps[steps.length - 1]);
        }
        return { steps, lookoutSide: steps, pages };
    }

    const connector = new IntuneConnector(
        `${name}-intune-connector`,
        {
            ...config.connector,
            heartbeatFrequencyMinutes: afterChecks(config.connector.heartbeatFrequencyMinutes),
            enrollmentGroups: enrollment.displayNames,
        },
        afterConsent,
    );
    const pages = new Map<string, pulumi.Resource>([["connector", connector]]);
    for (const n of config.notifications) {
        const preferences = new NotificationPreferences(
            notifications(n),
            { email: afterChecks(n.email), emailNotifications: n.emailNotifications },
            child,
        );
        pages.set(`notifications:${n.email.toLowerCase()}`, preferences);
    }
    if (classified) {
        const classifications = new ThreatClassifications(
            `${name}-threat-classifications`,
            { riskLevels: afterChecks(config.threatClassifications) },
            child,
        );
        pages.set("classifications", classifications);
    }
    return { connector, lookoutSide: [connector], pages };
}

/** The request text for Lookout Enterprise Support, from the groups as Entra names them. */
function onboardingRequestOf(
    config: StackConfig,
    tenantId: pulumi.Output<string>,
    consoleAccess: ConsoleAccessGroups,
): pulumi.Output<string> {
    return pulumi
        .all([
            tenantId,
            consoleAccess.fullAccessGroupObjectId,
            consoleAccess.fullAccessGroupName,
            consoleAccess.restrictedAccessGroupObjectId,
            consoleAccess.restrictedAccessGroupName,
        ])
        .apply(([tenantId, fullId, fullName, restrictedId, restrictedName]) =>
            onboardingRequestText({
                tenantId,
                fullAccessGroup: { objectId: fullId, displayName: fullName },
                restrictedAccessGroup:
                    restrictedId && restrictedName
                        ? { objectId: restrictedId, displayName: restrictedName }
                        : undefined,
                lookoutClientId: config.consent?.lookoutClientId,
            }),
        );
}
