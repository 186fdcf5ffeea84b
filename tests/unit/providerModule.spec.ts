import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runInNewContext } from "node:vm";
import { projectRoot } from "../kit/engine";
import { loadProvider, providerModule, providerThroughModule } from "../../providers/provider";
import { notificationPreferencesProvider } from "../../providers/lookout/notificationPreferences";
import { intuneConnectorProvider } from "../../providers/lookout/intuneConnector";

const resourceModules = [
    "providers/intune/compliancePolicy.ts",
    "providers/intune/mtdConnector.ts",
    "providers/intune/storeApp.ts",
    "providers/lookout/consoleChecklist.ts",
    "providers/lookout/intuneConnector.ts",
    "providers/lookout/notificationPreferences.ts",
    "providers/lookout/threatClassifications.ts",
];

describe("a dynamic provider reached through its module", () => {
    it("names an installed module by its package path, as Pulumi names one (npm, nested, pnpm, Windows)", () => {
        const packagePath = "@lookout-mtp/onboarding/providers/a.js";
        const installed: Array<[file: string, path: string]> = [
            [`/srv/app/node_modules/${packagePath}`, packagePath],
            [`/srv/app/node_modules/wrapper/node_modules/${packagePath}`, `wrapper/node_modules/${packagePath}`],
            [`/srv/app/node_modules/.pnpm/x@1/node_modules/${packagePath}`, packagePath],
            ["C:\\app\\node_modules\\@lookout-mtp\\onboarding\\providers\\a.js", packagePath],
        ];
        for (const [file, path] of installed)
            assert.deepEqual(providerModule(file, "aProvider"), { kind: "package", path, name: "aProvider" }, file);
    });

    it("names a source by its path from the working directory, and by its absolute path too only when outside it", () => {
        const inside = join(process.cwd(), "providers", "lookout", "a.ts");
        assert.deepEqual(providerModule(inside, "aProvider"), {
            kind: "file",
            path: "providers/lookout/a.ts",
            name: "aProvider",
        });
        const outside = join(dirname(process.cwd()), "elsewhere", "a.ts");
        assert.deepEqual(providerModule(outside, "aProvider"), {
            kind: "file",
            path: "../elsewhere/a.ts",
            name: "aProvider",
            absolute: outside,
        });
    });

    it("finds, in a process that has loaded it, the provider each resource module exports", () => {
        for (const file of resourceModules) {
            const path = join(projectRoot, file);
            const exported = Object.entries(require(path) as Record<string, unknown>).filter(([name]) =>
                name.endsWith("Provider"),
            );
            assert.equal(exported.length, 1, `${file} exports one provider`);
            const [[name, provider]] = exported;
            assert.equal(loadProvider(providerModule(path, name)), provider, file);
        }
    });

    it("loads providers from their TypeScript sources in a process without a TypeScript loader, as the provider plugin does", () => {
        const dir = mkdtempSync(join(tmpdir(), "lookout-provider-"));
        const source = (name: string) => join(projectRoot, "providers", "lookout", `${name}.ts`);
        // Declared from the project's folder (named by its path from there), and from another folder
        // (a component plugin's resources: named by their absolute path too), as one provider process loads them.
        const fromProject = providerThroughModule(source("notificationPreferences"), {
            notificationPreferencesProvider,
        });
        process.chdir(dir);
        let fromElsewhere: string;
        try {
            fromElsewhere = providerThroughModule(source("intuneConnector"), { intuneConnectorProvider });
        } finally {
            process.chdir(projectRoot);
        }
        try {
            const files: string[] = [];
            for (const [name, provider] of [
                ["preferences", fromProject],
                ["connector", fromElsewhere],
            ] as const) {
                assert.ok(provider.length < 4000, `a path, not the module's code: ${provider.length} bytes`);
                files.push(join(dir, `${name}.js`));
                writeFileSync(files[files.length - 1], provider);
            }
            // As the provider plugin runs a resource's `__provider`: through require-from-string.
            const load = `const load = (f) => require(${JSON.stringify(require.resolve("require-from-string"))})(require("node:fs").readFileSync(f, "utf8")).handler();`;
            const run = [
                load,
                `const [a, b] = ${JSON.stringify(files)}.map(load);`,
                `Promise.all([a.check({}, { email: "Sec@Contoso.example", emailNotifications: true }), b.check({}, { heartbeatFrequencyMinutes: 60, enrollmentGroups: ["Pilot"], errorReportEmail: "sec@contoso.example" })])`,
                `.then(([p, c]) => console.log(JSON.stringify([p, c.failures ?? [], c.inputs.newDeviceCheckIntervalMinutes])));`,
            ].join("\n");
            const { NODE_OPTIONS: _, ...env } = process.env;
            const out = execFileSync(process.execPath, ["-e", run], { cwd: projectRoot, env, encoding: "utf8" });
            assert.deepEqual(JSON.parse(out), [
                { inputs: { email: "sec@contoso.example", emailNotifications: true } },
                [],
                5,
            ]);
            // From a folder deeper than the one it was declared in, the connector's path from there
            // leads nowhere: only its absolute path finds it.
            const deeper = join(dir, "a", "b", "c");
            mkdirSync(deeper, { recursive: true });
            const alone = `${load}\nload(${JSON.stringify(files[1])}).check({}, { heartbeatFrequencyMinutes: 60, enrollmentGroups: ["Pilot"], errorReportEmail: "sec@contoso.example" }).then((c) => console.log(c.inputs.heartbeatFrequencyMinutes))`;
            assert.equal(
                execFileSync(process.execPath, ["-e", alone], { cwd: deeper, env, encoding: "utf8" }).trim(),
                "60",
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("writes a provider that names nothing but require, process and globalThis, and where its module is", () => {
        const file = join(projectRoot, "providers", "lookout", "intuneConnector.ts");
        const text = providerThroughModule(file, { intuneConnectorProvider });
        const where = { kind: "file", path: "providers/lookout/intuneConnector.ts", name: "intuneConnectorProvider" };
        assert.ok(text.includes(`const where = ${JSON.stringify(where)};`), text);
        // A context of its own has JavaScript's globals only: a helper a transpiler added, or any
        // other name from outside loadProvider, fails here rather than in the provider process.
        const exports: { handler?: () => unknown } = {};
        runInNewContext(text, { exports, require, process });
        assert.equal(exports.handler?.(), intuneConnectorProvider);
    });

    it("names a module it cannot find by every path it tried, and what to do", () => {
        const absolute = join(tmpdir(), "moved", "gone.ts");
        assert.throws(
            () => loadProvider({ kind: "file", path: "providers/lookout/gone.ts", name: "goneProvider", absolute }),
            new RegExp(
                `^Error: the provider module providers/lookout/gone\\.ts is not in ${join(process.cwd(), "providers/lookout/gone.ts")} nor in ${absolute}; run pulumi from the project that made this stack, with its dependencies installed$`,
            ),
        );
    });

    it("names a module without the provider's export, and what to keep", () => {
        assert.throws(
            () => loadProvider({ kind: "file", path: "providers/lookout/intuneConnector.ts", name: "renamedProvider" }),
            /^Error: the provider module providers\/lookout\/intuneConnector\.ts has no export renamedProvider: keep one of that name that exports the provider$/,
        );
    });
});
