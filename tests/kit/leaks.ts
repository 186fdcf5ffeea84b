/**
 * Where a credential could leak once the engine has run: the state export, the backend's files,
 * the engine's output and events, the emulator's request log.
 */
import type { EmulatedTenant } from "./lookoutEmulator";
import type { TestStack } from "./testStack";

/**
 * Searches the state export, the backend's files, the engine's output and the emulator's request
 * log for the exact credential values: the Lookout key, the Graph secret and every access token.
 */
export async function findLeaks(t: TestStack, tenant: EmulatedTenant): Promise<string[]> {
    const secrets = [tenant.applicationKey, tenant.graphApp.clientSecret, ...tenant.emulator.issuedTokens()];
    const places: Array<[string, string]> = [
        ["stack export", await t.exportState().catch(() => "")],
        ["backend files", t.backendFiles()],
        ["engine output", t.transcript.join("\n")],
        ["emulator request log", JSON.stringify(tenant.emulator.requests())],
    ];
    const leaks: string[] = [];
    for (const [where, text] of places) {
        for (const secret of secrets)
            if (text.includes(secret)) leaks.push(`${where} holds a credential (${secret.slice(0, 4)}...)`);
    }
    return leaks;
}
