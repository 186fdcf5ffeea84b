/** Intune's resources, reconciled through Microsoft Graph: the Mobile Threat Defense connector, threat-level compliance policies, store apps. */
export { MtdConnector, type MtdConnectorArgs, mtdConnectorType } from "./mtdConnector";
export {
    ThreatCompliancePolicy,
    type ThreatCompliancePolicyArgs,
    threatCompliancePolicyType,
} from "./compliancePolicy";
export { StoreApp, type StoreAppArgs, storeAppType } from "./storeApp";
