/**
 * Asks the engine for the dynamic-provider plugin at once. The engine starts it for the first
 * request that names its package, otherwise the first dynamic resource, declared only once the
 * checks have passed; asked early, its process (Node.js and the SDK, about half a second) comes up
 * while the program loads and checks. The request is an invoke the dynamic provider does not
 * implement: it fails, and that is ignored. Asked once per program, however often this is called.
 */
import * as pulumi from "@pulumi/pulumi";

let asked = false;

export function startDynamicProviderPlugin(): void {
    if (asked) return;
    asked = true;
    pulumi.runtime.invoke("pulumi-nodejs:dynamic:startPlugin", {}).catch(() => undefined);
}
