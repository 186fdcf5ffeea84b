/** Intune's side of the onboarding, through Microsoft Graph: the Mobile Threat Defense connector and the threat-level compliance policies. */
export { IntuneThreatDefense, type IntuneThreatDefenseArgs } from "./threatDefense";
export { MtdConnector, type MtdConnectorArgs, mtdConnectorType } from "./mtdConnector";
export { ThreatCompliancePolicy, type ThreatCompliancePolicyArgs, threatCompliancePolicyType } from "./compliancePolicy";
