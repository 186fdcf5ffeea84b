/**
 * This project's Pulumi program for test stacks, two ways:
 *
 * - compiled (`compiledProgram`, what test stacks run by default): the program's TypeScript
 *   (index.ts and the layers it imports: components/, providers/, config/, contract/) transpiled
 *   to JavaScript once per test process, into a temporary folder that resolves its packages from
 *   this repository's node_modules. The engine then loads plain JavaScript, instead of starting
 *   ts-node and transpiling the program again on every preview, up, refresh and destroy. The
 *   folder is the test process's own, so parallel test processes share nothing.
 * - from sources (`sourceProgram`): this repository as a user's `pulumi` runs it, through ts-node
 *   with swc, its providers loaded by the provider plugin through tsx.
 *   The lifecycle and the stack-config refusal run this way, so the program as users load it is
 *   still covered (docs/testing.md).
 *
 * Transpiling alone (no type check) is what ts-node does here too (tsconfig.json `transpileOnly`, `swc`);
 * `npm run build` type-checks. The policy pack (packages/policy) is compiled beside the program
 * (`compiledPolicyPack`): the engine's policy-pack runner type-checks a TypeScript pack, and
 * everything it imports, on every preview.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { projectRoot } from "./engine";

/** Which Pulumi program a test stack runs. */
export interface TestProgram {
    project: string;
    dir: string;
    /** Its config before the test's overrides (project keys are prefixed with `project:`). */
    config: Record<string, unknown>;
    /** Whether the engine loads `dir` through ts-node (TypeScript sources) rather than as JavaScript. */
    typescript: boolean;
    /** The project file to use instead of a Node.js one whose `main` is `dir` (another language's program). */
    projectFile?: string;
}

/**
 * What the program imports: everything but the layers above it (operate/, packages/) and what only
 * tests and tools use; and the policy pack, which imports from these layers.
 */
const programLayers = ["components", "providers", "config", "contract", "packages/policy"];

let compiled: string | undefined;

function typeScriptFiles(dir: string): string[] {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
        .map((e) => join(e.parentPath, e.name));
}

/** The folder holding this project's program as JavaScript, transpiled on first use in this process. */
export function compiledProgramDir(): string {
    if (compiled) return compiled;
    // Loaded here, not at the top: only engine suites pay for the compiler.
    const ts = require("typescript") as typeof import("typescript");
    const { config } = ts.readConfigFile(join(projectRoot, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, projectRoot);
    const out = mkdtempSync(join(tmpdir(), "lookout-mtp-program-"));
    process.on("exit", () => rmSync(out, { recursive: true, force: true }));
    const sources = [
        join(projectRoot, "index.ts"),
        ...programLayers.flatMap((d) => typeScriptFiles(join(projectRoot, d))),
    ];
    for (const source of sources) {
        const { outputText } = ts.transpileModule(readFileSync(source, "utf8"), {
            compilerOptions: { ...options, sourceMap: false, declaration: false, noEmit: false },
            fileName: source,
        });
        const target = join(out, relative(projectRoot, source)).replace(/\.ts$/, ".js");
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, outputText);
    }
    writeFileSync(
        join(out, "package.json"),
        JSON.stringify({ name: "lookout-mtp", private: true, main: "index.js" }, null, 2) + "\n",
    );
    // Packages resolve from here as from the repository.
    symlinkSync(join(projectRoot, "node_modules"), join(out, "node_modules"), "dir");
    compiled = out;
    return out;
}

/** The policy pack (packages/policy) compiled to JavaScript, run by the engine without ts-node. */
export function compiledPolicyPack(): string {
    const pack = join(compiledProgramDir(), "packages", "policy");
    const source = readFileSync(join(projectRoot, "packages", "policy", "PulumiPolicy.yaml"), "utf8");
    const yaml = source.replace(/typescript: true/, "typescript: false");
    if (yaml === source) throw new Error("packages/policy/PulumiPolicy.yaml no longer says typescript: true");
    writeFileSync(join(pack, "PulumiPolicy.yaml"), yaml);
    const manifest = JSON.parse(readFileSync(join(projectRoot, "packages", "policy", "package.json"), "utf8"));
    writeFileSync(join(pack, "package.json"), JSON.stringify({ ...manifest, main: "index.js" }, null, 2) + "\n");
    return pack;
}

/** This project's program, compiled, with `config` (the reference config unless given). */
export function compiledProgram(config: Record<string, unknown>): TestProgram {
    return { project: "lookout-mtp", dir: compiledProgramDir(), config, typescript: false };
}

/** This project's program from its TypeScript sources, as a user's `pulumi` runs it. */
export function sourceProgram(config: Record<string, unknown>): TestProgram {
    return { project: "lookout-mtp", dir: projectRoot, config, typescript: true };
}
