/**
 * `npm run emulator`: starts the Lookout and Graph emulator on loopback and prints its URL, a ready
 * Lookout application key and Graph app credentials for a tenant.
 *
 *   npm run emulator -- [--port 8787] [--state-file .state/emulator.json] [--rate-limit 100] [--tenant contoso] [--entra-tenant-id <guid>]
 *                       [--lookout-api contract|public]   (public: only what Lookout's own service serves, no settings route)
 */
import { parseArgs } from "node:util";
import { devEntraTenantId, seedDevTenant, seedSignIn } from "./devTenant";
import type { Tenant } from "./store";
import { startLookoutEmulator } from "./server";

/** What a person needs to point a stack at the emulator: its endpoints, the key, an app's and a person's sign-in. */
function printHowToUse(emulator: Awaited<ReturnType<typeof startLookoutEmulator>>, tenant: Tenant): void {
    const app = tenant.graphApps[0] ?? emulator.store.addGraphApp(tenant);
    const admin = tenant.signInUsers?.[0] ?? seedSignIn(tenant);
    emulator.store.persist();
    console.log(`Lookout and Microsoft Graph emulator listening on ${emulator.url}`);
    console.log(
        `tenant ${tenant.name}, Entra tenant ${tenant.entraTenantId}${tenant.lookoutApi === "public" ? ", Lookout's public API only (no settings route)" : ""}`,
    );
    console.log(`Lookout application key: ${tenant.applicationKeys[0]}`);
    console.log("");
    console.log("Point a stack at it:");
    console.log(`  pulumi config set lookout:baseUrl ${emulator.url}`);
    console.log("  pulumi config set --secret lookout:applicationKey <the key above>");
    console.log(`  pulumi config set graph:baseUrl ${emulator.graphBaseUrl}`);
    console.log(`  pulumi config set graph:authorityHost ${emulator.authorityHost}`);
    console.log(
        `  export AZURE_TENANT_ID=${tenant.entraTenantId} AZURE_CLIENT_ID=${app.clientId} AZURE_CLIENT_SECRET=${app.clientSecret}`,
    );
    console.log("");
    console.log("Or sign in as a person (graph:signIn user, lookout-mtp:entra.tenantId set):");
    console.log(
        `  npm run sign-in -- --tenant ${tenant.entraTenantId} --graph ${emulator.graphBaseUrl} --authority ${emulator.authorityHost}`,
    );
    console.log(`  then on the page it prints: user ${admin.userPrincipalName}, password ${admin.password}`);
}

async function main() {
    const { values } = parseArgs({
        options: {
            port: { type: "string", default: "8787" },
            "state-file": { type: "string" },
            "rate-limit": { type: "string", default: "100" },
            tenant: { type: "string", default: "contoso" },
            "entra-tenant-id": { type: "string", default: devEntraTenantId },
            "lookout-api": { type: "string", default: "contract" },
        },
    });
    const port = Number(values.port);
    const rateLimit = Number(values["rate-limit"]);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port '${values.port}' must be a port number (0 picks a free one)`);
    if (!Number.isInteger(rateLimit) || rateLimit < 1)
        throw new Error(`--rate-limit '${values["rate-limit"]}' must be a positive whole number`);

    const emulator = await startLookoutEmulator({
        port,
        stateFile: values["state-file"],
        rateLimitPerMinute: rateLimit,
    });
    const existing = emulator.store.tenants().find((t) => t.name === values.tenant);
    const tenant = existing ?? emulator.store.addTenant(values.tenant!, undefined, values["entra-tenant-id"]);
    if (tenant.directory.groups.length === 0) {
        // A tenant seen for the first time: the groups the dev stack names (so `pulumi up` of
        // Pulumi.dev.yaml works against this emulator) and the Intune objects a real tenant already has.
        seedDevTenant(emulator.store, tenant);
        emulator.store.persist();
    }
    if (values["lookout-api"] !== "contract" && values["lookout-api"] !== "public")
        throw new Error(`--lookout-api '${values["lookout-api"]}' must be contract or public`);
    tenant.lookoutApi = values["lookout-api"];
    emulator.store.persist();
    printHowToUse(emulator, tenant);
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
