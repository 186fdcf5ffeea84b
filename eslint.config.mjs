// Lint for the whole tree (npm run lint, part of npm test): typescript-eslint's recommended rules.
// The architecture's import rules (layers, no cycles) are dependency-cruiser's: .dependency-cruiser.cjs.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "dist/**",
            ".engine/**",
            ".state/**",
            "examples/**/node_modules/**",
            "tools/bench/packaged/**",
            "packages/plugin/node_modules/**",
            "packages/policy/node_modules/**",
            "**/*.js",
            "**/*.mjs",
            "**/*.cjs",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
            // The Pulumi mocks and a few engine payloads are untyped by nature.
            "@typescript-eslint/no-explicit-any": "off",
            // Lazy loading of @azure/identity (see providers/graph/connection.ts) needs require().
            "@typescript-eslint/no-require-imports": "off",
        },
    },
);
