import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { projectRoot } from "../kit/engine";
import { loadProvider, providerModule, providerThroughModule } from "../../providers/provider";
import { notificationPreferencesProvider } from "../../providers/lookout/notificationPreferences";

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
    it("names an installed module by its package path, and a source by its path from the working directory", () => {
        const installed = "/srv/app/node_modules/.pnpm/x@1/node_modules/@lookout-mtp/onboarding/providers/a.js";
        assert.deepEqual(providerModule(installed, "aProvider"), {
            kind: "package",
            path: "@lookout-mtp/onboarding/providers/a.js",
            name: "aProvider",
        });
        const source = join(process.cwd(), "providers", "lookout", "a.ts");
        assert.deepEqual(providerModule(source, "aProvider"), {
            kind: "file",
            path: "providers/lookout/a.ts",
            name: "aProvider",
            absolute: source,
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

    it("loads the provider from its TypeScript source in a process without a TypeScript loader, as the provider plugin does", async () => {
        const file = join(projectRoot, "providers", "lookout", "notificationPreferences.ts");
        const provider = providerThroughModule(file, { notificationPreferencesProvider });
        const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        assert.ok(serialized.text.length < 5000, `a path, not the module's code: ${serialized.text.length} bytes`);
        assert.doesNotMatch(serialized.text, /documentProvider|notificationPreferencesInputsSchema/);
        const dir = mkdtempSync(join(tmpdir(), "lookout-provider-"));
        try {
            writeFileSync(join(dir, "provider.js"), serialized.text);
            const run = `require(${JSON.stringify(join(dir, "provider.js"))}).handler().check({}, { email: "Sec@Contoso.example", emailNotifications: true }).then((r) => console.log(JSON.stringify(r)))`;
            const { NODE_OPTIONS: _, ...env } = process.env;
            // From the project's folder, by the path from there; from another (a component plugin's
            // resources, whose provider runs in the project's folder), by the module's absolute path.
            for (const cwd of [process.cwd(), dir]) {
                const out = execFileSync(process.execPath, ["-e", run], { cwd, env, encoding: "utf8" });
                assert.deepEqual(
                    JSON.parse(out),
                    { inputs: { email: "sec@contoso.example", emailNotifications: true } },
                    `run in ${cwd}`,
                );
            }
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names the module it could not load and what to do", () => {
        assert.throws(
            () => loadProvider({ kind: "file", path: "providers/lookout/gone.ts", name: "goneProvider" }),
            /^Error: the provider module providers\/lookout\/gone\.ts could not be loaded from .*; run pulumi from the project that made this stack, with its dependencies installed$/,
        );
    });
});
