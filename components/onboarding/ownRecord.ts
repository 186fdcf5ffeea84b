/**
 * What the stack recorded about itself on its last update (its own outputs, such as `rollout` and
 * `lookoutConsentDeclared`), read through one reference to itself; undefined on its first update.
 *
 * Program-side only: it keeps the reference at module scope, which a dynamic provider must never capture.
 */
import * as pulumi from "@pulumi/pulumi";

let self: pulumi.StackReference | undefined;

export async function previousOutput<T>(name: string): Promise<T | undefined> {
    self ??= new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`, {});
    const details = await self.getOutputDetails(name);
    return (details.value ?? undefined) as T | undefined;
}
