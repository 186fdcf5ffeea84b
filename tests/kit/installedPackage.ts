/**
 * Installs the built package (dist/) into a program's node_modules the way `npm install` of a
 * registry package or a tarball does: as a copy. (A `file:` dependency would be a symbolic link,
 * which Pulumi follows to a path outside node_modules and then serializes providers by value.)
 */
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./engine";

export const packageName = "@lookout-mtp/onboarding";

export function installBuiltPackage(programDir: string): void {
    const dist = join(projectRoot, "dist");
    if (!existsSync(join(dist, "lib.js")))
        throw new Error("dist/ is not built: run `npm run package` first (npm run test:gitops does)");
    const target = join(programDir, "node_modules", ...packageName.split("/"));
    rmSync(target, { force: true, recursive: true });
    mkdirSync(join(target, ".."), { recursive: true });
    cpSync(dist, target, { recursive: true });
}
