/** Entra ID: the console access and enrollment groups (created, or found and checked), and admin consent for Lookout's app. */
export { ConsoleAccessGroups, type ConsoleAccessGroupsArgs } from "./consoleAccess";
export { checkExistingGroups } from "./directory";
export { EnrollmentGroups, type EnrollmentGroupsArgs } from "./enrollmentGroups";
export { TenantConsent, type TenantConsentArgs } from "./tenantConsent";
export { adminConsentUrl, type ConsentStatus, verifyLookoutConsent } from "./consentCheck";
