/**
 * The architecture's import rules (npm run lint). Layers, lowest first; a module may import its own
 * layer and those below, never above:
 *
 *   contract/    what goes over the wire (Graph, Lookout): imports nothing of the project
 *   config/      the stack config schema                       -> contract
 *   providers/   dynamic resources and the clients they use    -> config, contract
 *   components/  the component resources a user declares       -> providers, config, contract
 *   operate/     status, fleet, adoption: tools for operators  -> components, providers, config, contract
 *   packages/, index.ts, lib.ts: what is published             -> all of the above
 *
 * The emulator fakes the services from the contract alone. Tests and tools sit on top.
 */
const product = "^(contract|config|providers|components|operate|packages)/|^(index|lib)\\.ts$";
module.exports = {
    forbidden: [
        {
            name: "no-cycle",
            severity: "error",
            comment: "modules must not import each other in a circle",
            from: {},
            to: { circular: true },
        },
        {
            name: "product-never-imports-dev",
            severity: "error",
            comment: "production code never imports tests, test helpers, the emulator or tools",
            from: { path: product },
            to: { path: "^(tests|emulator|tools|examples)/" },
        },
        {
            name: "contract-alone",
            severity: "error",
            comment: "contract/ depends on nothing of the project",
            from: { path: "^contract/" },
            to: { path: "^(config|providers|components|operate|packages|emulator|tests|tools)/" },
        },
        {
            name: "config-above-contract-only",
            severity: "error",
            comment: "config/ takes wire facts from contract/ only",
            from: { path: "^config/" },
            to: { path: "^(providers|components|operate|packages)/" },
        },
        {
            name: "providers-below-components",
            severity: "error",
            comment: "providers/ never import components, operate or packages",
            from: { path: "^providers/" },
            to: { path: "^(components|operate|packages)/" },
        },
        {
            name: "components-below-operate",
            severity: "error",
            comment: "components/ never import operate or packages",
            from: { path: "^components/" },
            to: { path: "^(operate|packages)/" },
        },
        {
            name: "operate-below-packages",
            severity: "error",
            comment: "operate/ never imports packages",
            from: { path: "^operate/" },
            to: { path: "^packages/" },
        },
        {
            name: "emulator-from-contract",
            severity: "error",
            comment:
                "the emulator takes its facts from contract/, never from the clients it is meant to test or from config",
            from: { path: "^emulator/" },
            to: { path: "^(config|providers|components|operate|packages|tests|tools)/" },
        },
        {
            name: "kit-below-suites",
            severity: "error",
            comment: "test helpers (tests/kit) never import a suite or tools",
            from: { path: "^tests/kit/" },
            to: { path: "^tests/(?!kit/)|^tools/" },
        },
        {
            name: "tests-never-import-tools",
            severity: "error",
            comment: "tests import what they test and tests/kit, never tools/",
            from: { path: "^tests/" },
            to: { path: "^tools/" },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "(^|/)(node_modules|dist|\\.engine|\\.state)/" },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        moduleSystems: ["cjs", "es6"],
    },
};
