/**
 * The lookout-mtp stack as a function: validates the stack config, declares the whole onboarding,
 * and returns the stack outputs. `index.ts` is this project's program; a program that installs the
 * package runs the same stack with `export = onboarding.onboardingStack;` (exported, not called).
 */
import * as pulumi from "@pulumi/pulumi";
import { runPreflight } from "./preflight";
import { LookoutOnboarding } from "./lookoutOnboarding";
import { parseStackConfig, type StackConfig } from "../../config/stackConfig";
import type { DeclaredConsent } from "../entra/tenantConsent";
import { previousOutput } from "./ownRecord";
import { prepareConditionalAccess } from "../conditionalAccess";

/** Whether a stack config key was set with --secret. The SDK tracks it but does not type the accessor; fail safe when absent. */
export function isSecretConfigKey(key: string): boolean {
    const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
    return runtime.isConfigSecret?.(key) ?? true;
}

/**
 * Asks the engine for the dynamic-provider plugin at once. The engine starts it for the first
 * request that names its package, otherwise the first dynamic resource, declared only once the
 * checks have passed; asked now, its process (Node.js and the SDK, about half a second) comes up
 * while the program checks. The request is an invoke the dynamic provider does not implement: it
 * fails, and that is ignored.
 */
function startDynamicProviderPlugin(): void {
    pulumi.runtime.invoke("pulumi-nodejs:dynamic:startPlugin", {}).catch(() => undefined);
}

/**
 * Manage mode: what the stack declared of Lookout's consent on its last update, kept declared
 * (TenantConsent). A stack last updated by a version without the record declared all of it, and
 * its state may not keep it on delete: it keeps it declared, so nothing is revoked.
 */
function previousConsent(config: StackConfig): Promise<DeclaredConsent | undefined> | undefined {
    const consent = config.consent;
    if (config.entra.mode !== "manage" || !consent) return undefined;
    return previousOutput<DeclaredConsent>("lookoutConsentDeclared").then(async (record) =>
        record !== undefined || (await previousOutput("tenantId")) === undefined
            ? record
            : { servicePrincipal: true, applicationPermissions: consent.applicationPermissions, delegatedGrant: true },
    );
}

export async function onboardingStack() {
    const parsed = parseStackConfig(pulumi.runtime.allConfig(), isSecretConfigKey);
    if (!parsed.ok) {
        // Thrown before any resource is declared, so nothing is created or changed.
        throw new pulumi.RunError(
            `The stack config has ${parsed.errors.length} problem(s):\n  - ${parsed.errors.join("\n  - ")}`,
        );
    }
    startDynamicProviderPlugin();

    // Every existing group, Lookout's consent and the managed Google Play app are checked before
    // anything is declared: one clean error listing every problem, and nothing written (rejects
    // with a RunError).
    // With rollout rings, the stack's own record of when each ring was enrolled (its last update's
    // `rollout` output) decides which rings stay enrolled and how long the last one has soaked; it is
    // read while the checks run.
    const previous = parsed.config.rollout
        ? (require("./rollout") as typeof import("./rollout")).previousRollout()
        : undefined;
    // Lookout's audit events say what was changed in its console away from the declared settings
    // (components/onboarding/consoleDrift.ts): a warning on the resource concerned.
    const consentDeclaredBefore = previousConsent(parsed.config);
    // Awaited once the identity is checked; a refused identity drops it.
    consentDeclaredBefore?.catch(() => undefined);
    const preflight = await runPreflight(parsed.config, undefined, undefined, {
        previous,
        consoleAudit: true,
        consentDeclaredBefore,
    });
    // Planned (and a person's role checked) before anything is declared; declared after the onboarding.
    const conditionalAccess = await prepareConditionalAccess(parsed.config, preflight);
    const onboarding = new LookoutOnboarding("lookout", { config: parsed.config, preflight });
    conditionalAccess?.declare(onboarding);
    return {
        tenantId: onboarding.tenantId,
        fullAccessGroupObjectId: onboarding.fullAccessGroupObjectId,
        // Only when configured: an undefined output would make the engine warn on every run.
        ...(parsed.config.consoleAccess.restricted
            ? { restrictedAccessGroupObjectId: onboarding.restrictedAccessGroupObjectId }
            : {}),
        enrollmentGroupNames: onboarding.enrollmentGroupNames,
        lookoutServicePrincipalObjectId: onboarding.lookoutServicePrincipalObjectId,
        ...(onboarding.lookoutConsentDeclared ? { lookoutConsentDeclared: onboarding.lookoutConsentDeclared } : {}),
        // Whether Lookout's admin consent was read back from the tenant before anything was written to Lookout.
        lookoutConsentVerified: onboarding.lookoutConsentVerified,
        connectorHeartbeatFrequencyMinutes: onboarding.connectorHeartbeatFrequencyMinutes,
        // Checklist mode: what an admin sets in Lookout's console, one line per setting.
        ...(onboarding.lookoutConsoleSteps ? { lookoutConsoleSteps: onboarding.lookoutConsoleSteps } : {}),
        onboardingRequest: onboarding.onboardingRequest,
        // The rollout rings: which are enrolled and since when, read back on the next run.
        ...(preflight.rollout ? { rollout: preflight.rollout.record } : {}),
        // The Conditional Access policy's mode and the rings it covers, read back on the next run and by `npm run status`.
        ...(conditionalAccess ? { conditionalAccess: conditionalAccess.record } : {}),
        intunePartnerState: onboarding.intune?.partnerState ?? "not managed: no intune config",
        intuneLastHeartbeat: onboarding.intune?.lastHeartbeatDateTime ?? "not managed: no intune config",
        ...(parsed.config.intune?.apps ? { intuneAppIds: onboarding.intune!.appIds } : {}),
    };
}
