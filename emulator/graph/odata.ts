/**
 * The OData query options the emulated Graph honours, as Microsoft documents them:
 *
 * - paging (Learn, "Paging Microsoft Graph data in your app"): a default page, `$top` up to 999,
 *   `@odata.nextLink` as an absolute URL carrying every original query option plus `$skiptoken`;
 * - `$count` and `ConsistencyLevel: eventual` (Learn, "Advanced query capabilities on Microsoft
 *   Entra ID objects", error handling): the `/$count` segment without the header is refused with
 *   `Request_BadRequest`, `?$count=true` without it is silently ignored;
 * - `$filter` on displayName with `startswith`/`eq`, `$search`, `$orderby` and `$select`.
 */
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

/** `$skiptoken` is opaque to clients; here it carries the offset of the next page. */
function skipOf(req: ODataRequest): number {
    const token = req.query.get("$skiptoken");
    if (token === null) return 0;
    const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!match) throw badRequest(`The skip token '${token}' is not valid.`);
    return Number(match[1]);
}

function nextLinkFor(req: ODataRequest, offset: number): string {
    const options = [...req.query.entries()].filter(([name]) => name !== "$skiptoken");
    options.push(["$skiptoken", Buffer.from(`offset:${offset}`).toString("base64url")]);
    return `${req.origin}${req.path}?${options.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("&")}`;
}

/** `?$count=true` counts only in an advanced query; without the header Graph ignores it. */
function countRequested(req: ODataRequest): boolean {
    return req.eventual && req.query.get("$count")?.toLowerCase() === "true";
}

/** A `/$count` segment needs the advanced query header. */
export function requireAdvancedCount(req: ODataRequest): void {
    if (!req.eventual) throw new GraphError(400, "Request_BadRequest", "$count is not currently supported.");
}

/** `$select=a,b`: only those properties (and the item's `@odata.type`, which Graph keeps on derived types). */
export function selectProperties(entity: Record<string, unknown>, req: ODataRequest): Record<string, unknown> {
    const select = req.query.get("$select");
    if (!select) return entity;
    const names = select
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean);
    const selected: Record<string, unknown> = "@odata.type" in entity ? { "@odata.type": entity["@odata.type"] } : {};
    for (const name of names) selected[name] = entity[name] ?? null;
    return selected;
}

/** One page of a collection, with `@odata.count` and `@odata.nextLink` where they apply. */
export function collectionPage<T>(
    req: ODataRequest,
    items: Sequence<T>,
    view: (item: T) => Record<string, unknown>,
    context?: string,
    limits: PageLimits = directoryPages,
): Record<string, unknown> {
    const size = pageSize(req, limits);
    const start = skipOf(req);
    const end = Math.min(start + size, items.length);
    const page: Record<string, unknown> = {};
    if (context) page["@odata.context"] = context;
    if (countRequested(req)) page["@odata.count"] = items.length;
    page.value = items.slice(start, end).map((item) => selectProperties(view(item), req));
    if (end < items.length) page["@odata.nextLink"] = nextLinkFor(req, end);
    return page;
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
