/**
 * The emulator's facts about Graph v1.0 types (contract/graph/model.ts, contract/graph/entities.ts)
 * against Microsoft's published v1.0 metadata (`../shared/reference/microsoft-graph-v1.0-metadata.xml`):
 * every structural and navigation property name of each type, and, for the types the emulator
 * stores whole, each property's EDM kind and nullability (what decides Graph's value for an unset
 * property: `null`, `false`, `0`, `[]`). Skips when the reference folder is absent (a fresh clone).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { entityTypes, assignmentTargetTypes, type EntityProperties } from "../../contract/graph/entities";
import { graphTypes } from "../../contract/graph/model";

const metadataFile = join(__dirname, "../../../shared/reference/microsoft-graph-v1.0-metadata.xml");

interface CsdlProperty {
    name: string;
    type: string;
    nullable: boolean;
}
interface CsdlType {
    base?: string;
    open: boolean;
    properties: CsdlProperty[];
    navigation: Array<{ name: string; many: boolean }>;
}

/** The entity and complex types of the `microsoft.graph` schema (alias `graph`), by simple name. */
function readMetadata(xml: string): Map<string, CsdlType> {
    const end = xml.indexOf('<Schema Namespace="microsoft.graph.', 10);
    const main = end > 0 ? xml.slice(0, end) : xml;
    const types = new Map<string, CsdlType>();
    for (const m of main.matchAll(/<(EntityType|ComplexType) Name="(\w+)"([^>]*?)(\/?)>/g)) {
        const body = m[4] === "/" ? "" : main.slice(m.index + m[0].length, main.indexOf(`</${m[1]}>`, m.index));
        types.set(m[2], {
            base: /BaseType="graph\.(\w+)"/.exec(m[3])?.[1],
            open: /OpenType="true"/.test(m[3]),
            properties: [...body.matchAll(/<Property Name="(\w+)" Type="([^"]+)"([^>]*)>/g)].map((p) => ({
                name: p[1],
                type: p[2],
                nullable: !/Nullable="false"/.test(p[3]),
            })),
            navigation: [...body.matchAll(/<NavigationProperty Name="(\w+)" Type="([^"]+)"/g)].map((n) => ({
                name: n[1],
                many: n[2].startsWith("Collection("),
            })),
        });
    }
    return types;
}

/** A type's own and inherited members, base first. */
function members(types: Map<string, CsdlType>, name: string): Omit<CsdlType, "base" | "open"> {
    const type = types.get(name);
    assert.ok(type, `the metadata declares no type ${name}`);
    const base = type.base ? members(types, type.base) : { properties: [], navigation: [] };
    return {
        properties: [...base.properties, ...type.properties],
        navigation: [...base.navigation, ...type.navigation],
    };
}

const sorted = (names: Iterable<string>) => [...names].sort();

/** The emulator's kind for a metadata type: EDM primitives by name, enums, complex types and collections. */
function kindOf(types: Map<string, CsdlType>, enums: Set<string>, edm: string): string {
    if (edm.startsWith("Collection(")) return "collection";
    if (edm === "Edm.Guid") return "Edm.String";
    if (edm.startsWith("Edm.")) return edm;
    const simple = edm.replace(/^graph\./, "");
    if (enums.has(simple)) return "enum";
    assert.ok(types.has(simple), `unknown type ${edm}`);
    return "complex";
}

describe("Graph v1.0 types the emulator answers, against Microsoft's published metadata", function () {
    if (!existsSync(metadataFile)) {
        it.skip(`skipped: ${metadataFile} is absent (a fresh clone has no ../shared/reference)`);
        return;
    }
    let types: Map<string, CsdlType>;
    let enums: Set<string>;
    before(() => {
        const xml = readFileSync(metadataFile, "utf8");
        types = readMetadata(xml);
        enums = new Set([...xml.matchAll(/<EnumType Name="(\w+)"/g)].map((m) => m[1]));
    });

    for (const [key, model] of Object.entries(graphTypes)) {
        it(`${model.name}: the property and navigation names (and cardinalities) the metadata declares`, () => {
            const declared = members(types, key);
            assert.equal(model.open, types.get(key)!.open, "OpenType");
            assert.deepEqual(sorted(model.properties), sorted(declared.properties.map((p) => p.name)));
            assert.deepEqual(
                model.navigation,
                Object.fromEntries(declared.navigation.map((n) => [n.name, n.many ? "many" : "one"])),
            );
        });
    }

    const stored: Array<[string, EntityProperties]> = [
        ...Object.entries(entityTypes)
            .filter(([type]) => type !== "#microsoft.graph.androidManagedStoreApp") // beta only
            .map(([type, { properties }]): [string, EntityProperties] => [type, properties]),
        ...Object.entries(assignmentTargetTypes),
    ];
    for (const [odataType, properties] of stored) {
        it(`${odataType}: each stored property has the metadata's kind and nullability`, () => {
            const declared = members(types, odataType.replace("#microsoft.graph.", ""));
            const wrong = declared.properties.flatMap((p) => {
                const mine = properties[p.name];
                if (!mine) return [`${p.name}: missing`];
                const kind = kindOf(types, enums, p.type);
                // A collection is never null, whatever its elements' nullability (OData CSDL 4.01, 7.2.1).
                const nullable = kind === "collection" ? false : p.nullable;
                const problems: string[] = [];
                if (mine.kind !== kind) problems.push(`${p.name}: ${mine.kind}, the metadata says ${p.type}`);
                // An enum's unset value is its member 0 (entities.ts), so a nullable enum is read as a non-nullable one.
                if (mine.nullable !== nullable && kind !== "enum")
                    problems.push(`${p.name}: nullable ${mine.nullable}, the metadata says ${nullable}`);
                return problems;
            });
            const extra = Object.keys(properties).filter((name) => !declared.properties.some((p) => p.name === name));
            assert.deepEqual([...wrong, ...extra.map((name) => `${name}: not in the metadata`)], []);
        });
    }
});
