/**
 * The lookout-mtp stack: validates the stack config, then declares the whole onboarding
 * (components/onboarding/stack.ts). docs/config-reference.md is the config reference.
 *
 * The stack function is exported, not called: the engine calls it and awaits it at once, so a
 * refused config is one clean error rather than a rejection Node.js reports as unhandled while
 * the engine is still loading the program.
 */
import { onboardingStack } from "./components/onboarding/stack";

export = onboardingStack;
