/** Turns zod problems into the engine's check failures, each naming the offending property. */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

export function checkWith<T>(schema: z.ZodType<T>, news: Record<string, unknown>): pulumi.dynamic.CheckResult<T> {
    const { __provider: _serializedProvider, ...inputs } = news;
    const result = schema.safeParse(inputs);
    if (result.success) return { inputs: result.data };
    return {
        inputs: inputs as T,
        failures: result.error.issues.map((issue) => ({
            property: String(issue.path[0] ?? ""),
            reason: `${issue.path.join(".") || "(inputs)"}: ${issue.message}`,
        })),
    };
}

/** The top-level properties whose values differ, compared as JSON. */
export function changedProperties<T extends object>(olds: Partial<T>, news: T, keys: ReadonlyArray<keyof T>): string[] {
    return keys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null)).map(String);
}

/** The defined entries of `wanted` whose value differs from `current`: exactly what a precise write sends. */
export function differingEntries<T extends object>(wanted: T, current: object): Partial<T> {
    return Object.fromEntries(
        Object.entries(wanted).filter(
            ([k, v]) => v !== undefined && v !== null && (current as Record<string, unknown>)[k] !== v,
        ),
    ) as Partial<T>;
}
