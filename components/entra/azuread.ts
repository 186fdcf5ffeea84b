/**
 * `@pulumi/azuread`, loaded on first use. Only `manage` mode declares azuread resources, and the
 * module takes about half a second to load: `graph` and `reference` stacks never pay for it.
 */
import type * as Azuread from "@pulumi/azuread";

let loaded: typeof Azuread | undefined;

export function azuread(): typeof Azuread {
    loaded ??= require("@pulumi/azuread") as typeof Azuread;
    return loaded;
}
