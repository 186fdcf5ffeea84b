/**
 * The built package (`npm run package`, dist/) installed into a copy of another program, the way
 * `npm install` of a registry package or a tarball installs it: as a copy in the program's
 * node_modules. (A `file:` dependency would be a symbolic link, which Node.js follows to a path
 * outside node_modules, so the providers would be named by that path, not by the package's.)
 *
 * Nothing in the working tree is written but dist/, which `npm run package` rebuilds: the build
 * and a copy of its result are made under a lock, so test runs at the same time (two suites, two
 * engineers) never see each other's half-built dist/, and each run's program and package are its
 * own temporary folder.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "./engine";

export const packageName = "@lookout-mtp/onboarding";

let built: string | undefined;

/** A private copy of the package as `npm run package` builds it from the working tree now; built once per process. */
export function builtPackage(): string {
    if (built) return built;
    const copy = mkdtempSync(join(tmpdir(), "lookout-mtp-package-"));
    process.on("exit", () => rmSync(copy, { recursive: true, force: true }));
    const lock = join(
        tmpdir(),
        `lookout-mtp-package-${createHash("sha256").update(projectRoot).digest("hex").slice(0, 12)}.lock`,
    );
    const build = `npm run -s package >&2 && cp -R dist/. '${copy}'`;
    const hasFlock = (() => {
        try {
            execFileSync("flock", ["--version"], { stdio: "ignore" });
            return true;
        } catch {
            return false;
        }
    })();
    execFileSync(hasFlock ? "flock" : "sh", hasFlock ? [lock, "sh", "-c", build] : ["-c", build], {
        cwd: projectRoot,
        stdio: ["ignore", "ignore", "inherit"],
    });
    if (!existsSync(join(copy, "lib.js"))) throw new Error("npm run package built no dist/lib.js");
    built = copy;
    return copy;
}

/**
 * A temporary copy of the program in `programDir` with the built package installed in its
 * node_modules, beside links to this repository's packages (@pulumi/pulumi and the package's
 * dependencies resolve as from a normal install). Returns the copy's folder.
 */
export function withInstalledPackage(programDir: string): string {
    const dir = mkdtempSync(join(tmpdir(), "lookout-mtp-consumer-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    cpSync(programDir, dir, { recursive: true, filter: (source) => !source.includes("node_modules") });
    const modules = join(dir, "node_modules");
    mkdirSync(modules);
    const scope = packageName.split("/")[0];
    for (const entry of readdirSync(join(projectRoot, "node_modules"))) {
        if (entry !== scope) symlinkSync(join(projectRoot, "node_modules", entry), join(modules, entry));
    }
    cpSync(builtPackage(), join(modules, ...packageName.split("/")), { recursive: true });
    return dir;
}
