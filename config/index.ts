/** The stack configuration: one schema, parsed once at the edge. */
export { parseStackConfig, type StackConfig, stackConfigSchema } from "./stackConfig";
