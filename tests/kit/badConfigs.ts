/**
 * Malformed stack configs, each with the config key its error must name. The unit tests feed them
 * to the schema; the fault suite runs each through `pulumi up` on the real engine.
 */
import { validGraphConfig, validManageConfig, validReferenceConfig } from "./configFixtures";

/** [what is wrong, the config, the key the error must name] */
export type BadConfig = [string, () => Record<string, unknown>, string];

/** A copy of `base()` with one key changed by `change` (undefined removes it). */
export function withChange(base: () => Record<string, unknown>, key: string, change: (value: any) => unknown) {
    const config = base();
    const value = structuredClone(config[key]);
    config[key] = change(value);
    if (config[key] === undefined) delete config[key];
    return config;
}

/** The reference config with one connector setting changed (`undefined` removes it): the error must name that setting. */
function connectorSetting(what: string, setting: string, value: unknown): BadConfig {
    const withSetting = (connector: Record<string, unknown>) => {
        const { [setting]: _old, ...others } = connector;
        return value === undefined ? others : { ...connector, [setting]: value };
    };
    return [
        what,
        () => withChange(validReferenceConfig, "lookout-mtp:connector", withSetting),
        `lookout-mtp:connector.${setting}`,
    ];
}

export const badConfigs: BadConfig[] = [
    connectorSetting("a heartbeat of zero minutes", "heartbeatFrequencyMinutes", 0),
    connectorSetting("a heartbeat over a day", "heartbeatFrequencyMinutes", 1441),
    connectorSetting("a fractional heartbeat", "heartbeatFrequencyMinutes", 7.5),
    connectorSetting("a heartbeat given as text", "heartbeatFrequencyMinutes", "60"),
    connectorSetting("a missing heartbeat", "heartbeatFrequencyMinutes", undefined),
    connectorSetting("a new-device check interval of 0", "newDeviceCheckIntervalMinutes", 0),
    connectorSetting("a disconnected threshold of 91 days", "disconnectedDeviceThresholdDays", 91),
    connectorSetting("a disconnected threshold of 0 days", "disconnectedDeviceThresholdDays", 0),
    connectorSetting("an error address without a domain", "errorReportEmail", "security"),
    connectorSetting("a missing error address", "errorReportEmail", undefined),
    [
        "state sync given as a string",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:connector", (c) => ({
                ...c,
                stateSync: { deviceStatus: "yes" },
            })),
        "lookout-mtp:connector.stateSync.deviceStatus",
    ],
    [
        "an unknown connector key",
        () => withChange(validReferenceConfig, "lookout-mtp:connector", (c) => ({ ...c, heartbeat: 60 })),
        "lookout-mtp:connector",
    ],
    [
        "no connector at all",
        () => withChange(validReferenceConfig, "lookout-mtp:connector", () => undefined),
        "lookout-mtp:connector",
    ],
    [
        "an empty enrollment list",
        () => withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", () => []),
        "lookout-mtp:enrollmentGroups",
    ],
    [
        "an enrollment group with an empty name",
        () => withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", (g) => [{ ...g[0], displayName: "  " }]),
        "lookout-mtp:enrollmentGroups[0].displayName",
    ],
    [
        "two enrollment groups differing only in case",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", (g) => [
                g[0],
                { ...g[1], displayName: "lookout pilot" },
            ]),
        "lookout-mtp:enrollmentGroups[1].displayName",
    ],
    [
        "an enrollment group object ID that is no GUID",
        () => withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", (g) => [{ ...g[0], objectId: "pilot" }]),
        "lookout-mtp:enrollmentGroups[0].objectId",
    ],
    [
        "members on an existing group",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", (g) => [
                { ...g[0], members: ["a@contoso.com"] },
            ]),
        "lookout-mtp:enrollmentGroups[0].members",
    ],
    [
        "a created group without members",
        () =>
            withChange(validManageConfig, "lookout-mtp:enrollmentGroups", () => [
                { displayName: "Pilot", create: true },
            ]),
        "lookout-mtp:enrollmentGroups[0].members",
    ],
    [
        "a member that is no user principal name",
        () =>
            withChange(validManageConfig, "lookout-mtp:enrollmentGroups", () => [
                { displayName: "Pilot", create: true, members: ["alex"] },
            ]),
        "lookout-mtp:enrollmentGroups[0].members[0]",
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
    ],
    [
        "a reference-mode group without object ID",
        () => withChange(validReferenceConfig, "lookout-mtp:enrollmentGroups", () => [{ displayName: "Sales Mobile" }]),
        "lookout-mtp:enrollmentGroups[0].objectId",
    ],
    [
        "a reference-mode group to create",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:consoleAccess", (c) => ({
                ...c,
                full: { displayName: "Admins", create: true, members: ["a@contoso.com"] },
            })),
        "lookout-mtp:consoleAccess.full.create",
    ],
    [
        "reference mode without a tenant ID",
        () => withChange(validReferenceConfig, "lookout-mtp:entra", () => ({ mode: "reference" })),
        "lookout-mtp:entra.tenantId",
    ],
    [
        "a typed tenant ID in manage mode",
        () =>
            withChange(validManageConfig, "lookout-mtp:entra", () => ({
                mode: "manage",
                tenantId: "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10",
            })),
        "lookout-mtp:entra.tenantId",
    ],
    [
        "a typed tenant ID in graph mode",
        () =>
            withChange(validGraphConfig, "lookout-mtp:entra", () => ({
                mode: "graph",
                tenantId: "7d3c0e52-4a1b-4f0e-9c43-2f1e6b5a8d10",
            })),
        "lookout-mtp:entra.tenantId",
    ],
    [
        "a group to create in graph mode",
        () =>
            withChange(validGraphConfig, "lookout-mtp:enrollmentGroups", () => [
                { displayName: "Pilot", create: true, members: ["a@contoso.com"] },
            ]),
        "lookout-mtp:enrollmentGroups[0].create",
    ],
    [
        "an unknown Entra mode",
        () => withChange(validReferenceConfig, "lookout-mtp:entra", (e) => ({ ...e, mode: "offline" })),
        "lookout-mtp:entra.mode",
    ],
    [
        "manage mode without consent",
        () => withChange(validManageConfig, "lookout-mtp:consent", () => undefined),
        "lookout-mtp:consent",
    ],
    [
        "a Lookout client ID that is no GUID",
        () => withChange(validManageConfig, "lookout-mtp:consent", () => ({ lookoutClientId: "lookout" })),
        "lookout-mtp:consent.lookoutClientId",
    ],
    [
        "a malformed Graph permission",
        () =>
            withChange(validManageConfig, "lookout-mtp:consent", (c) => ({
                ...c,
                applicationPermissions: ["read everything"],
            })),
        "lookout-mtp:consent.applicationPermissions[0]",
    ],
    [
        "no full-access group",
        () => withChange(validReferenceConfig, "lookout-mtp:consoleAccess", ({ full: _f, ...c }) => c),
        "lookout-mtp:consoleAccess.full",
    ],
    [
        "the same group for full and restricted access",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:consoleAccess", (c) => ({
                ...c,
                restricted: { ...c.restricted, displayName: "LOOKOUT MTP ADMINS" },
            })),
        "lookout-mtp:consoleAccess.restricted.displayName",
    ],
    [
        "an unknown threat classification",
        () => withChange(validReferenceConfig, "lookout-mtp:threatClassifications", () => ({ SIDELOADED: "high" })),
        "lookout-mtp:threatClassifications.SIDELOADED",
    ],
    [
        "a classification in the wrong case",
        () => withChange(validReferenceConfig, "lookout-mtp:threatClassifications", () => ({ sideloaded_app: "high" })),
        "lookout-mtp:threatClassifications.sideloaded_app",
    ],
    [
        "an unknown risk level",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:threatClassifications", () => ({
                SIDELOADED_APP: "critical",
            })),
        "lookout-mtp:threatClassifications.SIDELOADED_APP",
    ],
    [
        "a notification for a malformed address",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:notifications", () => [
                { email: "secops", emailNotifications: true },
            ]),
        "lookout-mtp:notifications[0].email",
    ],
    [
        "a user listed twice for notifications",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:notifications", (n) => [
                ...n,
                { email: "SecOps@contoso.example", emailNotifications: false },
            ]),
        "lookout-mtp:notifications[1].email",
    ],
    [
        "notifications given as yes/no text",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:notifications", () => [
                { email: "a@contoso.example", emailNotifications: "yes" },
            ]),
        "lookout-mtp:notifications[0].emailNotifications",
    ],
    [
        "an unknown project key",
        () => ({ ...validReferenceConfig(), "lookout-mtp:enrolmentGroups": [] }),
        "lookout-mtp:enrolmentGroups",
    ],
    ["an unknown Lookout key", () => ({ ...validReferenceConfig(), "lookout:apiKey": "x" }), "lookout:apiKey"],
    [
        "two compliance policies for one platform",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
                ...i,
                compliancePolicies: [...i.compliancePolicies, { platform: "ios", requiredSecurityLevel: "high" }],
            })),
        "lookout-mtp:intune.compliancePolicies[2].platform",
    ],
    [
        "a compliance level of notSet",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
                ...i,
                compliancePolicies: [{ platform: "ios", requiredSecurityLevel: "notSet" }],
            })),
        "lookout-mtp:intune.compliancePolicies[0].requiredSecurityLevel",
    ],
    [
        "an unknown compliance platform",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
                ...i,
                compliancePolicies: [{ platform: "windows", requiredSecurityLevel: "low" }],
            })),
        "lookout-mtp:intune.compliancePolicies[0].platform",
    ],
    [
        "an unresponsiveness threshold of 0 days",
        () =>
            withChange(validReferenceConfig, "lookout-mtp:intune", (i) => ({
                ...i,
                mtdConnector: { partnerUnresponsivenessThresholdInDays: 0 },
            })),
        "lookout-mtp:intune.mtdConnector.partnerUnresponsivenessThresholdInDays",
    ],
    [
        "a Graph secret in config",
        () => ({ ...validReferenceConfig(), "graph:clientSecret": "s3cret" }),
        "graph:clientSecret",
    ],
    [
        "plain http to a remote Graph",
        () => ({ ...validReferenceConfig(), "graph:baseUrl": "http://graph.example.com/v1.0" }),
        "graph:baseUrl",
    ],
    [
        "Graph's beta endpoint as graph:baseUrl",
        () => ({ ...validReferenceConfig(), "graph:baseUrl": "https://graph.microsoft.com/beta" }),
        "graph:baseUrl",
    ],
    [
        "a Graph base URL that is no version root",
        () => ({ ...validReferenceConfig(), "graph:baseUrl": "https://graph.microsoft.com" }),
        "graph:baseUrl",
    ],
    [
        "plain http to a remote host",
        () => ({ ...validReferenceConfig(), "lookout:baseUrl": "http://lookout.example.com" }),
        "lookout:baseUrl",
    ],
    [
        "a base URL that is no URL",
        () => ({ ...validReferenceConfig(), "lookout:baseUrl": "api.lookout.com" }),
        "lookout:baseUrl",
    ],
];
