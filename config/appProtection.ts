/**
 * `lookout-mtp:appProtection`: the threat settings of app protection policies an admin already has
 * (apps on devices Intune does not manage), named here per platform by display name or id. The stack
 * writes exactly `maximumAllowedDeviceThreatLevel` and `mobileThreatDefenseRemediationAction` on each,
 * restores their previous values on destroy, and touches nothing else of the policy.
 *
 * Refused here, before anything is written: `warn` as the action (Learn: not supported for Mobile
 * Threat Defense), and a platform whose app protection evaluation is off on Lookout's connector in
 * `intune.mtdConnector` (Intune evaluates the threat level of a policy only with it on; another
 * partner holding it is refused by the MTD partner check, components/onboarding/mtdPartners.ts).
 */
import { z } from "zod";
import { appProtectionPlatforms, deviceThreatLevels, mtdRemediationActions } from "../contract/graph/appProtection";
import { mamEvaluationSettings, mtdPlatformNames } from "../contract/graph/intuneService";

const platformNames = mtdPlatformNames;

function policySchema() {
    return z
        .object({
            platform: z
                .enum(appProtectionPlatforms, `must be one of ${appProtectionPlatforms.join(", ")}`)
                .describe("ios or android: which collection the policy is in."),
            displayName: z.string().min(1).optional().describe("The policy's display name, exactly (case-sensitive)."),
            id: z.string().min(1).optional().describe("The policy's ID, instead of its name."),
            maximumAllowedDeviceThreatLevel: z
                .enum(deviceThreatLevels, `must be one of ${deviceThreatLevels.join(", ")}`)
                .describe("The highest device threat level Lookout may report while the apps keep working."),
            mobileThreatDefenseRemediationAction: z
                .string()
                .refine((a) => a !== "warn", {
                    message:
                        'warn is not supported for Mobile Threat Defense (Learn: "Warn isn\'t a supported value for this property"); use block or wipe',
                })
                .pipe(z.enum(mtdRemediationActions, `must be one of ${mtdRemediationActions.join(", ")}`))
                .describe("What happens above that level: block (access blocked) or wipe (the app's work data)."),
        })
        .strict()
        .refine((p) => (p.displayName === undefined) !== (p.id === undefined), {
            message: "name the policy by displayName or by id (one of them)",
        });
}

export function appProtectionSection() {
    return z
        .object({
            policies: z
                .array(policySchema())
                .min(1)
                .describe("Existing app protection policies whose two threat settings the stack manages."),
        })
        .strict()
        .optional()
        .describe(
            "Threat-level app protection for devices Intune does not manage: the two Mobile Threat Defense settings of policies an admin already has. Left out: no app protection policy is touched.",
        );
}

type AppProtectionConfig = z.output<ReturnType<typeof appProtectionSection>>;
type Issue = (path: PropertyKey[], message: string) => void;

/** Each policy once; each platform's app protection evaluation on in the declared connector. */
export function checkAppProtection(
    appProtection: AppProtectionConfig,
    mtdConnector: Record<string, unknown> | undefined,
    issue: Issue,
): void {
    const seen = new Set<string>();
    appProtection?.policies.forEach((p, i) => {
        const key = `${p.platform}:${p.id ?? p.displayName}`;
        if (seen.has(key)) issue(["appProtection", "policies", i], `names ${p.id ?? `'${p.displayName}'`} twice`);
        seen.add(key);
        const setting = mamEvaluationSettings[p.platform];
        if (mtdConnector?.[setting] !== true)
            issue(
                ["appProtection", "policies", i, "platform"],
                `Intune evaluates an app protection policy's threat level only when Lookout's connector has app protection policy evaluation on for ${platformNames[p.platform]}, and intune.mtdConnector.${setting} is ${mtdConnector ? "not true" : "not declared (no intune section)"}; set lookout-mtp:intune.mtdConnector.${setting}: true, or leave this policy out`,
            );
    });
}
