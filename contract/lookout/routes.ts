/**
 * The Lookout console-settings routes of this project's contract (contract/lookout/openapi.yaml),
 * written once for the client and the emulator.
 */
export const lookoutPaths = {
    token: "/oauth2/token",
    intuneConnector: "/console/v1/connectors/intune",
    notificationPreferences: (email: string) =>
        `/console/v1/users/${encodeURIComponent(email)}/notification-preferences`,
    threatClassifications: "/console/v1/threat-classifications",
} as const;
