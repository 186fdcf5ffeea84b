/**
 * `conditionalAccess`: the stack's one Conditional Access policy, requiring a compliant device on iOS
 * and Android for the enrolled rings' groups (components/conditionalAccess/). Report-only unless the
 * config says `enforced`; at least one emergency-access group excluded, always.
 */
import { z } from "zod";

/** The policy's modes as the config names them, and the Graph state each writes. */
export const conditionalAccessModes = {
    reportOnly: "enabledForReportingButNotEnforced",
    enforced: "enabled",
} as const;
export type ConditionalAccessMode = keyof typeof conditionalAccessModes;

const defaultConditionalAccessDisplayName = "Lookout MTP - require a compliant mobile device";

/** The section's schema; `group` is the stack config's group schema (an existing group, by name or object ID). */
export function conditionalAccessSection<G extends z.ZodType<{ create?: boolean }>>(group: () => G) {
    return z
        .object({
            displayName: z
                .string()
                .trim()
                .min(1)
                .max(256)
                .default(defaultConditionalAccessDisplayName)
                .describe("The policy's name in Entra (Protection > Conditional Access)."),
            state: z
                .enum(Object.keys(conditionalAccessModes) as [ConditionalAccessMode, ...ConditionalAccessMode[]])
                .default("reportOnly")
                .describe(
                    "`reportOnly` (default): Entra logs what the policy would do and blocks nobody; `enforced`: a non-compliant device loses access. Roll out report-only first.",
                ),
            exclusionGroups: z
                .array(group())
                .optional()
                .describe(
                    "Existing groups the policy never applies to: your emergency-access (break-glass) accounts. At least one; checked like every other group.",
                ),
            cloudApps: z
                .array(z.string().trim().min(1))
                .min(1)
                .default(["All"])
                .describe("Cloud apps the policy covers: `All` (default), `Office365`, or application IDs."),
        })
        .strict()
        .superRefine((ca, ctx) => {
            if (!ca.exclusionGroups || ca.exclusionGroups.length === 0)
                ctx.addIssue({
                    code: "custom",
                    path: ["exclusionGroups"],
                    message:
                        "name at least one emergency-access group to exclude (Microsoft: always exclude emergency-access accounts from Conditional Access), so a mistake cannot lock every admin out",
                });
            ca.exclusionGroups?.forEach((g, i) => {
                if (g.create)
                    ctx.addIssue({
                        code: "custom",
                        path: ["exclusionGroups", i, "create"],
                        message: "an emergency-access group must exist already; the stack does not create it",
                    });
            });
        })
        .optional()
        .describe(
            "A Conditional Access policy requiring a compliant device on iOS and Android for the enrolled groups (docs/conditional-access.md); none when absent.",
        );
}

/** An exclusion group that is also an enrollment group would leave that ring unprotected; reference mode needs object IDs. */
export function conditionalAccessChecks(
    c: {
        entra: { mode: string };
        enrollmentGroups: Array<{ displayName: string; create?: boolean }>;
        conditionalAccess?: { exclusionGroups?: Array<{ displayName: string }> };
    },
    ctx: z.RefinementCtx<unknown>,
) {
    const enrolled = new Set(c.enrollmentGroups.map((g) => g.displayName.toLowerCase()));
    // The policy names its groups by object ID, which the preflight knows only of existing groups.
    if (c.conditionalAccess)
        c.enrollmentGroups.forEach((g, i) => {
            if (g.create)
                ctx.addIssue({
                    code: "custom",
                    path: ["enrollmentGroups", i, "create"],
                    message:
                        "Conditional Access covers existing enrollment groups only; create the group in a run without conditionalAccess first, then refer to it",
                });
        });
    c.conditionalAccess?.exclusionGroups?.forEach((g, i) => {
        if (enrolled.has(g.displayName.toLowerCase()))
            ctx.addIssue({
                code: "custom",
                path: ["conditionalAccess", "exclusionGroups", i, "displayName"],
                message: `'${g.displayName}' is also an enrollment group; an exclusion wins in Conditional Access, so its users would never be required a compliant device`,
            });
        if (c.entra.mode === "reference" && !("objectId" in g && g.objectId))
            ctx.addIssue({
                code: "custom",
                path: ["conditionalAccess", "exclusionGroups", i, "objectId"],
                message: "reference mode makes no Entra lookups; give the group's objectId",
            });
    });
}
