/**
 * A throwaway stack of this project for end-to-end tests: the real engine through the Automation
 * API, a temporary project folder whose Pulumi.yaml points at this project's program (compiled to
 * JavaScript unless the test asks for the sources, see program.ts), a temporary file backend, and
 * config aimed at an emulated Lookout tenant.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
    copyFileSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type ConfigMap, type EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { engineEnv, ensureEngine } from "./engine";
import { defaultReplicationDelayMs } from "../../emulator/server";
import { compiledProgram, type TestProgram } from "./program";
import { validReferenceConfig } from "./configFixtures";
import { reapMarked, reportLeftBehind, testStackVariable } from "./processes";
import { lazyHandle } from "./lazyHandle";
import { type EmulatedTenant, scaledRetryPolicy, startEmulatedTenant, type TenantSetUp } from "./lookoutEmulator";

const execFileAsync = promisify(execFile);

export interface TestStack {
    stack: Stack;
    /** The project's name (the stack resource is `<project>-<stack>`). */
    project: string;
    /** The temporary project folder, and the environment the engine runs with. */
    dir: string;
    env: Record<string, string>;
    /** Everything the engine printed and every event it emitted, for leak checks. */
    transcript: string[];
    /** Sets project config values (objects are stored as JSON, as a user would with --path or YAML). */
    setConfig(values: Record<string, unknown>): Promise<void>;
    /** Engine events of one operation; pass as `onEvent`. */
    events: EngineEvent[];
    run: { onOutput: (s: string) => void; onEvent: (e: EngineEvent) => void };
    /** Every file of the stack's backend (state, history, backups), concatenated. */
    backendFiles(): string;
    /** `pulumi stack export` as a user runs it (secrets stay encrypted). */
    exportState(): Promise<string>;
    /** Destroys the stack's resources, removes the stack and the temporary folder. */
    dispose(): Promise<void>;
}

export type { TestProgram } from "./program";

/**
 * `configFile`: the stack's config file as an earlier run left it (`Pulumi.<name>.yaml`), for a
 * stack whose state is imported: it is in the project folder before the stack is created, so the
 * stack keeps its encryption salt, which the state's secrets were made with.
 */
export async function createTestStack(
    name: string,
    tenant: EmulatedTenant,
    overrides: Record<string, unknown> = {},
    extraEnv: Record<string, string> = {},
    program: TestProgram = compiledProgram(validReferenceConfig()),
    configFile?: string,
): Promise<TestStack> {
    const dir = mkdtempSync(join(tmpdir(), `lookout-e2e-${name}-`));
    writeFileSync(
        join(dir, "Pulumi.yaml"),
        program.projectFile ??
            [
                `name: ${program.project}`,
                "runtime:",
                "  name: nodejs",
                "  options:",
                `    typescript: ${program.typescript}`,
                `main: ${program.dir}`,
                "",
            ].join("\n"),
    );
    if (configFile) copyFileSync(configFile, join(dir, `Pulumi.${name}.yaml`));
    const bin = ensureEngine();
    const env = engineEnv({ backendDir: join(dir, "backend"), passphrase: "e2e-passphrase" });
    mkdirSync(join(dir, "backend"), { recursive: true });
    const workspace = await LocalWorkspace.create({
        workDir: dir,
        pulumiHome: join(dir, "home"),
        pulumiCommand: await PulumiCommand.get({ root: join(bin, ".."), skipVersionCheck: true }),
        envVars: {
            PATH: env.PATH,
            PULUMI_SKIP_UPDATE_CHECK: env.PULUMI_SKIP_UPDATE_CHECK,
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION,
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL,
            PULUMI_CONFIG_PASSPHRASE: env.PULUMI_CONFIG_PASSPHRASE,
            // The emulated Graph's app, read by the Intune providers as a pipeline would set it.
            AZURE_TENANT_ID: tenant.entraTenantId,
            AZURE_CLIENT_ID: tenant.graphApp.clientId,
            AZURE_CLIENT_SECRET: tenant.graphApp.clientSecret,
            // Marks every process of this stack's engine, so that dispose() can find them.
            [testStackVariable]: dir,
            // The default retry policy at the emulator's time scale (a test may pass another).
            LOOKOUT_MTP_RETRY_POLICY: JSON.stringify(scaledRetryPolicy(tenant.emulator.timeScale)),
            ...extraEnv,
        },
    });
    const stack = await Stack.create(name, workspace);
    const transcript: string[] = [];
    const events: EngineEvent[] = [];

    async function setConfig(values: Record<string, unknown>) {
        const map: ConfigMap = {};
        for (const [key, value] of Object.entries(values))
            map[key] = { value: typeof value === "string" ? value : JSON.stringify(value) };
        await stack.setAllConfig(map);
    }

    await setConfig({
        ...program.config,
        "lookout:baseUrl": tenant.emulator.url,
        "graph:baseUrl": tenant.emulator.graphBaseUrl,
        "graph:authorityHost": tenant.emulator.authorityHost,
        ...overrides,
    });
    await stack.setConfig("lookout:applicationKey", { value: tenant.applicationKey, secret: true });

    return {
        stack,
        project: program.project,
        dir,
        env: { ...(process.env as Record<string, string>), ...workspace.envVars },
        transcript,
        events,
        setConfig,
        backendFiles: () => readTree(join(dir, "backend")),
        exportState: async () =>
            (
                await execFileAsync(workspace.pulumiCommand.command, ["stack", "export", "--stack", name], {
                    cwd: dir,
                    env: { ...process.env, ...workspace.envVars },
                })
            ).stdout,
        run: {
            onOutput: (s) => transcript.push(s),
            onEvent: (e) => {
                events.push(e);
                transcript.push(JSON.stringify(e));
            },
        },
        async dispose() {
            // Every process of this stack's engine is gone by now, unless a test abandoned an operation or
            // killed the engine but not its plugins: those are stopped first (and the stack's lock released),
            // and reported by the test-run guard (tests/kit/processes.ts).
            const running = await reapMarked(testStackVariable, dir);
            reportLeftBehind(running, `the test stack '${name}' (still running at its disposal)`);
            try {
                if (running.length > 0) await stack.cancel().catch(() => undefined);
                await stack.destroy({ onOutput: (s) => transcript.push(s) });
                await workspace.removeStack(name);
            } finally {
                reportLeftBehind(
                    await reapMarked(testStackVariable, dir),
                    `the test stack '${name}' (after its destroy)`,
                );
                rmSync(dir, { recursive: true, force: true });
            }
        },
    };
}

/** How a test's stack is made, beside how its tenant starts. */
export interface StackSetUp extends TenantSetUp {
    /** Stack config over the program's, e.g. a changed connector. */
    config?: Record<string, unknown>;
    /** Engine environment over the tenant's, e.g. `fastRetryEnv` or another Graph app's credentials. */
    env?: Record<string, string> | ((tenant: EmulatedTenant) => Record<string, string>);
    /** The program, or a function making it when the stack is made (a program that needs building first). */
    program?: TestProgram | (() => TestProgram);
    /** See `createTestStack`. */
    configFile?: string;
}

function createStackFor(name: string, tenant: EmulatedTenant, setUp: StackSetUp): Promise<TestStack> {
    const env = typeof setUp.env === "function" ? setUp.env(tenant) : setUp.env;
    const program = typeof setUp.program === "function" ? setUp.program() : setUp.program;
    return createTestStack(name, tenant, setUp.config, env, program, setUp.configFile);
}

type Destroy = "must succeed" | "best effort";

/** Destroys the stack unless its test did (`dispose` removes the stack's folder). */
async function disposeIfLeft(t: TestStack | undefined, destroy: Destroy): Promise<void> {
    if (t && existsSync(t.dir)) await (destroy === "must succeed" ? t.dispose() : t.dispose().catch(() => undefined));
}

/** What follows a stack's tests: injected faults cleared, the stack destroyed unless a test did, the emulator closed. */
async function tearDown(tenant: EmulatedTenant, t: TestStack | undefined, destroy: Destroy): Promise<void> {
    tenant.emulator.faults.clear();
    try {
        await disposeIfLeft(t, destroy);
    } finally {
        await tenant.emulator.close();
    }
}

/** A tenant for the engine suites: Intune's replication delay on, as the emulator has it by default, unless the test says otherwise. */
function startEngineTenant(setUp: TenantSetUp): Promise<EmulatedTenant> {
    return startEmulatedTenant({ replicationDelayMs: defaultReplicationDelayMs, ...setUp.emulator });
}

/**
 * An emulated tenant and a stack aimed at it for the suite where it is called: made before its
 * tests, torn down after them. The tests say what must hold; a failed destroy at the end does not
 * fail the suite.
 */
export function useTestStack(name: string, setUp: StackSetUp = {}): { tenant: EmulatedTenant; t: TestStack } {
    const tenant = lazyHandle<EmulatedTenant>("the emulated tenant");
    const t = lazyHandle<TestStack>(`the test stack '${name}'`);
    before(async () => {
        tenant.set(await startEngineTenant(setUp));
        await setUp.prepare?.(tenant.handle);
        t.set(await createStackFor(name, tenant.handle, setUp));
    });
    after(async () => {
        const running = tenant.current();
        if (running) await tearDown(running, t.current(), "best effort");
        tenant.set(undefined);
        t.set(undefined);
    });
    return { tenant: tenant.handle, t: t.handle };
}

/**
 * Runs `test` with a stack aimed at `setUp.tenant`, or at a tenant started for it alone and closed
 * after it. The stack is destroyed after the test unless the test did; when the test passed, that
 * destroy must succeed too.
 */
export async function withTestStack<R>(
    name: string,
    setUp: StackSetUp & { tenant?: EmulatedTenant },
    test: (t: TestStack, tenant: EmulatedTenant) => Promise<R>,
): Promise<R> {
    const own = !setUp.tenant;
    const tenant = setUp.tenant ?? (await startEngineTenant(setUp));
    let t: TestStack | undefined;
    const end = (destroy: Destroy) => (own ? tearDown(tenant, t, destroy) : disposeIfLeft(t, destroy));
    let result: R;
    try {
        if (own) await setUp.prepare?.(tenant);
        t = await createStackFor(name, tenant, setUp);
        result = await test(t, tenant);
    } catch (err) {
        await end("best effort");
        throw err;
    }
    await end("must succeed");
    return result;
}

/** The error of an `up` that must fail; fails the test with `message` when the up succeeds. */
export async function upError(t: TestStack, message = "up must fail"): Promise<Error> {
    const error = await t.stack.up(t.run).then(
        () => undefined,
        (e: Error) => e,
    );
    assert.ok(error, message);
    return error;
}

function readTree(path: string): string {
    return readdirSync(path, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"))
        .join("\n");
}

/**
 * The resource steps of the last operation that change something, as `op name`. Provider steps are
 * left out: the engine hands the whole stack config to the dynamic-provider plugin, so any config
 * edit "updates" that plugin's configuration, which the engine does not display.
 */
export function changedSteps(events: EngineEvent[]): string[] {
    return events
        .map((e) => e.resourcePreEvent?.metadata)
        .filter(
            (m): m is NonNullable<typeof m> =>
                !!m && !["same", "read", "refresh"].includes(m.op) && !m.type.startsWith("pulumi:providers:"),
        )
        .map((m) => `${m.op} ${m.urn.split("::").slice(-1)[0]}`);
}

/** The property names a `preview --diff` marks as changed (`~`, `+`, `-`), resources and outputs alike. */
export function changedProperties(diffText: string): string[] {
    return [...diffText.matchAll(/^\s+[~+-] (\w+)\s*:/gm)].map((m) => m[1]);
}
