/**
 * The Pulumi CLI run on a test stack as a user or a pipeline runs it (`pulumi preview`, `pulumi up
 * --yes`: not through the Automation API, which shapes its own errors), and the whole of what it
 * prints, in parts a test can compare exactly: a refusal must print its lines inside the CLI's own
 * frame and nothing else (no Node.js warning, no stack trace, no "error serializing").
 */
import { execFile } from "node:child_process";
import type { TestStack } from "./testStack";

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs `pulumi <args> --stack <the stack> --non-interactive` in the stack's folder, with its environment. */
export function pulumiCli(t: TestStack, args: string[]): Promise<CliRun> {
    return new Promise((resolve) => {
        execFile(
            "pulumi",
            [...args, "--stack", t.stack.name, "--non-interactive"],
            { cwd: t.dir, env: t.env, maxBuffer: 64 << 20 },
            (err, stdout, stderr) => {
                t.transcript.push(stdout, stderr);
                resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
            },
        );
    });
}

/** What the CLI printed, in the parts that can be compared exactly. */
export interface CliOutput {
    /** The lines before the first resource's line: `Previewing update (dev):` and a blank line. */
    header: string[];
    /**
     * The resources' lines as they move, sorted: the engine works on resources concurrently, so
     * their order differs between runs, their set does not.
     */
    progress: string[];
    /** From `Diagnostics:` to the end (trailing blank lines dropped), exactly. */
    summary: string[];
}

/**
 * The CLI's heartbeat while it waits (`@ previewing update....`): one more dot per second, with no
 * line break before the next line the CLI prints, so under load a resource's line can follow the
 * dots on the same line, and the dots that follow it then stand on a line of their own.
 */
const heartbeat = /^@ (previewing|updating|destroying|refreshing) update\.*/;

export function cliOutput(stdout: string): CliOutput {
    const lines = stdout
        .split("\n")
        .filter((line) => line.replace(heartbeat, "") !== "" || !heartbeat.test(line))
        .map((line) => line.replace(heartbeat, ""));
    while (lines.at(-1) === "") lines.pop();
    const firstResource = lines.findIndex((line, i) => i > 0 && line.startsWith(" "));
    const diagnostics = lines.indexOf("Diagnostics:");
    const progressEnd = diagnostics >= 0 ? diagnostics : lines.findIndex((line) => line === "Resources:");
    const start = firstResource >= 0 && firstResource < progressEnd ? firstResource : progressEnd;
    return {
        header: lines.slice(0, start),
        // Blank lines there only end the heartbeat's line, which the CLI ends when it has more to say;
        // a line of dots alone is the rest of a heartbeat a resource's line interrupted.
        progress: lines
            .slice(start, progressEnd)
            .filter((line) => line !== "" && !/^\.+$/.test(line))
            .sort(),
        summary: lines.slice(progressEnd),
    };
}

/** The stack resource's name as the CLI shows it: `<project>-<stack>`. */
export function stackResourceName(t: TestStack): string {
    return `${t.project}-${t.stack.name}`;
}

/** One resource's diagnostics as the CLI prints them: the resource, then `error: ` and the message, indented. */
function diagnosticLines(resource: string, message: string): string[] {
    const [first, ...rest] = message.split("\n");
    return [`  ${resource}:`, `    error: ${first}`, ...rest.map((line) => `    ${line}`)];
}

/**
 * The whole output of a `preview` or `up` that the program refused (an error it raised before
 * declaring any resource): the stack's lines, the error once under Diagnostics, one errored create.
 */
export function refusedByProgram(t: TestStack, message: string): CliOutput {
    const name = stackResourceName(t);
    const row = ` +  pulumi:pulumi:Stack ${name} create`;
    return {
        header: [`Previewing update (${t.stack.name}):`, ""],
        progress: [`${row} `, `${row} error: ${message.split("\n")[0]}`, `${row} 1 error`].sort(),
        summary: [
            "Diagnostics:",
            ...diagnosticLines(`pulumi:pulumi:Stack (${name})`, message),
            "",
            "Resources:",
            "    + 1 to create",
            "    1 errored",
        ],
    };
}

/**
 * The whole output of a `preview` or `up` in which a dynamic resource's `check` refused its
 * inputs: the stack and the resource's lines, the engine's sentence about the property and the
 * provider's reason under Diagnostics.
 *
 * Resources of the program that do not wait for the refused one may be registered before the
 * engine stops, or not, as the run goes (`mayAlsoCreate`, by type and name): each that `stdout`
 * shows is expected once in the progress and counted in "to create". Nothing else may differ.
 */
export function refusedByCheck(
    t: TestStack,
    resource: { type: string; name: string; property: string; value: string; reason: string },
    stdout: string,
    mayAlsoCreate: Array<{ type: string; name: string }> = [],
): CliOutput {
    const progress = cliOutput(stdout).progress;
    const alsoCreated = mayAlsoCreate
        .map((r) => ` +  ${r.type} ${r.name} create `)
        .filter((line) => progress.includes(line));
    const stack = ` +  pulumi:pulumi:Stack ${stackResourceName(t)} create`;
    const row = `    ${resource.type} ${resource.name} `;
    const message = `${resource.type} resource '${resource.name}': property ${resource.property} value {${resource.value}} has a problem: ${resource.reason}`;
    return {
        header: [`Previewing update (${t.stack.name}):`, ""],
        progress: [`${stack} `, `${stack} `, `${row} error: ${message}`, `${row} 1 error`, ...alsoCreated].sort(),
        summary: [
            "Diagnostics:",
            ...diagnosticLines(`${resource.type} (${resource.name})`, message),
            "",
            "Resources:",
            `    + ${1 + alsoCreated.length} to create`,
            "    1 errored",
        ],
    };
}
