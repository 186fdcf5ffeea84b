import assert from "node:assert/strict";
import type { ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs } from "@pulumi/policy";
import {
    compliancePolicyChecksThreats,
    defaultCheckInterval,
    errorReportAddressSet,
    groupsAreSecurityGroups,
    intervalsInRange,
    lookoutAppAssigned,
    lookoutServicePrincipalKept,
    pilotGroupFirst,
    stateSyncOn,
    types,
} from "../../packages/policy/rules";
import { connectorChecklist } from "../../providers/lookout/consoleChecklist";

const connector = {
    heartbeatFrequencyMinutes: 60,
    enrollmentGroups: ["Lookout Pilot", "Sales Mobile"],
    newDeviceCheckIntervalMinutes: 5,
    stateSync: { deviceStatus: true, threatStatus: true },
    errorReportEmail: "mobile-security@contoso.com",
};

/** Runs one rule on one resource, as the analyzer would, and returns the violations it reports. */
function violations(
    policy: ResourceValidationPolicy,
    type: string,
    props: Record<string, unknown>,
    name = "lookout",
    urn = `urn:pulumi:prod::lookout-mtp::x$${type}::${name}`,
) {
    const reported: string[] = [];
    const config = { maxHeartbeatFrequencyMinutes: 240, maxNewDeviceCheckIntervalMinutes: 15 };
    const args = {
        type,
        props,
        urn,
        name,
        opts: {},
        getConfig: () => config,
        isType: () => false,
        asType: () => undefined,
        stackTags: new Map(),
        notApplicable: () => undefined,
    } as unknown as ResourceValidationArgs;
    const validate = policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
    validate(args, (message) => reported.push(message));
    return reported;
}

describe("policy pack rules", () => {
    it("hold for the connector's console steps in checklist mode too", () => {
        const steps = (c: typeof connector) => ({
            ...connectorChecklist({ ...c, disconnectedDeviceThresholdDays: null }),
            steps: [],
        });
        for (const rule of [
            stateSyncOn,
            intervalsInRange,
            errorReportAddressSet,
            pilotGroupFirst,
            defaultCheckInterval,
        ]) {
            assert.deepEqual(violations(rule, types.consoleChecklist, steps(connector)), [], rule.name);
        }
        assert.match(
            violations(
                stateSyncOn,
                types.consoleChecklist,
                steps({ ...connector, stateSync: { deviceStatus: true, threatStatus: false } }),
            )[0],
            /State sync of threatStatus is off/,
        );
        assert.match(
            violations(
                intervalsInRange,
                types.consoleChecklist,
                steps({ ...connector, heartbeatFrequencyMinutes: 600 }),
            )[0],
            /heartbeatFrequencyMinutes is 600/,
        );
        // Another page's steps are not the connector's.
        assert.deepEqual(
            violations(stateSyncOn, types.consoleChecklist, {
                page: "System > Preferences (signed in as a@b.c)",
                settings: { "Email notifications": true },
            }),
            [],
        );
    });

    it("accepts the recommended connector", () => {
        for (const rule of [
            stateSyncOn,
            intervalsInRange,
            errorReportAddressSet,
            pilotGroupFirst,
            defaultCheckInterval,
        ]) {
            assert.deepEqual(violations(rule, types.lookoutConnector, connector), [], rule.name);
        }
    });

    it("refuses state sync turned off", () => {
        assert.match(
            violations(stateSyncOn, types.lookoutConnector, {
                ...connector,
                stateSync: { deviceStatus: true, threatStatus: false },
            })[0],
            /threatStatus is off|threat status is off/i,
        );
    });

    it("refuses a heartbeat or check interval outside the accepted range", () => {
        assert.match(
            violations(intervalsInRange, types.lookoutConnector, { ...connector, heartbeatFrequencyMinutes: 600 })[0],
            /heartbeatFrequencyMinutes is 600; keep it between 5 and 240/,
        );
        assert.match(
            violations(intervalsInRange, types.lookoutConnector, {
                ...connector,
                newDeviceCheckIntervalMinutes: 30,
            })[0],
            /newDeviceCheckIntervalMinutes is 30/,
        );
    });

    it("refuses a connector without an error-report address", () => {
        assert.equal(
            violations(errorReportAddressSet, types.lookoutConnector, { ...connector, errorReportEmail: "" }).length,
            1,
        );
    });

    it("refuses a compliance policy that does not check the threat level", () => {
        assert.match(
            violations(compliancePolicyChecksThreats, types.compliancePolicy, {
                displayName: "P",
                requiredSecurityLevel: "notSet",
            })[0],
            /does not check Lookout's threat level/,
        );
        assert.deepEqual(
            violations(compliancePolicyChecksThreats, types.compliancePolicy, {
                displayName: "P",
                requiredSecurityLevel: "medium",
            }),
            [],
        );
    });

    it("refuses mail-enabled or non-security Entra groups", () => {
        assert.equal(
            violations(groupsAreSecurityGroups, types.group, {
                displayName: "G",
                securityEnabled: true,
                mailEnabled: true,
            }).length,
            1,
        );
        assert.equal(
            violations(groupsAreSecurityGroups, types.group, {
                displayName: "G",
                securityEnabled: false,
                mailEnabled: false,
            }).length,
            1,
        );
        assert.deepEqual(
            violations(groupsAreSecurityGroups, types.group, {
                displayName: "G",
                securityEnabled: true,
                mailEnabled: false,
            }),
            [],
        );
    });

    it("refuses a Lookout service principal the stack would own", () => {
        const urn =
            "urn:pulumi:prod::lookout-mtp::lookout-mtp:index:LookoutOnboarding$lookout-mtp:index:TenantConsent$azuread:index/servicePrincipal:ServicePrincipal::lookout-consent-lookout";
        assert.match(
            violations(
                lookoutServicePrincipalKept,
                types.servicePrincipal,
                { clientId: "x" },
                "lookout-consent-lookout",
                urn,
            )[0],
            /set useExisting: true/,
        );
        assert.deepEqual(
            violations(
                lookoutServicePrincipalKept,
                types.servicePrincipal,
                { clientId: "x", useExisting: true },
                "lookout-consent-lookout",
                urn,
            ),
            [],
        );
    });

    it("advises a pilot group first and the default check interval", () => {
        assert.equal(pilotGroupFirst.enforcementLevel, "advisory");
        assert.match(
            violations(pilotGroupFirst, types.lookoutConnector, {
                ...connector,
                enrollmentGroups: ["All Staff", "Lookout Pilot"],
            })[0],
            /start with a pilot group/,
        );
        assert.match(
            violations(defaultCheckInterval, types.lookoutConnector, {
                ...connector,
                newDeviceCheckIntervalMinutes: 10,
            })[0],
            /Lookout recommends 5/,
        );
    });

    it("advises Lookout for Work for the platforms whose compliance policies check threats", () => {
        const stack = (resources: Array<{ type: string; props: Record<string, unknown> }>) => {
            const reported: string[] = [];
            const validate = lookoutAppAssigned.validateStack as (
                a: StackValidationArgs,
                r: (m: string) => void,
            ) => void;
            validate({ resources, getConfig: () => ({}) } as unknown as StackValidationArgs, (m) => reported.push(m));
            return reported;
        };
        const policy = (platform: string) => ({
            type: types.compliancePolicy,
            props: { platform, displayName: `Lookout MTP - ${platform}` },
        });
        const app = (platform: string) => ({ type: types.storeApp, props: { platform } });
        assert.equal(lookoutAppAssigned.enforcementLevel, "advisory");
        const missing = stack([policy("ios"), policy("androidWorkProfile")]);
        assert.equal(missing.length, 2);
        assert.match(missing[0], /no Lookout for Work app for ios; set intune\.apps\.ios: true/);
        assert.match(missing[1], /intune\.apps\.androidEnterprise: true/);
        assert.deepEqual(
            stack([policy("ios"), policy("androidWorkProfile"), app("ios"), app("androidEnterprise")]),
            [],
        );
        assert.deepEqual(stack([app("ios")]), [], "no policy, nothing to advise");
    });
});
