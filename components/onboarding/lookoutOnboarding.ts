/**
 * The whole Lookout MTP onboarding of one tenant: Entra groups and consent, the Lookout console
 * settings, and the facts Lookout support needs.
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/stackConfig";
import { IntuneConnector } from "../../providers/lookout/intuneConnector";
import { NotificationPreferences } from "../../providers/lookout/notificationPreferences";
import { ThreatClassifications } from "../../providers/lookout/threatClassifications";
import { ConsoleAccessGroups } from "../entra/consoleAccess";
import { EnrollmentGroups } from "../entra/enrollmentGroups";
import type { CheckedGroups } from "../entra/group";
import { programGraphClient } from "../../providers/graph/programClient";
import { IntuneThreatDefense } from "../intune/threatDefense";
import { onboardingRequestText } from "./onboardingRequest";
import { TenantConsent } from "../entra/tenantConsent";
import { type ConsentStatus, verifyGrantedConsent } from "../entra/consentCheck";
import type { GraphClient } from "../../providers/graph/client";
import { type Preflight, runPreflight } from "./preflight";
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
    /** @deprecated since 0.3: pass `preflight`, which also holds the consent check. The existing groups, checked by `checkExistingGroups(config)`. */
    readonly checkedGroups?: CheckedGroups;
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
    /** The Intune side, when `intune` is configured. */
    declare readonly intune: IntuneThreatDefense | undefined;

    constructor(name: string, args: LookoutOnboardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:LookoutOnboarding", name, {}, opts);
        const parts = declareOnboarding(
            this,
            name,
            args.config,
            args.preflight,
            args.graph,
            args.checkedGroups,
            args.lookout,
        );
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

/**
 * Declares the onboarding's resources as children of `parent`: shared by `LookoutOnboarding`
 * (TypeScript programs, validated config in) and the component plugin's `Onboarding` (other
 * Pulumi languages, plain inputs validated by the same schema).
 */
export function declareOnboarding(
    parent: pulumi.ComponentResource,
    name: string,
    config: StackConfig,
    preflight?: Preflight,
    graph?: GraphClient,
    checkedGroups?: CheckedGroups,
    lookout?: LookoutClient,
): OnboardingParts {
    const entraMode = config.entra.mode;
    // Without checks run up front, the same checks run here and gate every write below.
    const checks: pulumi.Output<Preflight> = pulumi.output(preflight ?? runPreflight(config, graph, lookout));
    const groups: CheckedGroups =
        checkedGroups ?? (preflight ? preflight.groups : (checks.apply((c) => c.groups) as CheckedGroups));
    const child = { parent };

    const tenantId =
        entraMode === "manage"
            ? azuread.getClientConfigOutput(child).tenantId
            : entraMode === "graph"
              ? pulumi.output((graph ?? programGraphClient()).tenantId())
              : pulumi.output(config.entra.tenantId!);

    const consoleAccess = new ConsoleAccessGroups(
        `${name}-console`,
        { ...config.consoleAccess, entraMode, checkedGroups: groups },
        child,
    );
    const enrollment = new EnrollmentGroups(
        `${name}-enrollment`,
        { groups: config.enrollmentGroups, entraMode, checkedGroups: groups },
        child,
    );
    const consent =
        entraMode === "manage" && config.consent
            ? new TenantConsent(`${name}-consent`, { ...config.consent }, child)
            : undefined;

    // Lookout's consent, verified: read from the tenant up front, or in manage mode once the stack's
    // own grants exist (on a first `preview` they do not, and the gate stays unknown).
    const consentStatus: pulumi.Output<ConsentStatus | undefined> = consent
        ? pulumi.all([consent.granted, tenantId]).apply(([, tenant]) =>
              verifyGrantedConsent(graph ?? programGraphClient(), config.consent!, tenant).catch((err: Error) => {
                  // One clean line, as every check of the run reports (no stack trace).
                  throw new pulumi.RunError(`Lookout's consent, after the stack granted it: ${err.message}`);
              }),
          )
        : checks.apply((c) => c.consent);

    // Nothing is written before every group has passed its checks (found, exact name, unique,
    // users only) and Lookout's consent is verified: the Lookout settings take their inputs through
    // this gate, the Intune side waits for the Lookout connector.
    const groupsChecked = pulumi
        .all([
            consoleAccess.fullAccessGroupObjectId,
            consoleAccess.restrictedAccessGroupObjectId,
            enrollment.objectIds,
            consentStatus,
            checks,
        ])
        .apply(() => true);
    const afterGroupChecks = <T>(value: T) => groupsChecked.apply(() => value);

    // Lookout's console: written through the settings contract, or (checklist mode) recorded as the
    // steps an admin follows, with the same values and the same gate.
    const checklist = config.settingsMode === "checklist";
    const connector = checklist
        ? undefined
        : new IntuneConnector(
              `${name}-intune-connector`,
              {
                  ...config.connector,
                  heartbeatFrequencyMinutes: afterGroupChecks(config.connector.heartbeatFrequencyMinutes),
                  enrollmentGroups: enrollment.displayNames,
              },
              // Lookout's console rejects sign-ins until consent exists; configure it afterwards.
              { parent, dependsOn: consent ? [consent] : [] },
          );
    const steps: ConsoleChecklist[] = [];
    if (checklist) {
        const inputs = pulumi
            .all([enrollment.displayNames, groupsChecked])
            .apply(([names]) => connectorChecklist({ ...config.connector, enrollmentGroups: names }));
        steps.push(
            new ConsoleChecklist(`${name}-intune-connector-steps`, inputs, {
                parent,
                dependsOn: consent ? [consent] : [],
            }),
        );
    }
    const lookoutSide: pulumi.Resource[] = connector ? [connector] : steps;

    const intune = config.intune
        ? new IntuneThreatDefense(
              `${name}-intune`,
              {
                  apps: config.intune.apps,
                  mtdConnector: config.intune.mtdConnector,
                  compliancePolicies: config.intune.compliancePolicies,
                  groupIds: enrollment.objectIds,
                  impact: preflight
                      ? (preflight.impact?.compliance ?? {})
                      : checks.apply((c) => c.impact?.compliance ?? {}),
              },
              // Intune's connector reports Lookout's partner state once Lookout's side is configured.
              { parent, dependsOn: lookoutSide },
          )
        : undefined;

    for (const n of config.notifications) {
        const resourceName = `${name}-notifications-${n.email.toLowerCase()}`;
        if (checklist) {
            const inputs = groupsChecked.apply(() => notificationChecklist(n.email, n.emailNotifications));
            steps.push(new ConsoleChecklist(`${resourceName}-steps`, inputs, child));
        } else {
            new NotificationPreferences(
                resourceName,
                { email: afterGroupChecks(n.email), emailNotifications: n.emailNotifications },
                child,
            );
        }
    }
    if (Object.keys(config.threatClassifications).length > 0) {
        if (checklist) {
            const inputs = groupsChecked.apply(() => classificationChecklist(config.threatClassifications));
            steps.push(new ConsoleChecklist(`${name}-threat-classifications-steps`, inputs, child));
        } else {
            new ThreatClassifications(
                `${name}-threat-classifications`,
                { riskLevels: afterGroupChecks(config.threatClassifications) },
                child,
            );
        }
    }

    // What the change does to who is enrolled, said on the resource that makes it, before anything is
    // written. Logged while the program runs when the checks ran up front (an apply's log may be cut
    // off when the program ends).
    const sayImpact = (c: Preflight) => {
        for (const warning of c.impact?.enrollment ?? []) void pulumi.log.warn(warning, lookoutSide[0]);
        for (const note of c.impact?.notes ?? []) void pulumi.log.warn(`Impact not shown: ${note}`, parent);
    };
    if (preflight) sayImpact(preflight);
    else checks.apply(sayImpact);

    const onboardingRequest = pulumi
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
    return {
        tenantId,
        fullAccessGroupObjectId: consoleAccess.fullAccessGroupObjectId,
        restrictedAccessGroupObjectId: consoleAccess.restrictedAccessGroupObjectId,
        enrollmentGroupNames: enrollment.displayNames,
        lookoutServicePrincipalObjectId: consent
            ? consent.servicePrincipalObjectId
            : consentStatus.apply((s) => s?.servicePrincipalObjectId),
        lookoutConsentVerified: consentStatus.apply((s) => s !== undefined),
        onboardingRequest,
        connector,
        connectorHeartbeatFrequencyMinutes: connector
            ? connector.heartbeatFrequencyMinutes
            : pulumi.output(config.connector.heartbeatFrequencyMinutes),
        lookoutConsoleSteps: checklist
            ? pulumi.all(steps.map((s) => s.steps)).apply((lists) => lists.flat())
            : undefined,
        intune,
    };
}
