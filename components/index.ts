export { ConsoleAccessGroups, type ConsoleAccessGroupsArgs } from "./consoleAccess";
export { EnrollmentGroups, type EnrollmentGroupsArgs } from "./enrollmentGroups";
export { IntuneThreatDefense, type IntuneThreatDefenseArgs } from "./intuneThreatDefense";
export { LookoutOnboarding, type LookoutOnboardingArgs } from "./lookoutOnboarding";
export { TenantConsent, type TenantConsentArgs } from "./tenantConsent";
