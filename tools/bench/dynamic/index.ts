// The engine floor of a stack with a dynamic provider: a TypeScript program that declares one
// dynamic resource with a trivial provider. Every stack with a Node.js dynamic provider pays
// this over the empty program: the provider plugin process, the closure serialization of its
// provider, and the check/diff calls.
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: "floor", outs: inputs };
    },
};

class Floor extends pulumi.dynamic.Resource {
    constructor(name: string) {
        super(provider, name, { value: "same" }, undefined, "bench", "Floor");
    }
}

export const id = new Floor("floor").id;
