/**
 * Intune's side of the onboarding, through Microsoft Graph: the component that declares Lookout for
 * Work, the Mobile Threat Defense connector and the threat-level compliance policies, and those
 * resources on their own.
 */
export { IntuneThreatDefense, type IntuneThreatDefenseArgs } from "./threatDefense";
export * from "../../providers/intune";
