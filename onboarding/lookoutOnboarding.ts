/**
 * The whole Lookout MTP onboarding of one tenant: Entra groups and consent, the Lookout console
 * settings, and the facts Lookout support needs.
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/stackConfig";
import { IntuneConnector } from "../lookout/intuneConnector";
import { NotificationPreferences } from "../lookout/notificationPreferences";
import { ThreatClassifications } from "../lookout/threatClassifications";
import { ConsoleAccessGroups } from "../entra/consoleAccess";
import { EnrollmentGroups } from "../entra/enrollmentGroups";
import type { CheckedGroups } from "../entra/group";
import { checkExistingGroups } from "../entra/directory";
import { programGraphClient } from "../graph/programClient";
import { IntuneThreatDefense } from "../intune/threatDefense";
import { onboardingRequestText } from "./onboardingRequest";
import { TenantConsent } from "../entra/tenantConsent";

export interface LookoutOnboardingArgs {
    /** The validated stack config (see `config/stackConfig.ts`). */
    readonly config: StackConfig;
    /**
     * The existing groups, already checked by `checkExistingGroups(config)`. A program that awaits
     * that check first (as `onboardingStack` does) reports every group problem as one clean error
     * before anything is declared; without it, the component runs the same check itself.
     */
    readonly checkedGroups?: CheckedGroups;
}

/** What `declareOnboarding` declared: the outputs both onboarding components expose. */
export interface OnboardingParts {
    tenantId: pulumi.Output<string>;
    fullAccessGroupObjectId: pulumi.Output<string>;
    restrictedAccessGroupObjectId: pulumi.Output<string | undefined>;
    enrollmentGroupNames: pulumi.Output<string[]>;
    lookoutServicePrincipalObjectId: pulumi.Output<string | undefined>;
    onboardingRequest: pulumi.Output<string>;
    connector: IntuneConnector;
    intune: IntuneThreatDefense | undefined;
}

export class LookoutOnboarding extends pulumi.ComponentResource {
    declare readonly tenantId: pulumi.Output<string>;
    declare readonly fullAccessGroupObjectId: pulumi.Output<string>;
    declare readonly restrictedAccessGroupObjectId: pulumi.Output<string | undefined>;
    declare readonly enrollmentGroupNames: pulumi.Output<string[]>;
    declare readonly lookoutServicePrincipalObjectId: pulumi.Output<string | undefined>;
    /** Ready-to-send request text for Lookout Enterprise Support. */
    declare readonly onboardingRequest: pulumi.Output<string>;
    declare readonly connector: IntuneConnector;
    /** The Intune side, when `intune` is configured. */
    declare readonly intune: IntuneThreatDefense | undefined;

    constructor(name: string, args: LookoutOnboardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lookout-mtp:index:LookoutOnboarding", name, {}, opts);
        const parts = declareOnboarding(this, name, args.config, args.checkedGroups);
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
        onboardingRequest: parts.onboardingRequest,
    };
}

/**
 * Declares the onboarding's resources as children of `parent`: shared by `LookoutOnboarding`
 * (TypeScript programs, validated config in) and the component plugin's `Onboarding` (other
 * Pulumi languages, plain inputs validated by the same schema).
 */
export function declareOnboarding(parent: pulumi.ComponentResource, name: string, config: StackConfig, checked?: CheckedGroups): OnboardingParts {
    const entraMode = config.entra.mode;
    const checkedGroups = checked ?? (entraMode === "reference" ? {} : pulumi.output(checkExistingGroups(config)));
    const child = { parent };

    const tenantId =
        entraMode === "manage"
            ? azuread.getClientConfigOutput(child).tenantId
            : entraMode === "graph"
              ? pulumi.output(programGraphClient().tenantId())
              : pulumi.output(config.entra.tenantId!);

    const consoleAccess = new ConsoleAccessGroups(`${name}-console`, { ...config.consoleAccess, entraMode, checkedGroups }, child);
    const enrollment = new EnrollmentGroups(`${name}-enrollment`, { groups: config.enrollmentGroups, entraMode, checkedGroups }, child);
    const consent = entraMode === "manage" && config.consent ? new TenantConsent(`${name}-consent`, { ...config.consent }, child) : undefined;

    // Nothing is written before every group has passed its checks (found, exact name, unique,
    // users only): the Lookout settings take their inputs through this gate, the Intune side
    // waits for the Lookout connector.
    const groupsChecked = pulumi.all([consoleAccess.fullAccessGroupObjectId, consoleAccess.restrictedAccessGroupObjectId, enrollment.objectIds]).apply(() => true);
    const afterGroupChecks = <T>(value: T) => groupsChecked.apply(() => value);

    const connector = new IntuneConnector(
        `${name}-intune-connector`,
        { ...config.connector, heartbeatFrequencyMinutes: afterGroupChecks(config.connector.heartbeatFrequencyMinutes), enrollmentGroups: enrollment.displayNames },
        // Lookout's console rejects sign-ins until consent exists; configure it afterwards.
        { parent, dependsOn: consent ? [consent] : [] },
    );

    const intune = config.intune
        ? new IntuneThreatDefense(
              `${name}-intune`,
              { mtdConnector: config.intune.mtdConnector, compliancePolicies: config.intune.compliancePolicies, groupIds: enrollment.objectIds },
              // Intune's connector reports Lookout's partner state once Lookout's side is configured.
              { parent, dependsOn: [connector] },
          )
        : undefined;

    for (const n of config.notifications) {
        new NotificationPreferences(`${name}-notifications-${n.email.toLowerCase()}`, { email: afterGroupChecks(n.email), emailNotifications: n.emailNotifications }, child);
    }
    if (Object.keys(config.threatClassifications).length > 0) {
        new ThreatClassifications(`${name}-threat-classifications`, { riskLevels: afterGroupChecks(config.threatClassifications) }, child);
    }

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
                restrictedAccessGroup: restrictedId && restrictedName ? { objectId: restrictedId, displayName: restrictedName } : undefined,
                lookoutClientId: config.consent?.lookoutClientId,
            }),
        );
    return {
        tenantId,
        fullAccessGroupObjectId: consoleAccess.fullAccessGroupObjectId,
        restrictedAccessGroupObjectId: consoleAccess.restrictedAccessGroupObjectId,
        enrollmentGroupNames: enrollment.displayNames,
        lookoutServicePrincipalObjectId: consent ? consent.servicePrincipalObjectId : pulumi.output(undefined),
        onboardingRequest,
        connector,
        intune,
    };
}
