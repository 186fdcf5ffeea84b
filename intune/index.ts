/** Intune's side of the onboarding, through Microsoft Graph: Lookout for Work, the Mobile Threat Defense connector and the threat-level compliance policies. */
export { IntuneThreatDefense, type IntuneThreatDefenseArgs } from "./threatDefense";
export { MtdConnector, type MtdConnectorArgs, mtdConnectorType } from "./mtdConnector";
export { ThreatCompliancePolicy, type ThreatCompliancePolicyArgs, threatCompliancePolicyType } from "./compliancePolicy";
export { StoreApp, type StoreAppArgs, storeAppType } from "./storeApp";
