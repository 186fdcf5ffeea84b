// Lint for the whole tree (npm run lint, part of npm test): typescript-eslint's recommended rules,
// and the architecture's import boundaries: `contract/` is the one place that knows the wire
// format, so the emulator (a fake of the services) and the config schema take their facts from it,
// never from the clients they are meant to test.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The project's top-level folders that hold clients and resources (README: Where things live).
const clients = ["dynamic", "http", "graph", "lookout", "intune", "entra", "onboarding", "adoption"];

/** Forbids imports of the named top-level folders from files `depth` folders below the root. */
function boundary(files, depth, folders, message) {
    const up = "\\.\\./".repeat(depth);
    return { files, rules: { "no-restricted-imports": ["error", { patterns: [{ regex: `^${up}(${folders.join("|")})(/|$)`, message }] }] } };
}
const fromClients = "take wire facts from contract/, not from the clients (README: Where things live)";
const contractAlone = "contract/ depends on nothing of the project";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "dist/**",
            ".engine/**",
            ".state/**",
            "examples/**/node_modules/**",
            "bench/packaged/**",
            "plugin/node_modules/**",
            "policy/node_modules/**",
            "**/*.js",
            "**/*.mjs",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
            // The Pulumi mocks and a few engine payloads are untyped by nature.
            "@typescript-eslint/no-explicit-any": "off",
            // Lazy loading of @azure/identity (see graph/connection.ts) needs require().
            "@typescript-eslint/no-require-imports": "off",
        },
    },
    boundary(["emulator/*.ts", "config/*.ts"], 1, clients, fromClients),
    boundary(["emulator/*/*.ts"], 2, clients, fromClients),
    boundary(["contract/*.ts"], 1, [...clients, "emulator", "config"], contractAlone),
    boundary(["contract/*/*.ts"], 2, [...clients, "emulator", "config"], contractAlone),
);
