/**
 * Prepares the services' own documents for tools/fuzz/conformance.sh, from ../shared/reference/:
 *
 * - Microsoft's OpenAPI documents of Graph v1.0 (the slice of the routes the project called first, and
 *   the chain: Conditional Access and app protection), each with the documents' known artefacts
 *   (listed in ../shared/reference/README.md) neutralised by name and nothing else:
 *   1. `additionalProperties: {type: object}` on every type, which under `allOf` refuses a derived
 *      type's properties and every `@odata.*` annotation: removed where it is exactly that;
 *   2. nullable complex (or enum) properties written as a bare `$ref`: made nullable (`nullable: true`
 *      over an `allOf` of the same `$ref`) where v1.0's metadata declares the property nullable, and only there;
 *   3. the full names in paths (`.../microsoft.graph.assign`, `members/microsoft.graph.user/$count`)
 *      need no change: the emulator takes them and the `graph.` alias alike.
 *   Then the operations the emulator serves (its route table) are selected by name; the others
 *   (Graph routes the project never calls) are listed, not run. Nothing here names a route: a route
 *   added to the table is run as soon as a document describes it.
 * - Lookout's Swagger 2.0 for the Mobile Risk API v2, unchanged, with the operations the emulator
 *   serves selected by name (the token exchange and the device list).
 *
 * Usage: node --import tsx tools/fuzz/conformance-documents.ts <reference dir> <out dir>
 * Writes, per Graph document, <name>.json and <name>-operations.txt (graph: the slice, chain: the
 * chain), graph-query-options.json and graph-declared-properties.json for both, lookout-operations.txt; prints one summary line per document.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { routeFor } from "../../contract/graph/routes";
import { mraPaths } from "../../contract/lookout/mra";
import { lookoutPaths } from "../../contract/lookout/routes";
import { canonicalSegments } from "../../emulator/graph";

type Json = Record<string, unknown>;
const [referenceDir, outDir] = process.argv.slice(2);
const schemaPrefix = "#/components/schemas/";

/** Which properties of which type the metadata declares nullable (`Nullable="false"` absent), own properties only. */
function nullableProperties(xml: string): Map<string, Set<string>> {
    const end = xml.indexOf('<Schema Namespace="microsoft.graph.', 10);
    const main = end > 0 ? xml.slice(0, end) : xml;
    const types = new Map<string, Set<string>>();
    for (const m of main.matchAll(/<(EntityType|ComplexType) Name="(\w+)"[^>]*?(\/?)>/g)) {
        if (m[3] === "/") continue;
        const body = main.slice(m.index + m[0].length, main.indexOf(`</${m[1]}>`, m.index));
        const nullable = [...body.matchAll(/<Property Name="(\w+)" Type="[^"]+"([^>]*)>/g)]
            .filter((p) => !/Nullable="false"/.test(p[2]))
            .map((p) => p[1]);
        types.set(`microsoft.graph.${m[2]}`, new Set(nullable));
    }
    return types;
}

/** The Graph documents, by the name their files in the output folder take. */
const graphDocuments = {
    graph: { file: "microsoft-graph-v1.0-openapi-slice.yaml", title: "Microsoft's OpenAPI slice" },
    chain: { file: "microsoft-graph-v1.0-openapi-chain.yaml", title: "Microsoft's OpenAPI chain document" },
} as const;

type QueryOptions = Record<
    string,
    { select?: string[]; expand?: string[]; body?: string[]; directory: boolean; served: string[] }
>;

function prepareGraph(
    name: keyof typeof graphDocuments,
    queryOptions: QueryOptions,
    declared: Record<string, string[]>,
) {
    const { file, title } = graphDocuments[name];
    const document = parse(readFileSync(join(referenceDir, file), "utf8")) as Json;
    const nullable = nullableProperties(readFileSync(join(referenceDir, "microsoft-graph-v1.0-metadata.xml"), "utf8"));
    const schemas = (document.components as Json).schemas as Record<string, Json>;
    // A complex type, or an enum (the chain's `insiderRiskLevels`): a bare $ref to either cannot say null.
    const isObjectSchema = (ref: string) => {
        const target = schemas[ref.slice(schemaPrefix.length)];
        return target !== undefined && ("enum" in target || target.type === "object" || "allOf" in target);
    };

    // 1. additionalProperties: {type: object}, wherever it is exactly that.
    let additional = 0;
    const strip = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(strip);
        if (typeof node !== "object" || node === null) return;
        const o = node as Json;
        const ap = o.additionalProperties as Json | undefined;
        if (ap && typeof ap === "object" && Object.keys(ap).length === 1 && ap.type === "object") {
            delete o.additionalProperties;
            additional++;
        }
        Object.values(o).forEach(strip);
    };
    strip(document);

    // 2. A bare $ref to a complex type on a property the metadata declares nullable.
    let madeNullable = 0;
    for (const [name, schema] of Object.entries(schemas)) {
        const own = nullable.get(name);
        if (!own) continue;
        const parts = [schema, ...((schema.allOf as Json[] | undefined) ?? [])];
        for (const part of parts) {
            const properties = part.properties as Record<string, Json> | undefined;
            for (const [property, value] of Object.entries(properties ?? {})) {
                const ref = value.$ref;
                if (Object.keys(value).length !== 1 || typeof ref !== "string" || !isObjectSchema(ref)) continue;
                if (!own.has(property)) continue;
                properties![property] = { nullable: true, allOf: [{ $ref: ref }] };
                madeNullable++;
            }
        }
    }
    writeFileSync(join(outDir, `${name}.json`), JSON.stringify(document));

    // The operations the emulator serves, and for each GET the names its answer's type declares.
    const selected: string[] = [];
    const notServed: string[] = [];
    const members = (schema: Json | undefined, seen = new Set<string>()): Record<string, Json> => {
        if (!schema) return {};
        if (typeof schema.$ref === "string") {
            const ref = schema.$ref.slice(schemaPrefix.length);
            if (seen.has(ref)) return {};
            seen.add(ref);
            return members(schemas[ref], seen);
        }
        let all: Record<string, Json> = {};
        for (const part of (schema.allOf as Json[] | undefined) ?? []) all = { ...all, ...members(part, seen) };
        return { ...all, ...((schema.properties as Record<string, Json> | undefined) ?? {}) };
    };
    const responses = (document.components as Json).responses as Record<string, Json>;
    const answerType = (operation: Json): Json | undefined => {
        let ok = (operation.responses as Json)["2XX"] as Json | undefined;
        if (typeof ok?.$ref === "string") ok = responses[ok.$ref.replace("#/components/responses/", "")];
        const schema = ((ok?.content as Json | undefined)?.["application/json"] as Json | undefined)?.schema as
            Json | undefined;
        const value = members(schema).value;
        return value?.type === "array" ? (value.items as Json) : schema;
    };
    // Every property each type declares (inherited ones included): with artefact 1 neutralised, the
    // document lets a generator invent others inside a body, which Graph refuses as OData does.
    for (const type of Object.keys(schemas))
        declared[type] = [
            ...new Set([...(declared[type] ?? []), ...Object.keys(members({ $ref: schemaPrefix + type }))]),
        ];
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
        for (const method of ["get", "post", "patch", "put", "delete"]) {
            const operation = item[method] as Json | undefined;
            if (!operation) continue;
            const name = `${method.toUpperCase()} ${path}`;
            const concrete = path.replace(/\{[^}]+\}/g, "x");
            const segments = canonicalSegments(concrete.split("/").filter(Boolean));
            if (!routeFor(method.toUpperCase(), `/${segments.join("/")}`)) {
                notServed.push(name);
                continue;
            }
            selected.push(name);
            const structural = (properties: Record<string, Json>) =>
                Object.keys(properties).filter((p) => !properties[p]["x-ms-navigationProperty"]);
            const entry = {
                directory: /^\/(groups|servicePrincipals)/.test(path),
                served: ["get", "post", "patch", "put", "delete"]
                    .filter((m) => item[m] && routeFor(m.toUpperCase(), `/${segments.join("/")}`))
                    .map((m) => m.toUpperCase()),
            };
            if (method === "get") {
                const properties = members(answerType(operation));
                queryOptions[name] = {
                    ...entry,
                    select: structural(properties),
                    expand: Object.keys(properties).filter((p) => properties[p]["x-ms-navigationProperty"]),
                };
            } else {
                const body = ((operation.requestBody as Json | undefined)?.content as Json | undefined)?.[
                    "application/json"
                ] as Json | undefined;
                queryOptions[name] = { ...entry, body: structural(members(body?.schema as Json | undefined)) };
            }
        }
    }
    writeFileSync(join(outDir, `${name}-operations.txt`), selected.join("\n") + "\n");
    console.log(
        `${title}: ${selected.length} of ${selected.length + notServed.length} operations served by the emulator and run; ` +
            `neutralised: ${additional} additionalProperties {type: object}, ${madeNullable} bare $ref made nullable as the metadata declares; ` +
            `not served (Graph routes the project does not call): ${notServed.join(", ")}`,
    );
}

function prepareLookout() {
    const swagger = JSON.parse(readFileSync(join(referenceDir, "lookout-mra-v2-swagger.json"), "utf8")) as Json;
    const served = new Set([`POST ${lookoutPaths.token}`, `GET ${mraPaths.devices}`, `GET ${mraPaths.threats}`]);
    const all = Object.entries(swagger.paths as Record<string, Json>).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const selected = all.filter((name) => served.has(name));
    writeFileSync(join(outDir, "lookout-operations.txt"), selected.join("\n") + "\n");
    console.log(
        `Lookout's MRA v2 Swagger: ${selected.length} of ${all.length} operations served by the emulator and run (${selected.join(", ")}); the document unchanged`,
    );
}

const queryOptions: QueryOptions = {};
const declaredProperties: Record<string, string[]> = {};
prepareGraph("graph", queryOptions, declaredProperties);
prepareGraph("chain", queryOptions, declaredProperties);
writeFileSync(join(outDir, "graph-query-options.json"), JSON.stringify(queryOptions));
writeFileSync(join(outDir, "graph-declared-properties.json"), JSON.stringify(declaredProperties));
prepareLookout();
