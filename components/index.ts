export { ConsoleAccessGroups, type ConsoleAccessGroupsArgs } from "./consoleAccess";
export { EnrollmentGroups, type EnrollmentGroupsArgs } from "./enrollmentGroups";
export { LookoutOnboarding, type LookoutOnboardingArgs } from "./lookoutOnboarding";
export { TenantConsent, type TenantConsentArgs } from "./tenantConsent";
