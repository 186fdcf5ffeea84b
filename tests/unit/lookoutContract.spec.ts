/**
 * contract/lookout/openapi.yaml against what the project really runs on: the routes of
 * contract/lookout/routes.ts as the emulator serves them, and the zod schemas of
 * contract/lookout/schemas.ts.
 *
 * The document is written by hand rather than generated from zod, because most of it is for people
 * and tools that zod cannot speak for: the statuses of each operation, the descriptions, and the
 * rules zod states in code (`.refine`, `.trim()`, the catalogue the emulator checks names against).
 * This test keeps the hand-written part honest instead: each component schema is compared with
 * `z.toJSONSchema` of its zod schema on what decides whether a payload is valid (properties,
 * required, additionalProperties, types, enums and consts, bounds, patterns, items, property
 * names), the rules zod states in code being added to zod's side from the `components` table
 * below. A field added to a zod schema and not to the document fails here. Whether the emulator
 * answers as the document says is the job of tools/fuzz/fuzz-contract.sh (npm run test:contract).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { lookoutPaths } from "../../contract/lookout/routes";
import {
    intuneConnectorSettingsSchema,
    lookoutErrorSchema,
    notificationPreferencesSchema,
    riskLevels,
    threatClassificationCatalogue,
    threatClassificationListSchema,
    threatClassificationPatchSchema,
    tokenResponseSchema,
} from "../../contract/lookout/schemas";
import { lookoutRoutes } from "../../emulator/lookout";
import { consoleUserAddress } from "../../emulator/lookout/settings";

type JsonSchema = { [keyword: string]: any };

const document = parse(readFileSync(join(__dirname, "../../contract/lookout/openapi.yaml"), "utf8"));
const httpMethods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** A character String.prototype.trim keeps, so a name holding one is not empty once trimmed. */
const nonBlank = "[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]";

/** Each component schema of the document, the zod schema it states, and the rules zod states in code rather than in its JSON Schema. */
const components: Record<string, { zod: () => z.ZodType; statedInCode?: (schema: JsonSchema) => void }> = {
    Token: { zod: tokenResponseSchema },
    Error: { zod: lookoutErrorSchema },
    RiskLevel: { zod: () => z.enum(riskLevels) },
    IntuneConnector: {
        zod: intuneConnectorSettingsSchema,
        statedInCode(schema) {
            const groups = schema.properties.enrollmentGroups;
            groups.uniqueItems = true; // .refine(unique)
            groups.items.pattern = nonBlank; // .trim() before .min(1)
        },
    },
    NotificationPreferences: { zod: notificationPreferencesSchema },
    ThreatClassificationList: { zod: threatClassificationListSchema },
    ThreatClassificationPatch: {
        zod: threatClassificationPatchSchema,
        statedInCode(schema) {
            const levels = schema.properties.riskLevels;
            levels.minProperties = 1; // .refine(at least one)
            levels.propertyNames.enum = threatClassificationCatalogue.map((c) => c.name); // the emulator answers 400 to other names
        },
    },
};

/** A path with its `{parameters}` as `{}`, so templates compare whatever their parameters are called. */
const templateOf = (path: string) => path.replace(/\{[^}]+\}/g, "{}");

/** A `lookoutPaths` entry as a template: functions are called with placeholders. */
function routeTemplate(route: string | ((...params: string[]) => string)): string {
    if (typeof route === "string") return route;
    return route(...Array.from({ length: route.length }, () => "\u0000")).replaceAll("%00", "{}");
}

function resolve(ref: string): JsonSchema {
    assert.match(ref, /^#\//, `only local references are followed (${ref})`);
    return ref
        .slice(2)
        .split("/")
        .reduce((node, key) => node?.[key], document);
}

const comparedKeywords = [
    "type",
    "enum",
    "required",
    "additionalProperties",
    "properties",
    "items",
    "propertyNames",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
];

/**
 * The keywords of a schema that decide validity, in one spelling: references followed, `const` as a
 * one-value `enum`, zod's `anyOf [T, null]` as the document's `type: [T, "null"]`, lists sorted.
 * `format` is left out: zod writes `format: email` beside the pattern it really checks, and
 * validators read `email` otherwise, so the document states the pattern alone.
 */
function validity(schema: JsonSchema): JsonSchema {
    if (schema.$ref) return validity(resolve(schema.$ref));
    const nullable = schema.anyOf?.length === 2 && schema.anyOf.find((s: JsonSchema) => s.type === "null");
    if (nullable) {
        const inner = validity(schema.anyOf.find((s: JsonSchema) => s !== nullable));
        return { ...inner, type: [...inner.type, "null"].sort() };
    }
    const out: JsonSchema = {};
    for (const keyword of comparedKeywords) {
        const value = keyword === "enum" && schema.const !== undefined ? [schema.const] : schema[keyword];
        if (value === undefined) continue;
        // zod bounds every integer to the safe range; that is JavaScript's limit, not the contract's.
        if ((keyword === "minimum" || keyword === "maximum") && Math.abs(value) === Number.MAX_SAFE_INTEGER) continue;
        if (keyword === "type" || keyword === "enum" || keyword === "required") out[keyword] = [value].flat().sort();
        else if (keyword === "properties")
            out[keyword] = Object.fromEntries(
                Object.entries(value).map(([name, s]) => [name, validity(s as JsonSchema)]),
            );
        else if (typeof value === "object" && !Array.isArray(value)) out[keyword] = validity(value);
        else out[keyword] = value;
    }
    return out;
}

describe("Lookout contract document (contract/lookout/openapi.yaml)", () => {
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).map(
        ([path, item]) => ({
            template: templateOf(path),
            methods: Object.keys(item)
                .filter((key) => httpMethods.includes(key))
                .map((m) => m.toUpperCase())
                .sort(),
        }),
    );

    it("documents every route of lookoutPaths", () => {
        for (const [name, route] of Object.entries(lookoutPaths)) {
            const template = routeTemplate(route);
            const found = documented.some((d) => d.template === template);
            assert.ok(found, `lookoutPaths.${name} (${template}) is not in the document`);
        }
    });

    it("documents exactly the paths and methods the emulator serves", () => {
        const served = lookoutRoutes.map((r) => ({ template: templateOf(r.template), methods: [...r.methods].sort() }));
        const byTemplate = (a: { template: string }, b: { template: string }) => a.template.localeCompare(b.template);
        assert.deepEqual([...documented].sort(byTemplate), served.sort(byTemplate));
    });

    it("states the console user address rule the emulator applies to {email}", () => {
        const email = document.paths["/console/v1/users/{email}/notification-preferences"].parameters.find(
            (p: JsonSchema) => p.name === "email",
        );
        assert.equal(email.schema.pattern, consoleUserAddress.source);
    });

    it("spells String.prototype.trim's whitespace exactly in the pattern for a name that is not blank", () => {
        const pattern = new RegExp(nonBlank);
        for (let code = 0; code <= 0xffff; code++) {
            const character = String.fromCharCode(code);
            assert.equal(pattern.test(character), character.trim() !== "", `U+${code.toString(16).padStart(4, "0")}`);
        }
    });

    it("has a zod schema for every component schema, and the other way round", () => {
        assert.deepEqual(Object.keys(document.components.schemas).sort(), Object.keys(components).sort());
    });

    for (const [name, { zod, statedInCode }] of Object.entries(components)) {
        it(`states the zod schema of ${name}`, () => {
            const expected = z.toJSONSchema(zod(), { io: "input" }) as JsonSchema;
            statedInCode?.(expected);
            assert.deepEqual(validity(document.components.schemas[name]), validity(expected));
        });
    }
});
