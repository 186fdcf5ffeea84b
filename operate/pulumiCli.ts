/**
 * The Pulumi CLI the operating tools (status, fleet) drive through the Automation API. They never
 * build one: they take the folder given by `--pulumi <dir>` or `PULUMI_CLI_DIR`, else the `pulumi`
 * on PATH (a laptop, the workflows' installed CLI), else the one this repository built for itself
 * into `.engine/bin` (`npm run engine`), and otherwise say how to get one.
 */
import { existsSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";

/** This repository's root: the default project folder and local state of the operating tools. */
export const projectRoot = resolve(__dirname, "..");

/**
 * The URL of a file backend in `dir`. `metadata=skip`: the file driver otherwise rewrites a
 * `.attrs` file beside each checkpoint in place (truncate, then write) on every save, and a read of
 * the stack's own outputs at that moment (the rollout's self-reference, only with rings) fails with
 * `failed to load checkpoint: EOF`. Without the sidecar the checkpoint alone is read, and it is
 * replaced atomically (written beside, then renamed).
 */
export function fileBackendUrl(dir: string): string {
    return `file://${dir}?metadata=skip`;
}

function onPath(command: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
        if (dir && existsSync(join(dir, command))) return dir;
    }
    return undefined;
}

/** The folder holding `pulumi` (and, for an installed CLI, its language hosts). */
export function pulumiCliDir(explicit?: string): string {
    const chosen = explicit ?? process.env.PULUMI_CLI_DIR;
    if (chosen) {
        const dir = resolve(chosen);
        if (!existsSync(join(dir, "pulumi")))
            throw new Error(
                `--pulumi/PULUMI_CLI_DIR '${chosen}' holds no 'pulumi' executable; name the folder of the Pulumi CLI`,
            );
        return dir;
    }
    const found =
        onPath("pulumi") ??
        (existsSync(join(projectRoot, ".engine", "bin", "pulumi")) ? join(projectRoot, ".engine", "bin") : undefined);
    if (!found)
        throw new Error(
            "no Pulumi CLI: put `pulumi` on PATH, pass --pulumi <dir> (or PULUMI_CLI_DIR), or run `npm run engine` in this repository",
        );
    return found;
}

/** Environment for the CLI: its folder, the project's tools and this Node.js first on PATH; no update checks. */
export function pulumiCliEnv(dir: string): Record<string, string> {
    return {
        PATH: [dir, join(projectRoot, "node_modules", ".bin"), dirname(process.execPath), process.env.PATH].join(
            delimiter,
        ),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
}
