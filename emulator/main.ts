/**
 * `npm run emulator`: starts the Lookout emulator on loopback and prints its URL and a ready
 * application key for a new tenant.
 *
 *   npm run emulator -- [--port 8787] [--state-file .state/emulator.json] [--rate-limit 100] [--tenant contoso]
 */
import { parseArgs } from "node:util";
import { startLookoutEmulator } from "./server";

async function main() {
    const { values } = parseArgs({
        options: {
            port: { type: "string", default: "8787" },
            "state-file": { type: "string" },
            "rate-limit": { type: "string", default: "100" },
            tenant: { type: "string", default: "contoso" },
        },
    });
    const port = Number(values.port);
    const rateLimit = Number(values["rate-limit"]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port '${values.port}' must be a port number (0 picks a free one)`);
    if (!Number.isInteger(rateLimit) || rateLimit < 1) throw new Error(`--rate-limit '${values["rate-limit"]}' must be a positive whole number`);

    const emulator = await startLookoutEmulator({ port, stateFile: values["state-file"], rateLimitPerMinute: rateLimit });
    const existing = emulator.store.tenants().find((t) => t.name === values.tenant);
    const tenant = existing ?? emulator.store.addTenant(values.tenant!);
    console.log(`Lookout emulator listening on ${emulator.url}`);
    console.log(`tenant ${tenant.name} (${tenant.id})`);
    console.log(`application key: ${tenant.applicationKeys[0]}`);
    console.log("");
    console.log("Point a stack at it:");
    console.log(`  pulumi config set lookout:baseUrl ${emulator.url}`);
    console.log("  pulumi config set --secret lookout:applicationKey <the key above>");
    const stop = async () => {
        await emulator.close();
        process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((err) => {
    console.error(`emulator: ${(err as Error).message}`);
    process.exit(1);
});
