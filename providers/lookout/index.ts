export { IntuneConnector, type IntuneConnectorArgs } from "./intuneConnector";
export { LookoutNotificationPreferences, type NotificationPreferencesArgs } from "./notificationPreferences";
export { ThreatClassifications, type ThreatClassificationsArgs } from "./threatClassifications";
