/**
 * Which stacks a fleet run covers: the `Pulumi.<name>.yaml` files of the project folder whose name
 * matches a glob, sorted by name, and the share of them one shard takes. Pure functions of the file
 * names, so every job of a workflow computes the same split without talking to the others.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, matchesGlob } from "node:path";
import { parse } from "yaml";

/** The local stack of `npm run demo`; a fleet includes it only when asked for it by name. */
const devStack = "dev";

export interface Shard {
    /** 1-based. */
    index: number;
    count: number;
}

/** The stack names of the project folder (from `Pulumi.<name>.yaml`), sorted. */
export function stackFiles(projectDir: string): string[] {
    return readdirSync(projectDir)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}

/** The names matching `glob` (`*`, `?`, `[...]`, `{a,b}`), sorted; `dev` only when the glob names it. */
export function matchStacks(names: readonly string[], glob: string): string[] {
    return names.filter((name) => matchesGlob(name, glob) && (name !== devStack || glob.includes(devStack))).sort();
}

/** Parses `i/N` (1 <= i <= N). */
export function parseShard(text: string): Shard {
    const match = /^(\d+)\/(\d+)$/.exec(text.trim());
    const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
    if (!(count >= 1 && index >= 1 && index <= count))
        throw new Error(`--shard '${text}' must be i/N with 1 <= i <= N, e.g. 2/8`);
    return { index, count };
}

/**
 * Shard i of N: the i-th of N contiguous runs of the sorted names, their sizes differing by at
 * most one, so shards 1/N..N/N cover every name exactly once and a job's tenants are neighbours.
 */
export function shardOf<T>(sorted: readonly T[], shard: Shard): T[] {
    const from = Math.floor(((shard.index - 1) * sorted.length) / shard.count);
    const to = Math.floor((shard.index * sorted.length) / shard.count);
    return sorted.slice(from, to);
}

/**
 * The stack config keys naming the Entra tenant a stack signs in to (docs/ci-and-fleets.md): the
 * onboarding's own `lookout-mtp:entra.tenantId`, which every sign-in of the run is handed and held
 * to; `fleet:azureTenantId`, its older spelling, still read for stack files that have it.
 */
export const tenantIdKey = "lookout-mtp:entra.tenantId";
export const legacyTenantIdKey = "fleet:azureTenantId";

/** A config section as the stack file holds it: a YAML object, or the JSON text `pulumi config set` wrote. */
function sectionOf(value: unknown): { tenantId?: unknown } | undefined {
    if (typeof value !== "string") return value as { tenantId?: unknown } | undefined;
    try {
        return JSON.parse(value) as { tenantId?: unknown };
    } catch {
        return undefined;
    }
}

/**
 * The environment one stack runs with, beside the fleet's: the tenant it onboards, as
 * `AZURE_TENANT_ID` (an app's sign-in) and `ARM_TENANT_ID` (the azuread provider), from its stack
 * file. A tenant ID is not secret, so an encrypted value is refused rather than decrypted.
 */
export function stackTenantEnv(projectDir: string, stack: string): Record<string, string> {
    const file = (parse(readFileSync(join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) ?? {}) as {
        config?: Record<string, unknown>;
    };
    const raw = file.config?.["lookout-mtp:entra"];
    // A whole section stored encrypted hides its tenant: falling back to the older key could aim the
    // run at another tenant than the one the stack onboards.
    if (raw !== null && typeof raw === "object" && "secure" in raw)
        throw new Error(`${tenantIdKey} in Pulumi.${stack}.yaml must be a plain tenant ID (a GUID; it is not secret)`);
    const entra = sectionOf(raw);
    const [key, value] =
        entra?.tenantId !== undefined
            ? [tenantIdKey, entra.tenantId]
            : [legacyTenantIdKey, file.config?.[legacyTenantIdKey]];
    if (value === undefined) return {};
    if (typeof value !== "string" || !/^[0-9a-f-]{36}$/i.test(value)) {
        throw new Error(`${key} in Pulumi.${stack}.yaml must be a plain tenant ID (a GUID; it is not secret)`);
    }
    return { AZURE_TENANT_ID: value, ARM_TENANT_ID: value };
}
