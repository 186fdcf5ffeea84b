// The engine floor for the benchmarks: a TypeScript Pulumi program that declares nothing.
import * as pulumi from "@pulumi/pulumi";

export const project = pulumi.getProject();
