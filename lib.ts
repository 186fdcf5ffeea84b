/**
 * The package other Pulumi TypeScript programs install: the onboarding components, the Lookout and
 * Intune resources, and the config schema. `npm run package` builds it into dist/.
 */
export { ConsoleAccessGroups, type ConsoleAccessGroupsArgs } from "./components/consoleAccess";
export { EnrollmentGroups, type EnrollmentGroupsArgs } from "./components/enrollmentGroups";
export { IntuneThreatDefense, type IntuneThreatDefenseArgs } from "./components/intuneThreatDefense";
export { LookoutOnboarding, type LookoutOnboardingArgs } from "./components/lookoutOnboarding";
export { TenantConsent, type TenantConsentArgs } from "./components/tenantConsent";
export { parseStackConfig, type StackConfig, stackConfigSchema } from "./config/stackConfig";
export { onboardingStack } from "./stack";
export { ThreatCompliancePolicy, type ThreatCompliancePolicyArgs } from "./providers/intune/compliancePolicy";
export { IntuneMtdConnector, type IntuneMtdConnectorArgs } from "./providers/intune/mtdConnector";
export { IntuneConnector, type IntuneConnectorArgs } from "./providers/lookout/intuneConnector";
export { LookoutNotificationPreferences, type NotificationPreferencesArgs } from "./providers/lookout/notificationPreferences";
export { ThreatClassifications, type ThreatClassificationsArgs } from "./providers/lookout/threatClassifications";
