/**
 * `npm run demo`: the whole onboarding on the embedded default. Obtains the Pulumi engine, starts
 * the Lookout emulator on 127.0.0.1:8787, runs `pulumi up` for the `dev` stack on a local file
 * backend, prints what was reconciled, then shows that a second preview has nothing to do.
 *
 * State lives in `.state/` (the emulator's tenant and the stack), so a second demo finds both as
 * they were; `npm run demo -- --fresh` starts from nothing.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { threatClassificationCatalogue } from "../contract/lookout/schemas";
import { devEntraTenantId, seedDevTenant } from "../emulator/devTenant";
import { startLookoutEmulator } from "../emulator/server";
import { engineEnv, projectRoot } from "../tests/kit/engine";

const stateDir = join(projectRoot, ".state");
/** Where Pulumi.dev.yaml expects the emulator (lookout:baseUrl, graph:baseUrl). */
const devPort = 8787;

type LookoutEmulator = Awaited<ReturnType<typeof startLookoutEmulator>>;
type Tenant = ReturnType<LookoutEmulator["store"]["tenants"]>[number];

interface RunOptions {
    env: Record<string, string>;
    /** Return stdout instead of showing it. */
    capture?: boolean;
}

/** Runs the CLI without blocking this process, which serves the emulator the CLI talks to. */
function pulumi(args: string[], options: RunOptions): Promise<string> {
    return run("pulumi", args, options);
}

function run(command: string, args: string[], { env, capture = false }: RunOptions): Promise<string> {
    console.log(`\n$ ${command} ${args.join(" ")}`);
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            cwd: projectRoot,
            env,
            stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
        });
        let stdout = "";
        child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) =>
            code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args[0]} failed (exit ${code})`)),
        );
    });
}

async function main() {
    const { values } = parseArgs({ options: { fresh: { type: "boolean", default: false } } });
    if (values.fresh) rmSync(stateDir, { recursive: true, force: true });
    mkdirSync(join(stateDir, "backend"), { recursive: true });

    console.log("1/5 Obtaining the Pulumi engine");
    const baseEnv = engineEnv({ backendDir: join(stateDir, "backend"), passphrase: "lookout-mtp-dev" });

    console.log("2/5 Starting the Lookout emulator");
    const emulator = await startDevEmulator();
    try {
        const { tenant, env } = prepareTenant(emulator, baseEnv);

        console.log("\n3/5 Reconciling the dev stack");
        await pulumi(["stack", "select", "dev", "--create"], { env });
        await pulumi(["up", "--yes", "--skip-preview"], { env });

        console.log("\nStack outputs:");
        console.log(await pulumi(["stack", "output", "--json"], { env, capture: true }));
        console.log("Lookout settings in the emulator after the run:");
        console.log(JSON.stringify(reconciled(emulator, tenant), null, 2));

        console.log("\n4/5 A second preview: nothing left to do");
        await pulumi(["preview", "--expect-no-changes"], { env });

        console.log(
            "\n5/5 Enrollment status an hour later (emulator clock): npm run status -- --stack dev --html .state/status.html",
        );
        emulator.advanceClock(60 * 60_000);
        const status = ["run", "-s", "status", "--", "--stack", "dev", "--html", join(stateDir, "status.html")];
        await run("npm", status, { env });
        console.log(
            "\nDemo done: the stack and the emulator agree. State is in .state/ (npm run demo -- --fresh starts over).",
        );
    } finally {
        await emulator.close();
    }
}

function startDevEmulator(): Promise<LookoutEmulator> {
    return startLookoutEmulator({ port: devPort, stateFile: join(stateDir, "emulator.json") }).catch(
        (err: NodeJS.ErrnoException) => {
            if (err.code === "EADDRINUSE")
                throw new Error(
                    `port ${devPort} is busy; the dev stack expects the emulator there (lookout:baseUrl in Pulumi.dev.yaml). Stop what holds it (another \`npm run emulator\`?) and run the demo again.`,
                );
            throw err;
        },
    );
}

/** The emulator's `contoso` tenant, and the environment in which pulumi reaches it. */
function prepareTenant(emulator: LookoutEmulator, baseEnv: Record<string, string>) {
    const existing = emulator.store.tenants().find((t) => t.name === "contoso");
    const tenant = existing ?? emulator.store.addTenant("contoso", undefined, devEntraTenantId);
    // A new tenant looks like a real one: the groups and users Pulumi.dev.yaml names, a Windows
    // compliance policy of another admin, and a Lookout connector set up before, with Windows and
    // Defender settings the stack does not manage. A kept tenant stays as the last run left it.
    if (!existing || tenant.directory.groups.length === 0) seedDevTenant(emulator.store, tenant);
    emulator.store.persist();
    const graphApp = tenant.graphApps[0] ?? emulator.store.addGraphApp(tenant);
    console.log(
        `    ${emulator.url}, tenant ${tenant.name}; Lookout key in LOOKOUT_APPLICATION_KEY, Graph app in AZURE_* for pulumi`,
    );
    const env = {
        ...baseEnv,
        LOOKOUT_APPLICATION_KEY: tenant.applicationKeys[0],
        AZURE_TENANT_ID: tenant.entraTenantId,
        AZURE_CLIENT_ID: graphApp.clientId,
        AZURE_CLIENT_SECRET: graphApp.clientSecret,
    };
    return { tenant, env };
}

/** What the run left in the emulator, in the terms of the consoles it stands for. */
function reconciled(emulator: LookoutEmulator, tenant: Tenant) {
    const {
        intuneConnector,
        notificationPreferences,
        threatClassifications,
        mtdConnectors,
        compliancePolicies,
        mobileApps,
        servicePrincipals,
        conditionalAccessPolicies,
    } = emulator.store.describe(tenant);
    const changedLevels = Object.fromEntries(
        threatClassificationCatalogue
            .filter((c) => threatClassifications.value[c.name] !== c.defaultRiskLevel)
            .map((c) => [c.name, `${c.defaultRiskLevel} -> ${threatClassifications.value[c.name]}`]),
    );
    return {
        intuneConnector: intuneConnector?.value ?? null,
        notificationPreferences: Object.fromEntries(
            Object.entries(notificationPreferences).map(([k, v]) => [k, v.value]),
        ),
        threatClassificationsChangedFromDefault: changedLevels,
        intuneMtdConnectors: mtdConnectors,
        intuneCompliancePolicies: Object.values(compliancePolicies).map((p) => ({
            type: p.body["@odata.type"],
            displayName: p.body.displayName,
            requiredSecurityLevel: p.body.deviceThreatProtectionRequiredSecurityLevel,
            assignedTo: p.assignments.map((a) => a.target.groupId),
        })),
        intuneApps: Object.values(mobileApps).map((app) => ({
            type: app.body["@odata.type"],
            displayName: app.body.displayName,
            storeId: app.body.bundleId ?? app.body.packageId,
            assignments: app.assignments.map((a) => `${a.intent}: ${a.target.groupId ?? a.target["@odata.type"]}`),
        })),
        // App protection for unenrolled devices: each policy's threat settings (beta's; unset reads as its default).
        intuneAppProtection: Object.values(tenant.appProtections ?? {}).map(
            ({ platform, body }) =>
                `${platform} '${body.displayName}': ${body.maximumAllowedDeviceThreatLevel ?? "notConfigured"}, ${body.mobileThreatDefenseRemediationAction ?? "block"}`,
        ),
        // The stack's policy beside the one another admin made, which it never touches.
        conditionalAccessPolicies: Object.values(conditionalAccessPolicies ?? {}).map((p) => {
            const policy = p as Record<string, any>;
            return {
                displayName: policy.displayName,
                state: policy.state,
                includeGroups: policy.conditions?.users?.includeGroups,
                excludeGroups: policy.conditions?.users?.excludeGroups,
                grant: policy.grantControls?.builtInControls,
            };
        }),
        lookoutConsent: servicePrincipals.map((sp) => ({
            appId: sp.appId,
            applicationPermissions: sp.appRoleAssignments.length,
            delegated: sp.permissionGrants.map((g) => `${g.consentType}: ${g.scope}`),
        })),
    };
}

main().catch((err) => {
    console.error(`\ndemo failed: ${(err as Error).message}`);
    process.exit(1);
});
