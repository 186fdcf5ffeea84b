/**
 * Malformed stack configs, each with the config key its error must name and the whole error line a
 * user reads. The unit tests feed every one to the schema and compare the errors with that line;
 * the engine needs only one of them, since all take the same path to the CLI's output
 * (tests/e2e/refusals.spec.ts).
 */
import { validGraphConfig, validManageConfig, validReferenceConfig } from "./configFixtures";

/** [what is wrong, the config, the key the error must name, the error, exactly] */
export type BadConfig = [string, () => Record<string, unknown>, string, string];

/** A copy of `base()` with one key changed by `change` (undefined removes it). */
export function withChange(base: () => Record<string, unknown>, key: string, change: (value: any) => unknown) {
    const config = base();
    const value = structuredClone(config[key]);
    config[key] = change(value);
    if (config[key] === undefined) delete config[key];
    return config;
}

/** The reference config with one connector setting changed (`undefined` removes it): the error names that setting, then `reason`. */
function connectorSetting(what: string, setting: string, value: unknown, reason: string): BadConfig {
    const withSetting = (connector: Record<string, unknown>) => {
        const { [setting]: _old, ...others } = connector;
        return value === undefined ? others : { ...connector, [setting]: value };
    };
    return [
        what,
        () => withChange(validReferenceConfig, "lookout-mtp:connector", withSetting),
        `lookout-mtp:connector.${setting}`,
        `lookout-mtp:connector.${setting}: ${reason}`,
    ];
}

export const badConfigs: BadConfig[] = [
    connectorSetting(
        "a heartbeat of zero minutes",
        "heartbeatFrequencyMinutes",
        0,
        "Too small: expected number to be >=5",
    ),
    connectorSetting(
        "a heartbeat over a day",
        "heartbeatFrequencyMinutes",
        1441,
        "Too big: expected number to be <=1440",
    ),
    connectorSetting(
        "a fractional heartbeat",
        "heartbeatFrequencyMinutes",
        7.5,
        "Invalid input: expected int, received number",
    ),
    connectorSetting(
        "a heartbeat given as text",
        "heartbeatFrequencyMinutes",
        "60",
        "Invalid input: expected number, received string",
    ),
    connectorSetting("a missing heartbeat", "heartbeatFrequencyMinutes", undefined, "is required"),
    connectorSetting(
        "a new-device check interval of 0",
        "newDeviceCheckIntervalMinutes",
        0,
        "Too small: expected number to be >=1",
    ),
    connectorSetting(
        "a disconnected threshold of 91 days",
        "disconnectedDeviceThresholdDays",
        91,
        "Too big: expected number to be <=90",
    ),
    connectorSetting(
        "a disconnected threshold of 0 days",
        "disconnectedDeviceThresholdDays",
        0,
        "Too small: expected number to be >=1",
    ),
    connectorSetting("an error address without a domain", "errorReportEmail", "security", "must be an e-mail address"),
    connectorSetting("a missing error address", "errorReportEmail", undefined, "is required"),
    [
        "state sync given as a string",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:connector", (c) => ({
                ...c,
                stateSync: { deviceStatus: "yes" },
            })),
        "lookout-mtp:connector.stateSync.deviceStatus",
        "lookout-mtp:connector.stateSync.deviceStatus: Invalid input: expected boolean, received string",
    ],
    [
        "an unknown connector key",
        () => withChange(validReferenceConfig, "lookout-mtp:connector", (c) => ({ ...c, heartbeat: 60 })),
        "lookout-mtp:connector",
        "lookout-mtp:connector: unknown key 'heartbeat'",
    ],
    [
        "no connector at all",
        () => withChange(validReferenceConfig, "lookout-mtp:connector", () => undefined),
        "lookout-mtp:connector",
        "lookout-mtp:connector: is required",
    ],
    [
        "an empty enrollment list",
        () => withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", () => []),
        "lookout-mtp:enrollmentGroups",
        "lookout-mtp:enrollmentGroups: list at least one enrollment group",
    ],
    [
        "an enrollment group with an empty name",
        () => withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", (g) => [{ ...g[0], displayName: "  " }]),
        "lookout-mtp:enrollmentGroups[0].displayName",
        "lookout-mtp:enrollmentGroups[0].displayName: must not be empty",
    ],
    [
        "two enrollment groups differing only in case",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", (g) => [
                g[0],
                { ...g[1], displayName: "lookout pilot" },
            ]),
        "lookout-mtp:enrollmentGroups[1].displayName",
        "lookout-mtp:enrollmentGroups[1].displayName: 'lookout pilot' and 'Lookout Pilot' differ only in letter case; Entra display names are case-insensitive when looked up, so they would name the same group",
    ],
    [
        "an enrollment group object ID that is no GUID",
        () => withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", (g) => [{ ...g[0], objectId: "pilot" }]),
        "lookout-mtp:enrollmentGroups[0].objectId",
        "lookout-mtp:enrollmentGroups[0].objectId: must be a GUID such as 00000000-0000-0000-0000-000000000000",
    ],
    [
        "members on an existing group",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", (g) => [
                { ...g[0], members: ["a@contoso.com"] },
            ]),
        "lookout-mtp:enrollmentGroups[0].members",
        "lookout-mtp:enrollmentGroups[0].members: members are managed only for groups the stack creates (create: true); manage an existing group's members in Entra",
    ],
    [
        "a created group without members",
        () =>
            withChange(validManageConfig, "lookout-mtp:enrollmentGroups", () => [
                { displayName: "Pilot", create: true },
            ]),
        "lookout-mtp:enrollmentGroups[0].members",
        "lookout-mtp:enrollmentGroups[0].members: a created group needs at least one member (user principal names)",
    ],
    [
        "a member that is no user principal name",
        () =>
            withChange(validManageConfig, "lookout-mtp:enrollmentGroups", () => [
                { displayName: "Pilot", create: true, members: ["alex"] },
            ]),
        "lookout-mtp:enrollmentGroups[0].members[0]",
        "lookout-mtp:enrollmentGroups[0].members[0]: must be a user principal name such as alex@contoso.com",
    ],
    [
        "a created group with an object ID",
        () =>
            withChange(validManageConfig, "lookout-mtp:enrollmentGroups", () => [
                {
                    displayName: "Pilot",
                    create: true,
                    members: ["a@contoso.com"],
                    objectId: "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80",
                },
            ]),
        "lookout-mtp:enrollmentGroups[0].objectId",
        "lookout-mtp:enrollmentGroups[0].objectId: a group the stack creates has no objectId yet; drop objectId or create",
    ],
    [
        "a reference-mode group without object ID",
        () => withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", () => [{ displayName: "Sales Mobile" }]),
        "lookout-mtp:enrollmentGroups[0].objectId",
        "lookout-mtp:enrollmentGroups[0].objectId: reference mode makes no Entra lookups; give the group's objectId",
    ],
    [
        "a reference-mode group to create",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:consoleAccess", (c) => ({
                ...c,
                full: { displayName: "Admins", create: true, members: ["a@contoso.com"] },
            })),
        "lookout-mtp:consoleAccess.full.create",
        "lookout-mtp:consoleAccess.full.create: reference mode cannot create groups; give the objectId of an existing group, or use entra.mode 'manage'",
    ],
    [
        "reference mode without a tenant ID",
        () => withChange(validReferenceConfig, "lookout-mtp:entra", () => ({ mode: "reference" })),
        "lookout-mtp:entra.tenantId",
        "lookout-mtp:entra.tenantId: reference mode makes no Entra calls, so it needs the tenant ID here",
    ],
    [
        "a sign-in nobody knows",
        () => ({ ...validReferenceConfig(), "graph:signIn": "deviceCode" }),
        "graph:signIn",
        "graph:signIn: is 'deviceCode'; use auto, user, environment, azureCli, managedIdentity (see the configuration reference)",
    ],
    [
        "a public client that is no client ID",
        () => ({ ...validReferenceConfig(), "graph:clientId": "Microsoft Graph PowerShell" }),
        "graph:clientId",
        "graph:clientId: 'Microsoft Graph PowerShell' is not a client ID (a GUID)",
    ],
    [
        "a group to create in graph mode",
        () =>
            withChange(validGraphConfig, "lookout-mtp:enrollmentGroups", () => [
                { displayName: "Pilot", create: true, members: ["a@contoso.com"] },
            ]),
        "lookout-mtp:enrollmentGroups[0].create",
        "lookout-mtp:enrollmentGroups[0].create: graph mode only reads Entra; create groups with entra.mode 'manage', or refer to an existing group",
    ],
    [
        "an unknown Entra mode",
        () => withChange(validReferenceConfig, "lookout-mtp:entra", (e) => ({ ...e, mode: "offline" })),
        "lookout-mtp:entra.mode",
        'lookout-mtp:entra.mode: Invalid option: expected one of "manage"|"graph"|"reference"',
    ],
    [
        "manage mode without consent",
        () => withChange(validManageConfig, "lookout-mtp:consent", () => undefined),
        "lookout-mtp:consent",
        "lookout-mtp:consent: manage mode grants Lookout's app admin consent and verifies it; set consent.lookoutClientId (Lookout's client ID, from Lookout support)",
    ],
    [
        "a Lookout client ID that is no GUID",
        () => withChange(validManageConfig, "lookout-mtp:consent", () => ({ lookoutClientId: "lookout" })),
        "lookout-mtp:consent.lookoutClientId",
        "lookout-mtp:consent.lookoutClientId: must be a GUID such as 00000000-0000-0000-0000-000000000000",
    ],
    [
        "a malformed Graph permission",
        () =>
            withChange(validManageConfig, "lookout-mtp:consent", (c) => ({
                ...c,
                applicationPermissions: ["read everything"],
            })),
        "lookout-mtp:consent.applicationPermissions[0]",
        "lookout-mtp:consent.applicationPermissions[0]: must be a Graph permission such as User.Read.All",
    ],
    [
        "no full-access group",
        () => withChange(validReferenceConfig, "lookout-mtp:consoleAccess", ({ full: _f, ...c }) => c),
        "lookout-mtp:consoleAccess.full",
        "lookout-mtp:consoleAccess.full: is required",
    ],
    [
        "the same group for full and restricted access",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:consoleAccess", (c) => ({
                ...c,
                restricted: { ...c.restricted, displayName: "LOOKOUT MTP ADMINS" },
            })),
        "lookout-mtp:consoleAccess.restricted.displayName",
        "lookout-mtp:consoleAccess.restricted.displayName: the restricted-access group must differ from the full-access group",
    ],
    [
        "an unknown threat classification",
        () => withChange(validReferenceConfig, "lookout-mtp:threatClassifications", () => ({ SIDELOADED: "high" })),
        "lookout-mtp:threatClassifications.SIDELOADED",
        "lookout-mtp:threatClassifications.SIDELOADED: unknown classification; known: ADWARE, APP_DROPPER, BACKDOOR, BOT, CHARGEWARE, CLICK_FRAUD, DENYLISTED_APP, EXPLOIT, RISKWARE, ROOT_ENABLER, SIDELOADED_APP, SPY, SURVEILLANCE, TROJAN, VULNERABILITY, ROOTED_JAILBROKEN, DEVICE_ENCRYPTION_DISABLED, NO_DEVICE_LOCK, USB_DEBUGGING_ENABLED, UNKNOWN_SOURCES_ENABLED, OUT_OF_DATE_OS, OS_VULNERABILITY, MAN_IN_THE_MIDDLE, ROGUE_WIFI, VPN_NOT_ENABLED",
    ],
    [
        "a classification in the wrong case",
        () => withChange(validReferenceConfig, "lookout-mtp:threatClassifications", () => ({ sideloaded_app: "high" })),
        "lookout-mtp:threatClassifications.sideloaded_app",
        "lookout-mtp:threatClassifications.sideloaded_app: unknown classification (did you mean 'SIDELOADED_APP'?)",
    ],
    [
        "an unknown risk level",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:threatClassifications", () => ({
                SIDELOADED_APP: "critical",
            })),
        "lookout-mtp:threatClassifications.SIDELOADED_APP",
        "lookout-mtp:threatClassifications.SIDELOADED_APP: must be one of none, low, medium, high",
    ],
    [
        "a notification for a malformed address",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:notifications", () => [
                { email: "secops", emailNotifications: true },
            ]),
        "lookout-mtp:notifications[0].email",
        "lookout-mtp:notifications[0].email: must be an e-mail address",
    ],
    [
        "a user listed twice for notifications",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:notifications", (n) => [
                ...n,
                { email: "SecOps@contoso.example", emailNotifications: false },
            ]),
        "lookout-mtp:notifications[1].email",
        "lookout-mtp:notifications[1].email: 'SecOps@contoso.example' is listed twice (e-mail addresses are case-insensitive)",
    ],
    [
        "notifications given as yes/no text",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:notifications", () => [
                { email: "a@contoso.example", emailNotifications: "yes" },
            ]),
        "lookout-mtp:notifications[0].emailNotifications",
        "lookout-mtp:notifications[0].emailNotifications: Invalid input: expected boolean, received string",
    ],
    [
        "an unknown project key",
        () => ({ ...validReferenceConfig(), "lookout-mtp:enrolmentGroups": [] }),
        "lookout-mtp:enrolmentGroups",
        "lookout-mtp:enrolmentGroups: unknown key; the project reads lookout-mtp:entra, lookout-mtp:consoleAccess, lookout-mtp:enrollmentGroups, lookout-mtp:consent, lookout-mtp:connector, lookout-mtp:notifications, lookout-mtp:threatClassifications, lookout-mtp:intune, lookout-mtp:rollout, lookout-mtp:appProtection, lookout-mtp:conditionalAccess",
    ],
    [
        "an unknown Lookout key",
        () => ({ ...validReferenceConfig(), "lookout:apiKey": "x" }),
        "lookout:apiKey",
        "lookout:apiKey: unknown key; the Lookout provider reads lookout:baseUrl, lookout:applicationKey and lookout:settingsMode",
    ],
    [
        "two compliance policies for one platform",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
                ...i,
                compliancePolicies: [...i.compliancePolicies, { platform: "ios", requiredSecurityLevel: "high" }],
            })),
        "lookout-mtp:intune.compliancePolicies[2].platform",
        "lookout-mtp:intune.compliancePolicies[2].platform: 'ios' has a policy already; one per platform",
    ],
    [
        "a compliance level of notSet",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
                ...i,
                compliancePolicies: [{ platform: "ios", requiredSecurityLevel: "notSet" }],
            })),
        "lookout-mtp:intune.compliancePolicies[0].requiredSecurityLevel",
        "lookout-mtp:intune.compliancePolicies[0].requiredSecurityLevel: must be secured, low, medium, high (the highest threat level a compliant device may have)",
    ],
    [
        "an unknown compliance platform",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
                ...i,
                compliancePolicies: [{ platform: "windows", requiredSecurityLevel: "low" }],
            })),
        "lookout-mtp:intune.compliancePolicies[0].platform",
        "lookout-mtp:intune.compliancePolicies[0].platform: must be androidDeviceAdministrator, androidWorkProfile, ios (Graph v1.0 has no compliance policy type for Android Enterprise fully managed devices)",
    ],
    [
        "an unresponsiveness threshold of 0 days",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
                ...i,
                mtdConnector: { partnerUnresponsivenessThresholdInDays: 0 },
            })),
        "lookout-mtp:intune.mtdConnector.partnerUnresponsivenessThresholdInDays",
        "lookout-mtp:intune.mtdConnector.partnerUnresponsivenessThresholdInDays: Too small: expected number to be >=1",
    ],
    [
        "a Graph secret in config",
        () => ({ ...validReferenceConfig(), "graph:clientSecret": "s3cret" }),
        "graph:clientSecret",
        "graph:clientSecret: unknown key; the Intune providers read graph:baseUrl, graph:authorityHost, graph:signIn, graph:clientId (credentials come from the environment or the user's sign-in, never config)",
    ],
    [
        "plain http to a remote Graph",
        () => ({ ...validReferenceConfig(), "graph:baseUrl": "http://graph.example.com/v1.0" }),
        "graph:baseUrl",
        "graph:baseUrl 'http://graph.example.com/v1.0' uses plain http to a non-loopback host; credentials would travel unencrypted. Use https (http is accepted only for 127.0.0.1, ::1 and localhost).",
    ],
    [
        "Graph's beta endpoint as graph:baseUrl",
        () => ({ ...validReferenceConfig(), "graph:baseUrl": "https://graph.microsoft.com/beta" }),
        "graph:baseUrl",
        "graph:baseUrl 'https://graph.microsoft.com/beta' names Graph's beta endpoint; this project speaks Graph v1.0: use e.g. https://graph.microsoft.com/v1.0 (the path must end in /v1.0)",
    ],
    [
        "a Graph base URL that is no version root",
        () => ({ ...validReferenceConfig(), "graph:baseUrl": "https://graph.microsoft.com" }),
        "graph:baseUrl",
        "graph:baseUrl 'https://graph.microsoft.com' is not a Graph v1.0 root; this project speaks Graph v1.0: use e.g. https://graph.microsoft.com/v1.0 (the path must end in /v1.0)",
    ],
    [
        "plain http to a remote host",
        () => ({ ...validReferenceConfig(), "lookout:baseUrl": "http://lookout.example.com" }),
        "lookout:baseUrl",
        "lookout:baseUrl 'http://lookout.example.com' uses plain http to a non-loopback host; credentials would travel unencrypted. Use https (http is accepted only for 127.0.0.1, ::1 and localhost).",
    ],
    [
        "a base URL that is no URL",
        () => ({ ...validReferenceConfig(), "lookout:baseUrl": "api.lookout.com" }),
        "lookout:baseUrl",
        "lookout:baseUrl 'api.lookout.com' is not a valid URL; use e.g. https://api.lookout.com",
    ],
    [
        "a rollout ring naming a group that is not an enrollment group",
        () =>
            withRollout([
                { name: "pilot", groups: ["Lookout Pilot", "Sales mobile"] },
                { name: "sales", groups: ["Sales Mobile"] },
            ]),
        "lookout-mtp:rollout.rings[0].groups[1]",
        "lookout-mtp:rollout.rings[0].groups[1]: 'Sales mobile' is not an enrollment group; name one of enrollmentGroups exactly (case-sensitive)",
    ],
    [
        "an enrollment group in no rollout ring",
        () => ({
            ...withRollout([
                { name: "pilot", groups: ["Lookout Pilot"] },
                { name: "sales", groups: ["Sales Mobile"] },
            ]),
            "lookout-mtp:enrollmentGroups": [
                ...(validReferenceConfig()["lookout-mtp:enrollmentGroups"] as object[]),
                { displayName: "Field Mobile", objectId: "5fad6071-2c3e-4f90-9b4c-5d6e7f8091a2" },
            ],
        }),
        "lookout-mtp:enrollmentGroups[2].displayName",
        "lookout-mtp:enrollmentGroups[2].displayName: 'Field Mobile' is in no rollout ring; add it to one of rollout.rings",
    ],
    [
        "two rollout rings of one name",
        () =>
            withRollout([
                { name: "pilot", groups: ["Lookout Pilot"] },
                { name: "pilot", groups: ["Sales Mobile"] },
            ]),
        "lookout-mtp:rollout.rings[1].name",
        "lookout-mtp:rollout.rings[1].name: 'pilot' names two rings",
    ],
    [
        "a rollout gate share above 100%",
        () =>
            withRollout([
                { name: "pilot", groups: ["Lookout Pilot"], gate: { minActivatedShare: 80 } },
                { name: "sales", groups: ["Sales Mobile"] },
            ]),
        "lookout-mtp:rollout.rings[0].gate.minActivatedShare",
        "lookout-mtp:rollout.rings[0].gate.minActivatedShare: Too big: expected number to be <=1",
    ],
    [
        "a rollout release naming no ring",
        () =>
            withRollout(
                [
                    { name: "pilot", groups: ["Lookout Pilot"] },
                    { name: "sales", groups: ["Sales Mobile"] },
                ],
                {
                    ring: "everyone",
                    reason: "go",
                },
            ),
        "lookout-mtp:rollout.release.ring",
        "lookout-mtp:rollout.release.ring: 'everyone' names no ring; use one of pilot, sales",
    ],
    [
        "warn as the app protection action",
        () => withAppProtection({ mobileThreatDefenseRemediationAction: "warn" }),
        "lookout-mtp:appProtection.policies[0].mobileThreatDefenseRemediationAction",
        'lookout-mtp:appProtection.policies[0].mobileThreatDefenseRemediationAction: warn is not supported for Mobile Threat Defense (Learn: "Warn isn\'t a supported value for this property"); use block or wipe',
    ],
    [
        "app protection on a platform whose app protection evaluation is off",
        () => withAppProtection({ platform: "android" }),
        "lookout-mtp:appProtection.policies[0].platform",
        "lookout-mtp:appProtection.policies[0].platform: Intune evaluates an app protection policy's threat level only when Lookout's connector has app protection policy evaluation on for Android, and intune.mtdConnector.androidMobileApplicationManagementEnabled is not true; set lookout-mtp:intune.mtdConnector.androidMobileApplicationManagementEnabled: true, or leave this policy out",
    ],
    [
        "an app protection policy named both by name and by id",
        () => withAppProtection({ id: "T_1" }),
        "lookout-mtp:appProtection.policies[0]",
        "lookout-mtp:appProtection.policies[0]: name the policy by displayName or by id (one of them)",
    ],
    [
        "Conditional Access without an emergency-access exclusion group",
        () => ({ ...validGraphConfig(), "lookout-mtp:conditionalAccess": { state: "reportOnly" } }),
        "lookout-mtp:conditionalAccess.exclusionGroups",
        "lookout-mtp:conditionalAccess.exclusionGroups: name at least one emergency-access group to exclude (Microsoft: always exclude emergency-access accounts from Conditional Access), so a mistake cannot lock every admin out",
    ],
    [
        "a Conditional Access exclusion group that is also an enrollment group",
        () => ({
            ...validGraphConfig(),
            "lookout-mtp:conditionalAccess": { exclusionGroups: [{ displayName: "Lookout Pilot" }] },
        }),
        "lookout-mtp:conditionalAccess.exclusionGroups[0].displayName",
        "lookout-mtp:conditionalAccess.exclusionGroups[0].displayName: 'Lookout Pilot' is also an enrollment group; an exclusion wins in Conditional Access, so its users would never be required a compliant device",
    ],
];

/** The reference config with iOS app protection evaluation on and one iOS policy named, changed by `change`. */
function withAppProtection(change: Record<string, unknown>): Record<string, unknown> {
    const config = withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
        ...i,
        mtdConnector: { ...i.mtdConnector, iosMobileApplicationManagementEnabled: true },
    }));
    const policy = {
        platform: "ios",
        displayName: "Contoso iOS - BYOD",
        maximumAllowedDeviceThreatLevel: "low",
        mobileThreatDefenseRemediationAction: "block",
        ...change,
    };
    return { ...config, "lookout-mtp:appProtection": { policies: [policy] } };
}

function withRollout(rings: unknown[], release?: unknown): Record<string, unknown> {
    return { ...validReferenceConfig(), "lookout-mtp:rollout": { rings, ...(release ? { release } : {}) } };
}
