/** Lookout's console settings as Pulumi resources: the Intune connector, notification preferences, threat classification levels. */
export { IntuneConnector, type IntuneConnectorArgs, intuneConnectorType } from "./intuneConnector";
export {
    NotificationPreferences,
    type NotificationPreferencesArgs,
    notificationPreferencesType,
} from "./notificationPreferences";
export {
    ThreatClassifications,
    type ThreatClassificationsArgs,
    threatClassificationsType,
} from "./threatClassifications";
