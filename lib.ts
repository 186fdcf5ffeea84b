/**
 * The package other Pulumi TypeScript programs install, one namespace per concept:
 *
 *   import { lookout, intune, entra, onboarding } from "@lookout-mtp/onboarding";
 *   new lookout.IntuneConnector(...); new intune.ThreatCompliancePolicy(...);
 *
 * `npm run package` builds it into dist/.
 */
export * as config from "./config";
export * as entra from "./components/entra";
export * as intune from "./components/intune";
export * as lookout from "./providers/lookout";
export * as onboarding from "./components/onboarding";
