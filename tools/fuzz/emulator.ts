/**
 * The emulator for tools/fuzz/fuzz-contract.sh: one tenant, a rate limit no fuzz run reaches, and an
 * access token obtained from the emulator's own token endpoint with the tenant's application key.
 * Prints one JSON line `{url, applicationKey, accessToken}` and serves until it is stopped.
 */
import { lookoutPaths } from "../../contract/lookout/routes";
import { startLookoutEmulator } from "../../emulator/server";

async function main() {
    const emulator = await startLookoutEmulator({ port: 0, rateLimitPerMinute: 1_000_000 });
    const applicationKey = emulator.store.addTenant("fuzz").applicationKeys[0];
    const response = await fetch(emulator.url + lookoutPaths.token, {
        method: "POST",
        headers: { authorization: `Bearer ${applicationKey}`, "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
    });
    if (response.status !== 200)
        throw new Error(`the token endpoint answered ${response.status}: ${await response.text()}`);
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    console.log(JSON.stringify({ url: emulator.url, applicationKey, accessToken }));
    const stop = () => void emulator.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((err) => {
    console.error(`fuzz emulator: ${(err as Error).message}`);
    process.exit(1);
});
