/** The whole onboarding of one tenant: the component, and the stack function this project's program runs. */
export { LookoutOnboarding, type LookoutOnboardingArgs } from "./lookoutOnboarding";
export { onboardingStack } from "./stack";
export { type Preflight, runPreflight } from "./preflight";
