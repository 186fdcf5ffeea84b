/**
 * The configuration reference (docs/config-reference.md), rendered from the schema itself: every
 * key's type, default, limits and description come from `stackConfigSchema` through zod's JSON
 * Schema output, and the providers' keys from `providerKeys`. `npm run docs` writes it; a unit test
 * fails when the page and the schema disagree.
 */
import { z } from "zod";
import { projectNamespace, providerKeys, stackConfigSchema } from "./stackConfig";

interface JsonSchema {
    type?: string | string[];
    description?: string;
    default?: unknown;
    enum?: unknown[];
    properties?: Record<string, JsonSchema>;
    required?: string[];
    items?: JsonSchema;
    additionalProperties?: boolean | JsonSchema;
    anyOf?: JsonSchema[];
    minimum?: number;
    maximum?: number;
    minLength?: number;
    maxLength?: number;
    minItems?: number;
    maxItems?: number;
    pattern?: string;
    format?: string;
}

interface Row {
    key: string;
    type: string;
    required: boolean;
    default?: unknown;
    limits: string;
    description: string;
}

/** `string`, `integer`, `"a" \| "b"`, `list of object`, `map of ...`; null members read as "or null". */
function typeOf(schema: JsonSchema): string {
    if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(", ");
    if (schema.anyOf) {
        const kinds = schema.anyOf.filter((s) => s.type !== "null").map(typeOf);
        return kinds.join(" or ") + (kinds.length < schema.anyOf.length ? " or null" : "");
    }
    if (schema.type === "array") return `list of ${schema.items ? typeOf(schema.items) : "values"}`;
    if (schema.type === "object" && !schema.properties && typeof schema.additionalProperties === "object")
        return `map of ${typeOf(schema.additionalProperties)}`;
    if (schema.format === "email") return "e-mail address";
    if (schema.pattern?.startsWith("^[0-9a-fA-F]{8}")) return "GUID";
    return Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
}

function limitsOf(schema: JsonSchema): string {
    const range = (min?: number, max?: number, unit = "") =>
        min !== undefined && max !== undefined
            ? `${min}-${max}${unit}`
            : min !== undefined
              ? `at least ${min}${unit}`
              : max !== undefined
                ? `at most ${max}${unit}`
                : "";
    const inner = schema.anyOf?.find((s) => s.type !== "null") ?? schema;
    return [
        range(inner.minimum, inner.maximum),
        range(inner.minLength, inner.maxLength, " characters"),
        range(inner.minItems, inner.maxItems, " items"),
    ]
        .filter(Boolean)
        .join("; ");
}

/** One row per key, depth first: objects list their properties, lists of objects their items' properties. */
function rows(schema: JsonSchema, key: string, required: boolean): Row[] {
    const own: Row = {
        key,
        type: typeOf(schema),
        required: required && schema.default === undefined,
        default: schema.default,
        limits: limitsOf(schema),
        description: schema.description ?? "",
    };
    const object = schema.type === "array" ? schema.items : schema;
    if (!object?.properties) return [own];
    const prefix = schema.type === "array" ? `${key}[]` : key;
    const children = Object.entries(object.properties).flatMap(([name, child]) =>
        rows(child, `${prefix}.${name}`, (object.required ?? []).includes(name)),
    );
    return [own, ...children];
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const value = (v: unknown) => (v === undefined ? "" : `\`${JSON.stringify(v)}\``);

function table(list: Row[]): string[] {
    return [
        "| key | type | required | default | limits | description |",
        "|---|---|---|---|---|---|",
        ...list.map(
            (r) =>
                `| \`${r.key}\` | ${cell(r.type)} | ${r.required ? "yes" : ""} | ${cell(value(r.default))} | ${cell(r.limits)} | ${cell(r.description)} |`,
        ),
    ];
}

export function renderConfigReference(): string {
    const schema = z.toJSONSchema(stackConfigSchema(), { io: "input", unrepresentable: "any" }) as JsonSchema;
    const sections = Object.entries(schema.properties ?? {}).flatMap(([name, section]) => [
        `### ${projectNamespace}:${name}`,
        "",
        ...table(rows(section, `${projectNamespace}:${name}`, (schema.required ?? []).includes(name))),
        "",
    ]);
    const providers = Object.entries(providerKeys).flatMap(([namespace, keys]) =>
        Object.entries(keys).map(([name, description]) => `| \`${namespace}:${name}\` | ${cell(description)} |`),
    );
    return [
        "# Configuration reference",
        "",
        "<!-- Generated from config/stackConfig.ts by `npm run docs`; do not edit by hand. -->",
        "",
        `Every key of the stack config. The \`${projectNamespace}:\` sections are JSON objects`,
        `(\`pulumi config set --path '${projectNamespace}:connector.heartbeatFrequencyMinutes' 15\`);`,
        "the whole config is checked before anything is declared, and every problem is reported at once",
        "with its key. docs/configuration.md explains the choices with examples.",
        "",
        "## The providers' keys",
        "",
        "| key | description |",
        "|---|---|",
        ...providers,
        "",
        "## The project's keys",
        "",
        ...sections,
    ].join("\n");
}
