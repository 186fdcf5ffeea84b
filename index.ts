/**
 * The lookout-mtp stack: validates the stack config, then declares the whole onboarding
 * (onboarding/stack.ts). See README.md for the config reference.
 */
import { onboardingStack } from "./onboarding/stack";

export = onboardingStack();
