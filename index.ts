/**
 * The lookout-mtp stack: validates the stack config, then declares the whole onboarding
 * (components/onboarding/stack.ts). docs/config-reference.md is the config reference.
 *
 * The stack function is exported, not called: the engine calls it and awaits it at once, so a
 * refused config is one clean error rather than a rejection Node.js reports as unhandled while
 * the engine is still loading the program.
 *
 * The dynamic-provider plugin is asked for before the stack's modules load (about 0.3 s from
 * sources), so its process starts beside them; hence `require` after it, not a hoisted import.
 */
import { startDynamicProviderPlugin } from "./components/onboarding/providerPlugin";

startDynamicProviderPlugin();

export = (require("./components/onboarding/stack") as typeof import("./components/onboarding/stack")).onboardingStack;
