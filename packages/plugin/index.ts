/**
 * The component plugin's entry point: every ComponentResource class exported here is served to
 * Pulumi programs in other languages, with a schema Pulumi derives from the classes' types.
 */
export { Onboarding } from "./onboarding";
