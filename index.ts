/**
 * The lookout-mtp stack: validates the stack config, then declares the whole onboarding.
 * See README.md for the config reference.
 */
import * as pulumi from "@pulumi/pulumi";
import { LookoutOnboarding } from "./components/lookoutOnboarding";
import { parseStackConfig } from "./config/stackConfig";

// The SDK tracks which keys were set with --secret but does not type the accessor; fail safe when absent.
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
const parsed = parseStackConfig(pulumi.runtime.allConfig(), (key) => runtime.isConfigSecret?.(key) ?? true);
if (!parsed.ok) {
    // Thrown before any resource is declared, so nothing is created or changed.
    throw new pulumi.RunError(`The stack config has ${parsed.errors.length} problem(s):\n  - ${parsed.errors.join("\n  - ")}`);
}

const onboarding = new LookoutOnboarding("lookout", { config: parsed.config });

export const tenantId = onboarding.tenantId;
export const fullAccessGroupObjectId = onboarding.fullAccessGroupObjectId;
export const restrictedAccessGroupObjectId = onboarding.restrictedAccessGroupObjectId;
export const enrollmentGroupNames = onboarding.enrollmentGroupNames;
export const lookoutServicePrincipalObjectId = onboarding.lookoutServicePrincipalObjectId.apply(
    (id) => id ?? "not managed: consent needs entra.mode manage",
);
export const connectorHeartbeatFrequencyMinutes = onboarding.connector.heartbeatFrequencyMinutes;
export const onboardingRequest = onboarding.onboardingRequest;
export const intunePartnerState = onboarding.intune?.partnerState ?? "not managed: no intune config";
export const intuneLastHeartbeat = onboarding.intune?.lastHeartbeatDateTime ?? "not managed: no intune config";
