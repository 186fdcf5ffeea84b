/**
 * The onboarding guardrails as plain policy objects, so tests can call each rule directly as well as
 * through `pulumi preview --policy-pack policy`. Types are matched by token; the Lookout and Intune
 * resources are this project's dynamic resources.
 */
import type {
    Policies,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { requiredSecurityLevels } from "../../contract/graph/schemas";
import { connectorLimits } from "../../contract/lookout/schemas";
import { threatCompliancePolicyType } from "../../providers/intune/compliancePolicy";
import { storeAppType } from "../../providers/intune/storeApp";
import { intuneConnectorType } from "../../providers/lookout/intuneConnector";
import { consoleChecklistType, connectorSettingsOf } from "../../providers/lookout/consoleChecklist";

/** The resource types the rules check: this project's from the resource modules, azuread's as its provider names them. */
export const types = {
    lookoutConnector: intuneConnectorType.token,
    consoleChecklist: consoleChecklistType.token,
    compliancePolicy: threatCompliancePolicyType.token,
    storeApp: storeAppType.token,
    group: "azuread:index/group:Group",
    servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
} as const;

const recommendedCheckInterval = connectorLimits.newDeviceCheckIntervalMinutes.recommended;

/** Policy config: the ranges a tenant's security team accepts (stricter than Lookout's own limits). */
const intervalConfig: PolicyConfigSchema = {
    properties: {
        maxHeartbeatFrequencyMinutes: { type: "integer", default: 240 },
        maxNewDeviceCheckIntervalMinutes: { type: "integer", default: 15 },
    },
};

function on<T extends Record<string, any>>(
    type: string,
    check: (props: T, args: ResourceValidationArgs, report: ReportViolation) => void,
) {
    return (args: ResourceValidationArgs, report: ReportViolation) => {
        if (args.type === type) check(args.props as T, args, report);
    };
}

/** The Lookout connector's rules hold in both settings modes: the resource that writes it, or (checklist mode) its console page's steps. */
function onConnector(
    check: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void,
) {
    return (args: ResourceValidationArgs, report: ReportViolation) => {
        if (args.type === types.lookoutConnector) check(args.props, args, report);
        const steps = args.type === types.consoleChecklist ? connectorSettingsOf(args.props) : undefined;
        if (steps) check(steps, args, report);
    };
}

export const stateSyncOn: ResourceValidationPolicy = {
    name: "lookout-state-sync-on",
    description:
        "Lookout must send both device status and threat status to Intune; otherwise compliance ignores Lookout's verdicts.",
    enforcementLevel: "mandatory",
    validateResource: onConnector((props, _args, report) => {
        const off = ["deviceStatus", "threatStatus"].filter((k) => props.stateSync?.[k] === false);
        if (off.length > 0)
            report(
                `State sync of ${off.join(" and ")} is off: Intune would stop receiving Lookout's verdicts. Turn stateSync.${off[0]} on.`,
            );
    }),
};

export const intervalsInRange: ResourceValidationPolicy = {
    name: "lookout-intervals-in-range",
    description: "The connector's heartbeat and new-device check interval stay within the tenant's accepted range.",
    enforcementLevel: "mandatory",
    configSchema: intervalConfig,
    validateResource: onConnector((props, args, report) => {
        const { maxHeartbeatFrequencyMinutes, maxNewDeviceCheckIntervalMinutes } = args.getConfig<{
            maxHeartbeatFrequencyMinutes: number;
            maxNewDeviceCheckIntervalMinutes: number;
        }>();
        const heartbeat = props.heartbeatFrequencyMinutes;
        const minHeartbeat = connectorLimits.heartbeatFrequencyMinutes.min;
        if (typeof heartbeat !== "number" || heartbeat < minHeartbeat || heartbeat > maxHeartbeatFrequencyMinutes) {
            report(
                `heartbeatFrequencyMinutes is ${heartbeat}; keep it between ${minHeartbeat} and ${maxHeartbeatFrequencyMinutes} minutes so Intune notices a silent Lookout in time.`,
            );
        }
        const check = props.newDeviceCheckIntervalMinutes ?? recommendedCheckInterval;
        const minCheck = connectorLimits.newDeviceCheckIntervalMinutes.min;
        if (typeof check !== "number" || check < minCheck || check > maxNewDeviceCheckIntervalMinutes) {
            report(
                `newDeviceCheckIntervalMinutes is ${check}; keep it between ${minCheck} and ${maxNewDeviceCheckIntervalMinutes} minutes.`,
            );
        }
    }),
};

export const errorReportAddressSet: ResourceValidationPolicy = {
    name: "lookout-error-report-address-set",
    description: "Connector errors must reach someone: an error-report e-mail address is set.",
    enforcementLevel: "mandatory",
    validateResource: onConnector((props, _args, report) => {
        if (typeof props.errorReportEmail !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.errorReportEmail)) {
            report(
                "No error-report e-mail address is set on the Lookout connector; set connector.errorReportEmail to a monitored mailbox.",
            );
        }
    }),
};

export const compliancePolicyChecksThreats: ResourceValidationPolicy = {
    name: "intune-compliance-checks-threat-level",
    description: `Compliance policies for Lookout require a threat level (${requiredSecurityLevels.join(", ")}), never notSet.`,
    enforcementLevel: "mandatory",
    validateResource: on(types.compliancePolicy, (props, _args, report) => {
        if (!(requiredSecurityLevels as readonly string[]).includes(props.requiredSecurityLevel)) {
            report(
                `The compliance policy '${props.displayName}' does not check Lookout's threat level (requiredSecurityLevel is ${props.requiredSecurityLevel ?? "unset"}); use ${requiredSecurityLevels.join(", ")}.`,
            );
        }
    }),
};

export const groupsAreSecurityGroups: ResourceValidationPolicy = {
    name: "entra-groups-security-not-mail",
    description: "Enrollment and console groups are security-enabled and not mail-enabled.",
    enforcementLevel: "mandatory",
    validateResource: on(types.group, (props, _args, report) => {
        if (props.securityEnabled !== true || props.mailEnabled === true) {
            report(
                `Group '${props.displayName}' must be security-enabled and not mail-enabled (securityEnabled: ${props.securityEnabled}, mailEnabled: ${props.mailEnabled}).`,
            );
        }
    }),
};

export const lookoutServicePrincipalKept: ResourceValidationPolicy = {
    name: "lookout-service-principal-kept",
    description: "Lookout's service principal is adopted (useExisting), never owned by a stack that could delete it.",
    enforcementLevel: "mandatory",
    validateResource: on(types.servicePrincipal, (props, args, report) => {
        const isLookout = args.urn.includes("TenantConsent") || /lookout/i.test(args.name);
        if (isLookout && props.useExisting !== true) {
            report(
                `Lookout's service principal would be created and owned by this stack; set useExisting: true (with retainOnDelete) so pulumi destroy never deletes it.`,
            );
        }
    }),
};

export const pilotGroupFirst: ResourceValidationPolicy = {
    name: "lookout-pilot-group-first",
    description: "Advice: enroll a pilot group before broad groups.",
    enforcementLevel: "advisory",
    validateResource: onConnector((props, _args, report) => {
        const groups: string[] = props.enrollmentGroups ?? [];
        if (groups.length > 0 && !/pilot/i.test(groups[0])) {
            report(
                `The first enrollment group is '${groups[0]}'; start with a pilot group (a name containing 'Pilot') before enrolling broad groups.`,
            );
        }
    }),
};

export const defaultCheckInterval: ResourceValidationPolicy = {
    name: "lookout-new-device-check-default",
    description: `Advice: leave the new-device check interval at Lookout's recommended ${recommendedCheckInterval} minutes.`,
    enforcementLevel: "advisory",
    validateResource: onConnector((props, _args, report) => {
        const check = props.newDeviceCheckIntervalMinutes ?? recommendedCheckInterval;
        if (check !== recommendedCheckInterval)
            report(`newDeviceCheckIntervalMinutes is ${check}; Lookout recommends ${recommendedCheckInterval}.`);
    }),
};

/** The app platform whose Lookout for Work a compliance policy's devices need; device administrator devices get no managed Google Play app. */
const appPlatformFor: Record<string, string | undefined> = {
    ios: "ios",
    androidWorkProfile: "androidEnterprise",
    androidDeviceAdministrator: undefined,
};

export const lookoutAppAssigned: StackValidationPolicy = {
    name: "intune-lookout-app-assigned",
    description:
        "Advice: a threat-level compliance policy comes with Lookout for Work assigned to its devices' users (intune.apps); a device without the app never activates in Lookout.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const deployed = new Set(
            args.resources.filter((r) => r.type === types.storeApp).map((r) => r.props.platform as string),
        );
        for (const policy of args.resources.filter((r) => r.type === types.compliancePolicy)) {
            const needed = appPlatformFor[policy.props.platform as string];
            if (needed && !deployed.has(needed)) {
                report(
                    `The compliance policy '${policy.props.displayName}' checks Lookout's threat level, but the stack assigns no Lookout for Work app for ${needed}; set intune.apps.${needed}: true, or devices stay unknown to Lookout.`,
                );
            }
        }
    },
};

export const allPolicies: Policies = [
    stateSyncOn,
    intervalsInRange,
    errorReportAddressSet,
    compliancePolicyChecksThreats,
    groupsAreSecurityGroups,
    lookoutServicePrincipalKept,
    pilotGroupFirst,
    defaultCheckInterval,
    lookoutAppAssigned,
];
