/**
 * The checks an existing Entra group must pass before Lookout may enroll it. Lookout matches
 * enrollment groups by display name, case-sensitively, and silently enrolls nobody on a mismatch;
 * it does not support nested groups. Pure functions, so tests call them directly.
 */

export interface GroupCandidate {
    objectId: string;
    displayName: string;
    /** Its direct user members, when the group check counted them. */
    userCount?: number;
}

/**
 * Picks the one group whose display name equals `wanted` exactly.
 * @param candidates groups whose name matches `wanted` ignoring case (what Graph's filters return)
 * @param where the config key, for the message
 */
export function resolveExistingGroup(wanted: string, candidates: GroupCandidate[], where: string): GroupCandidate {
    const exact = candidates.filter((c) => c.displayName === wanted);
    if (exact.length === 1) return exact[0];
    if (exact.length > 1) {
        throw new Error(
            `${where}: ${exact.length} Entra groups are named '${wanted}' (${exact.map((c) => c.objectId).join(", ")}); Lookout cannot tell them apart. Rename all but one, or pin the intended one with objectId.`,
        );
    }
    const sameIgnoringCase = candidates.filter((c) => c.displayName.toLowerCase() === wanted.toLowerCase());
    if (sameIgnoringCase.length > 0) {
        throw new Error(
            `${where}: no Entra group is named '${wanted}'; did you mean '${sameIgnoringCase[0].displayName}'? Lookout matches display names case-sensitively, so '${wanted}' would enroll nobody.`,
        );
    }
    throw new Error(
        `${where}: no Entra group is named '${wanted}'. Check the display name in Entra (Groups > All groups), or let the stack create it with create: true.`,
    );
}

/** The group's own display name must match the configured one exactly (for groups pinned by objectId). */
export function assertDisplayName(wanted: string, actual: GroupCandidate, where: string): void {
    if (actual.displayName !== wanted) {
        throw new Error(
            `${where}: the group ${actual.objectId} is named '${actual.displayName}' in Entra, not '${wanted}'. Lookout matches display names case-sensitively; correct displayName.`,
        );
    }
}

/** Lookout reads security groups; a mail-enabled or non-security group is refused. */
export function assertSecurityGroup(
    group: GroupCandidate & { securityEnabled: boolean; mailEnabled: boolean },
    where: string,
): void {
    if (!group.securityEnabled || group.mailEnabled) {
        throw new Error(
            `${where}: group '${group.displayName}' must be security-enabled and not mail-enabled (it is ${group.securityEnabled ? "security-enabled" : "not security-enabled"}, ${group.mailEnabled ? "mail-enabled" : "not mail-enabled"}).`,
        );
    }
}
