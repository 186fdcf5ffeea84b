/**
 * A group's generated users (`generatedUsers` on its record): made up from their index, never
 * stored, so a group of 100,000 users costs nothing until a page of them is read.
 */
import type { DirectoryGroupRecord } from "./store";

type GeneratedUser = { id: string; displayName: string; userPrincipalName: string; mail: string };

/** Deterministic generated users: the group's first ID block, then the user's number. */
const generatedUserId = (group: DirectoryGroupRecord, index: number) =>
    `${group.id.slice(0, 8)}-0000-4000-8000-${(index + 1).toString(16).padStart(12, "0")}`;

export function generatedUser(group: DirectoryGroupRecord, index: number): GeneratedUser {
    const number = String(index + 1).padStart(6, "0");
    const block = group.id.slice(0, 8);
    return {
        id: generatedUserId(group, index),
        displayName: `Generated User ${number}`,
        userPrincipalName: `user${number}.${block}@generated.example`,
        mail: `user${number}.${block}@generated.example`,
    };
}

/** Whether `userId` is one of the group's generated users (read back from the ID, never stored). */
export function isGeneratedUserOf(group: DirectoryGroupRecord, userId: string): boolean {
    const generated = group.generatedUsers ?? 0;
    const match = /^[0-9a-f]{8}-0000-4000-8000-([0-9a-f]{12})$/.exec(userId);
    if (!match || generated === 0) return false;
    const index = parseInt(match[1], 16) - 1;
    return index >= 0 && index < generated && generatedUserId(group, index) === userId;
}
