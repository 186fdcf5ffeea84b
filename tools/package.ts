/**
 * `npm run package`: builds the consumer package into dist/ (JavaScript, typings, a package.json
 * with only the runtime dependencies, the README and the docs it links), ready for `npm pack` or `npm install <path>`.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../tests/kit/engine";

const dist = join(projectRoot, "dist");
rmSync(dist, { recursive: true, force: true });
execFileSync(join(projectRoot, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.package.json"], {
    cwd: projectRoot,
    stdio: "inherit",
});

const root = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8"));
const runtime = ["@azure/identity", "@pulumi/azuread", "zod"];
const pkg = {
    name: "@lookout-mtp/onboarding",
    version: root.version,
    description: root.description,
    license: root.license,
    main: "lib.js",
    types: "lib.d.ts",
    // "./*" as well: Pulumi serializes a dynamic provider defined in an installed package as
    // `require("@lookout-mtp/onboarding/<module>[.js]")` of the modules it uses, which must resolve in
    // the provider's process. Without it, `pulumi up` fails with "package.json export path ... not
    // found". The subpaths are not an API: import from the package root.
    exports: {
        ".": { types: "./lib.d.ts", default: "./lib.js" },
        "./*.js": { types: "./*.d.ts", default: "./*.js" },
        "./*": { types: "./*.d.ts", default: "./*.js" },
    },
    engines: root.engines,
    dependencies: Object.fromEntries(runtime.map((name) => [name, root.dependencies[name]])),
    peerDependencies: { "@pulumi/pulumi": `>=${root.dependencies["@pulumi/pulumi"]}` },
    keywords: ["pulumi", "lookout", "intune", "entra", "mobile-threat-defense"],
};
writeFileSync(join(dist, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
copyFileSync(join(projectRoot, "README.md"), join(dist, "README.md"));
// The README links the docs by relative path: they travel with it, so the links hold in the package.
cpSync(join(projectRoot, "docs"), join(dist, "docs"), { recursive: true });
console.log(`package: ${pkg.name}@${pkg.version} in dist/`);
