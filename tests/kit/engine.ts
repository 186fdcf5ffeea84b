/**
 * The Pulumi engine for tools and end-to-end tests: obtained by `tools/engine/engine.sh` (built from
 * Pulumi's Go modules unless a recent enough `pulumi` is on PATH) and run offline against a local
 * file backend.
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileBackendUrl, projectRoot } from "../../operate/pulumiCli";

export { projectRoot };

let engineBin: string | undefined;

/** Builds or finds the engine once per process; returns the folder holding `pulumi` and its plugins. */
export function ensureEngine(): string {
    engineBin ??= execFileSync(join(projectRoot, "tools", "engine", "engine.sh"), {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    return engineBin;
}

/**
 * Environment for running the engine offline: the engine and the project's Node.js first on PATH,
 * no update checks or plugin downloads, a file backend and a passphrase for local stacks.
 */
export function engineEnv(options: {
    backendDir: string;
    passphrase?: string;
    extra?: Record<string, string>;
}): Record<string, string> {
    const bin = ensureEngine();
    const nodeBin = dirname(process.execPath);
    return {
        ...(process.env as Record<string, string>),
        PATH: [bin, join(projectRoot, "node_modules", ".bin"), nodeBin, process.env.PATH].join(":"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_BACKEND_URL: fileBackendUrl(options.backendDir),
        PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? "local-stack-passphrase",
        ...(options.extra ?? {}),
    };
}
