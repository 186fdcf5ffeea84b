// Lint for the whole tree (npm run lint, part of npm test): typescript-eslint's recommended rules,
// and the architecture's import boundaries: `contract/` is the one place that knows the wire
// format, so the emulator (a fake of the services) and the config schema take their facts from it,
// never from the clients they are meant to test.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const fromClients = { group: ["**/providers/**", "**/components/**", "**/adoption/**"], message: "take wire facts from contract/, not from the clients (README: Layout)" };

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
            // Lazy loading of @azure/identity (see providers/graph/connection.ts) needs require().
            "@typescript-eslint/no-require-imports": "off",
        },
    },
    {
        files: ["emulator/**/*.ts", "config/**/*.ts"],
        rules: { "no-restricted-imports": ["error", { patterns: [fromClients] }] },
    },
    {
        files: ["contract/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        {
                            group: ["**/providers/**", "**/components/**", "**/emulator/**", "**/config/**", "**/adoption/**"],
                            message: "contract/ depends on nothing of the project",
                        },
                    ],
                },
            ],
        },
    },
);
