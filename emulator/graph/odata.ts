/**
 * The OData query options the emulated Graph honours, as Microsoft documents them:
 *
 * - paging (Learn, "Paging Microsoft Graph data in your app"): a default page, `$top` up to 999,
 *   `@odata.nextLink` as an absolute URL carrying every original query option plus `$skiptoken`;
 * - `$count` and `ConsistencyLevel: eventual` (Learn, "Advanced query capabilities on Microsoft
 *   Entra ID objects", error handling): the `/$count` segment without the header is refused with
 *   `Request_BadRequest`, `?$count=true` without it is silently ignored;
 * - `$filter` on displayName with `startswith`/`eq`, `$search`, `$orderby`;
 * - `$select` and `$expand` of the names the answer's type declares (contract/graph/model.ts, from
 *   v1.0's metadata); any other name is refused as Graph refuses it;
 * - `$count=true|false` only (OData 4.01 URL Conventions, 5.1.3; the OpenAPI document types it boolean);
 * - `$skip`: refused by the directory, honoured by Intune (see `skipOf`).
 */
import type { TypeModel } from "../../contract/graph/model";
import { badRequest, GraphError, unsupportedQuery } from "./errors";

/** A request as the query options see it. */
export interface ODataRequest {
    /** Origin the client reached the emulator on, for absolute `@odata.nextLink`s. */
    origin: string;
    /** The request path as sent (under the Graph prefix). */
    path: string;
    query: URLSearchParams;
    /** The client sent `ConsistencyLevel: eventual`. */
    eventual: boolean;
}

/**
 * What a route answers with: the type its entity (or each item) is declared as, which decides the
 * names `$select` and `$expand` may use, and whether the directory (Entra) or Intune serves it.
 */
export interface Answer<T = unknown> {
    type: TypeModel;
    service: "directory" | "intune" | "identity";
    /**
     * A navigation property's related entities the emulator holds (an assignment list, a group's
     * members); undefined for one it holds none of, which then expands as the tenant has none: `[]`,
     * or null for a single-valued one.
     */
    navigation?: (item: T, name: string) => unknown;
    /** The stored object behind an item, for a selected property the default view leaves out. */
    stored?: (item: T) => Record<string, unknown>;
}

/** A collection read a page at a time, so a large generated one is never materialised. */
export interface Sequence<T> {
    length: number;
    slice(start: number, end: number): T[];
}

export function arraySequence<T>(items: readonly T[]): Sequence<T> {
    return { length: items.length, slice: (start, end) => items.slice(start, end) };
}

/** Graph's default page for directory collections ("List group members": more than 100 members page). */
export const defaultPageSize = 100;
export const maxPageSize = 999;

/** A collection's page sizes: its default page, and the largest `$top` it accepts. */
export interface PageLimits {
    default: number;
    max: number;
}
const directoryPages: PageLimits = { default: defaultPageSize, max: maxPageSize };

function pageSize(req: ODataRequest, limits: PageLimits): number {
    const top = req.query.get("$top");
    if (top === null) return limits.default;
    const size = Number(top);
    if (!Number.isInteger(size) || size < 1 || size > limits.max) {
        throw unsupportedQuery(`Invalid page size specified: '${top}'. Must be between 1 and ${limits.max} inclusive.`);
    }
    return size;
}

/**
 * Where a page starts. `$skiptoken` is opaque to clients; here it carries the offset of the next
 * page (counting any `$skip`). `$skip` is refused by the directory, with the service's own error
 * (microsoftgraph/msgraph-metadata#135: the OpenAPI document declares `$skip` on `/groups` and
 * `/users`, the service answers 400 "'$skip' is not supported by the service."; Learn's "List
 * groups" and "List group members" say the same); Intune's lists take it as OData defines it
 * (URL Conventions 5.1.6: skip the first n items).
 */
function skipOf(req: ODataRequest, service: Answer["service"]): number {
    const token = req.query.get("$skiptoken");
    const skip = req.query.get("$skip");
    if (skip !== null) {
        if (service === "directory")
            throw new GraphError(400, "Request_BadRequest", "'$skip' is not supported by the service.");
        if (!/^\d+$/.test(skip))
            throw badRequest(
                `Invalid value '${skip}' for $skip query option found. It must be a non-negative integer.`,
            );
    }
    if (token === null) return skip === null ? 0 : Number(skip);
    const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!match) throw badRequest(`The skip token '${token}' is not valid.`);
    return Number(match[1]);
}

function nextLinkFor(req: ODataRequest, offset: number): string {
    const options = [...req.query.entries()].filter(([name]) => name !== "$skiptoken");
    options.push(["$skiptoken", Buffer.from(`offset:${offset}`).toString("base64url")]);
    return `${req.origin}${req.path}?${options.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&")}`;
}

/**
 * `$count` is `true` or `false` (OData 4.01 URL Conventions, 5.1.3; the OpenAPI document's `count`
 * parameter is a boolean); anything else is refused.
 */
function countOption(req: ODataRequest): boolean | undefined {
    const raw = req.query.get("$count");
    if (raw === null) return undefined;
    const value = raw.toLowerCase();
    if (value !== "true" && value !== "false")
        throw badRequest(`Invalid value '${raw}' for $count query option found. Valid values are 'true' and 'false'.`);
    return value === "true";
}

/** `?$count=true` counts only in an advanced query; without the header Graph ignores it. */
function countRequested(req: ODataRequest): boolean {
    return countOption(req) === true && req.eventual;
}

/** A `/$count` segment needs the advanced query header. */
export function requireAdvancedCount(req: ODataRequest): void {
    if (!req.eventual) throw new GraphError(400, "Request_BadRequest", "$count is not currently supported.");
}

/** The comma-separated names of `$select` or `$expand`, each checked against the answer's type. */
function namesOf<T>(req: ODataRequest, option: "$select" | "$expand", answer: Answer<T>): string[] | undefined {
    const raw = req.query.get(option);
    if (raw === null) return undefined;
    const names = raw.split(",").map((name) => name.trim());
    const { type } = answer;
    for (const name of names) {
        const known =
            option === "$expand"
                ? name in type.navigation
                : // An open type (the directory's) may hold properties it does not declare (OData CSDL 4.01, 6.3).
                  name === "*" ||
                  type.properties.includes(name) ||
                  name in type.navigation ||
                  (type.open && /^\w+$/.test(name));
        if (!known) {
            // The service's text (e.g. microsoftgraph/msgraph-sdk-powershell#2103 for the directory's `$expand`).
            throw new GraphError(
                400,
                answer.service === "directory" ? "Request_BadRequest" : "BadRequest",
                `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type '${type.name}'.`,
            );
        }
    }
    return names;
}

/** Checks the query options that shape an entity (`$select`, `$expand`, `$count`) before anything is read. */
export function checkShapeOptions<T>(req: ODataRequest, answer: Answer<T>): void {
    namesOf(req, "$select", answer);
    namesOf(req, "$expand", answer);
    countOption(req);
}

/**
 * One entity as `$select` and `$expand` shape it: the selected properties (and the item's
 * `@odata.type`, which Graph keeps on derived types; a navigation property selected without being
 * expanded adds nothing), then each expanded navigation property.
 */
export function shapeEntity<T>(
    view: Record<string, unknown>,
    item: T,
    req: ODataRequest,
    answer: Answer<T>,
): Record<string, unknown> {
    const select = namesOf(req, "$select", answer);
    const expand = namesOf(req, "$expand", answer) ?? [];
    let shaped = view;
    if (select && !select.includes("*")) {
        shaped = "@odata.type" in view ? { "@odata.type": view["@odata.type"] } : {};
        const stored = answer.stored?.(item);
        for (const name of select) {
            if (name in answer.type.navigation) continue;
            const value = name in view ? view[name] : stored?.[name];
            if (value !== undefined) shaped[name] = value;
            // A declared property nobody set reads as null; an open type's undeclared one is absent.
            else if (answer.type.properties.includes(name)) shaped[name] = null;
        }
    }
    if (expand.length === 0) return shaped;
    shaped = { ...shaped };
    for (const name of expand) {
        const related = answer.navigation?.(item, name);
        shaped[name] = related !== undefined ? related : answer.type.navigation[name] === "many" ? [] : null;
    }
    return shaped;
}

/** An entity answer: `@odata.context` when given, the entity shaped by `$select` and `$expand`. */
export function entityBody<T>(
    req: ODataRequest,
    item: T,
    view: Record<string, unknown>,
    answer: Answer<T>,
    context?: string,
): Record<string, unknown> {
    checkShapeOptions(req, answer);
    return { ...(context ? { "@odata.context": context } : {}), ...shapeEntity(view, item, req, answer) };
}

/** One page of a collection, with `@odata.count` and `@odata.nextLink` where they apply. */
export function collectionPage<T>(
    req: ODataRequest,
    items: Sequence<T>,
    view: (item: T) => Record<string, unknown>,
    answer: Answer<T>,
    context?: string,
    limits: PageLimits = directoryPages,
): Record<string, unknown> {
    checkShapeOptions(req, answer);
    items = intuneOrder(req, items, view, answer);
    const size = pageSize(req, limits);
    const start = skipOf(req, answer.service);
    const end = Math.min(start + size, items.length);
    const page: Record<string, unknown> = {};
    if (context) page["@odata.context"] = context;
    if (countRequested(req)) page["@odata.count"] = items.length;
    page.value = items.slice(start, end).map((item) => shapeEntity(view(item), item, req, answer));
    if (end < items.length) page["@odata.nextLink"] = nextLinkFor(req, end);
    return page;
}

/**
 * `$orderby` on an Intune list: comma-separated clauses, each a structural property of the declared
 * type with `asc` (the default) or `desc` (OData 4.01 URL Conventions, 5.1.4); an unknown name or a
 * malformed clause is refused. The directory's lists order in `refine` (displayName only).
 */
function intuneOrder<T>(
    req: ODataRequest,
    items: Sequence<T>,
    view: (item: T) => Record<string, unknown>,
    answer: Answer<T>,
): Sequence<T> {
    const raw = req.query.get("$orderby");
    if (raw === null || answer.service !== "intune") return items;
    const clauses = raw.split(",").map((clause) => {
        const match = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(clause);
        if (!match) throw badRequest(`Syntax error in the $orderby clause '${clause}'.`);
        if (!answer.type.properties.includes(match[1]))
            throw badRequest(
                `Could not find a property named '${match[1]}' on type '${answer.type.name}' to order by.`,
            );
        return { name: match[1], direction: match[2]?.toLowerCase() === "desc" ? -1 : 1 };
    });
    const rank = (value: unknown) => (value === null || value === undefined ? "" : String(value));
    const sorted = items.slice(0, items.length).sort((a, b) => {
        for (const { name, direction } of clauses) {
            const [x, y] = [view(a)[name], view(b)[name]];
            const order =
                typeof x === "number" && typeof y === "number"
                    ? x - y
                    : rank(x).localeCompare(rank(y), "en", { sensitivity: "base" });
            if (order !== 0) return direction * order;
        }
        return 0;
    });
    return arraySequence(sorted);
}

/**
 * Applies `$filter`, `$search` and `$orderby` on displayName, the forms Learn's directory examples
 * use. Any of them reads the whole collection; without them the collection stays lazy.
 */
export function refine<T>(
    req: ODataRequest,
    items: Sequence<T>,
    displayName: (item: T) => string | null | undefined,
): Sequence<T> {
    const filter = req.query.get("$filter");
    const search = req.query.get("$search");
    const orderby = req.query.get("$orderby");
    if (filter === null && search === null && orderby === null) return items;
    if (filter !== null && orderby !== null && !countRequested(req)) {
        // Learn: "$filter and $orderby in the same query" is an advanced query.
        throw unsupportedQuery("Sorting not supported for current query.");
    }
    let all = items.slice(0, items.length);
    if (filter !== null) {
        const keep = displayNameFilter(filter);
        all = all.filter((item) => keep(displayName(item) ?? ""));
    }
    if (search !== null) {
        const matches = displayNameSearch(req, search);
        all = all.filter((item) => matches(displayName(item) ?? ""));
    }
    if (orderby !== null) {
        const direction = displayNameOrder(orderby);
        all = [...all].sort(
            (a, b) =>
                direction * (displayName(a) ?? "").localeCompare(displayName(b) ?? "", "en", { sensitivity: "base" }),
        );
    }
    return arraySequence(all);
}

/** An OData string literal's value: single quotes doubled inside. */
const literal = "'((?:[^']|'')*)'";
const unquote = (value: string) => value.replace(/''/g, "'");

/**
 * `startswith(displayName,'x')` in any case and spacing (Learn writes both `startswith` and
 * `startsWith(displayName, 'x')`), or `displayName eq 'x'`; both compare ignoring case, as Graph's
 * directory does.
 */
function displayNameFilter(filter: string): (name: string) => boolean {
    const startsWith = new RegExp(`^\\s*startswith\\(\\s*displayName\\s*,\\s*${literal}\\s*\\)\\s*$`, "i").exec(filter);
    if (startsWith) {
        const prefix = unquote(startsWith[1]).toLowerCase();
        return (name) => name.toLowerCase().startsWith(prefix);
    }
    const equals = new RegExp(`^\\s*displayName\\s+eq\\s+${literal}\\s*$`).exec(filter);
    if (equals) {
        const value = unquote(equals[1]).toLowerCase();
        return (name) => name.toLowerCase() === value;
    }
    throw unsupportedQuery(
        `Unsupported or invalid query filter clause specified for property 'displayName' of resource 'directoryObject': ${filter}`,
    );
}

/**
 * `$search="displayName:x"`: only in advanced queries (Learn's documented error), matching the
 * words of displayName that start with x, as Graph's tokenized search does.
 */
function displayNameSearch(req: ODataRequest, search: string): (name: string) => boolean {
    if (!req.eventual) {
        throw unsupportedQuery(
            "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
        );
    }
    const clause = /^"displayName:([^"]*)"$/.exec(search.trim());
    if (!clause) throw unsupportedQuery(`Unsupported $search clause: ${search}`);
    const term = clause[1].toLowerCase();
    return (name) =>
        name
            .toLowerCase()
            .split(/[^\p{L}\p{N}]+/u)
            .some((word) => word.startsWith(term));
}

function displayNameOrder(orderby: string): 1 | -1 {
    const clause = /^\s*displayName(?:\s+(asc|desc))?\s*$/i.exec(orderby);
    if (!clause) throw unsupportedQuery(`Unsupported $orderby clause: ${orderby}`);
    return clause[1]?.toLowerCase() === "desc" ? -1 : 1;
}
