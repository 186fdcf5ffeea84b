/**
 * The Microsoft Graph client of the Intune providers and the group checks. Routes and the
 * permission each needs live in `contract/graph/routes.ts`, so a 401 or 403 names what to grant.
 * Retries follow Graph's throttling guidance: 429, 503 and 504 (and dropped connections),
 * honouring `Retry-After` up to a cap. Lists are read through `listAll`, which follows
 * `@odata.nextLink`.
 */
import type { z } from "zod";
import { validateGraphBaseUrl } from "../../contract/endpoints";
import { type GraphVersion, requiredPermission } from "../../contract/graph/routes";
import { pageSchema } from "../../contract/graph/schemas";
import { defaultRetryPolicy, type RetryPolicy, sendWithRetry } from "../http/retry";
import { conditionalAccessWriterRoles } from "../../contract/graph/conditionalAccess";
import { identityOf, intuneRoleAdvice, missingPermissions, permissionAdvice, type SignedInIdentity } from "./identity";

export interface GraphClientSettings {
    baseUrl: string;
    /** The cloud's sign-in host, for the admin-consent URL. */
    authorityHost?: string;
    /** How the run signs in, for messages. */
    signIn?: string;
    /** Returns an access token for Graph; `forceRefresh` after the service rejected one. */
    getToken(forceRefresh: boolean): Promise<string>;
    retry?: Partial<RetryPolicy>;
}

export function graphApiError(
    method: string,
    path: string,
    status: number,
    body: unknown,
    version: GraphVersion = "v1.0",
    identity?: SignedInIdentity,
): Error {
    const error =
        ((body ?? {}) as { error?: { code?: string; message?: string; innerError?: Record<string, unknown> } }).error ??
        {};
    const code = error.code ?? `HTTP_${status}`;
    const requestId = error.innerError?.["request-id"] ? ` (request-id ${error.innerError["request-id"]})` : "";
    let hint = "";
    if (status === 401)
        hint =
            " The Graph token was refused; check the identity the run signs in with (graph:signIn: `npm run sign-in` for a person, AZURE_CLIENT_ID with workload identity, a certificate or a secret for a pipeline).";
    if (status === 403)
        hint = ` ${refusalHint(error.message ?? "", path, requiredPermission(method, path, version), identity)}.`;
    if (/not applicable to target tenant/i.test(error.message ?? ""))
        hint =
            " Intune does not serve this tenant: it needs an Intune licence (and Intune as its MDM authority) before the onboarding can write there.";
    const where = version === "v1.0" ? path : `/${version}${path}`;
    return Object.assign(
        new Error(
            `Microsoft Graph ${method} ${where} failed: ${status} ${code}${error.message ? ": " + error.message : ""}${requestId}.${hint}`,
        ),
        {
            status,
            errorCode: code,
            /** The least-privileged permission the refused request needed. */
            permission: requiredPermission(method, path, version),
        },
    );
}

/** The permission a Graph refusal (403) names, or undefined for any other error: what a read that may be skipped reports. */
export function refusedPermission(err: unknown): string | undefined {
    const e = err as { status?: number; permission?: string };
    return e.status === 403 ? (e.permission ?? "a permission it lacks") : undefined;
}

/**
 * Why Graph refused a request, in the identity's terms: a missing permission of the right kind, a
 * person's missing Intune role (Intune's words: "not authorized" with no scope named), or a licence.
 */
function refusalHint(
    message: string,
    path: string,
    permission: string,
    identity: SignedInIdentity | undefined,
): string {
    if (identity?.kind === "user" && !/scope/i.test(message) && /not authorized|role/i.test(message)) {
        const roles = path.startsWith("/identity/conditionalAccess")
            ? `a role that may write Conditional Access policies: ${Object.values(conditionalAccessWriterRoles).join(", ")}`
            : intuneRoleAdvice;
        return `${identity.name ?? "The signed-in user"} needs ${roles}`;
    }
    if (/licen[cs]e/i.test(message))
        return "The tenant (or the user) lacks the licence Intune needs: assign an Intune licence";
    return `The request needs ${permissionAdvice(identity, [permission])}`;
}

export interface GraphRequestOptions<T> {
    body?: unknown;
    schema?: z.ZodType<T>;
    allow404?: boolean;
    /** Whether repeating is harmless; by default everything but a POST that creates (`.../assign` replaces). */
    idempotent?: boolean;
    /** Extra request headers, such as `ConsistencyLevel: eventual` for advanced queries. */
    headers?: Record<string, string>;
    /** v1.0 unless the route is beta-only (contract/graph/routes.ts). */
    version?: GraphVersion;
}

type GraphMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** What one client's requests share: how to sign in, how to retry, where Graph is. */
interface GraphContext {
    settings: GraphClientSettings;
    policy: RetryPolicy;
    baseUrlOf(version: GraphVersion): string;
}

// Graph's guidance: 429, 503 and 504 mean "not processed, try later". A 500 or 502 may hide a
// success, so only requests that are safe to repeat retry them.
const retryable = (idempotent: boolean) => (status: number) =>
    status === 429 || status === 503 || status === 504 || (idempotent && (status === 500 || status === 502));

/** `$count` segments answer a plain integer as text/plain; everything else is JSON. */
async function readBody(response: Response): Promise<unknown> {
    const text = await response.text();
    if (!text) return undefined;
    return (response.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text;
}

async function graphRequest<T>(
    ctx: GraphContext,
    method: GraphMethod,
    path: string,
    options: GraphRequestOptions<T> = {},
): Promise<{ status: number; body: T } | undefined> {
    const version = options.version ?? "v1.0";
    const idempotent = options.idempotent ?? (method !== "POST" || path.endsWith("/assign"));
    // As in the Lookout client: up to two renewals when Graph refuses a token as expired.
    for (let renewals = 0; ; renewals++) {
        const token = await ctx.settings.getToken(renewals > 0);
        const headers: Record<string, string> = {
            ...options.headers,
            authorization: `Bearer ${token}`,
            accept: "application/json",
        };
        if (options.body !== undefined) headers["content-type"] = "application/json";
        const response = await sendWithRetry(
            {
                method,
                url: ctx.baseUrlOf(version) + path,
                headers,
                body: options.body === undefined ? undefined : JSON.stringify(options.body),
                describe: `Microsoft Graph ${method} ${version === "v1.0" ? "" : `/${version}`}${path}`,
                idempotent,
            },
            ctx.policy,
            retryable(idempotent),
        );
        if (response.status === 401 && renewals < 2) {
            await response.body?.cancel();
            continue;
        }
        const body = await readBody(response);
        if (response.status === 404 && options.allow404) return undefined;
        if (!response.ok) throw graphApiError(method, path, response.status, body, version, identityOf(token));
        return { status: response.status, body: options.schema ? options.schema.parse(body) : (body as T) };
    }
}

/** A next link as a path below the base URL; Graph's links are absolute. */
function relativeToBase(link: string | undefined, base: string): string | undefined {
    if (!link) return undefined;
    if (link.startsWith("/")) return link;
    if (!link.startsWith(base + "/")) throw new Error(`Microsoft Graph returned a next link outside ${base}: ${link}`);
    return link.slice(base.length);
}

type ListOptions = { headers?: Record<string, string>; version?: GraphVersion };

/** Reading collections: pages following `@odata.nextLink`, or every item at once. */
function collections(ctx: GraphContext) {
    /**
     * The pages of a collection, following `@odata.nextLink` (absolute URLs on the same Graph) until
     * the last page or until the caller stops; items are parsed leniently by `item`.
     */
    async function* pages<T extends z.ZodType>(
        path: string,
        item: T,
        options: ListOptions = {},
    ): AsyncGenerator<Array<z.infer<T>>> {
        const schema = pageSchema(item);
        for (let next: string | undefined = path; next;) {
            const page: z.infer<typeof schema> = (await graphRequest(ctx, "GET", next, { ...options, schema }))!.body;
            yield page.value;
            next = relativeToBase(page["@odata.nextLink"], ctx.baseUrlOf(options.version ?? "v1.0"));
        }
    }

    /** Every item of a collection (see `pages`). */
    async function listAll<T extends z.ZodType>(
        path: string,
        item: T,
        options: ListOptions = {},
    ): Promise<Array<z.infer<T>>> {
        const items: Array<z.infer<T>> = [];
        for await (const page of pages(path, item, options)) items.push(...page);
        return items;
    }

    return { pages, listAll };
}

/** Who the token speaks for: the identity, what it may do, and its tenant. */
function signedIn(settings: GraphClientSettings) {
    /** Who the token speaks for (app or person, tenant, permissions), or undefined for an opaque token. */
    async function identity(): Promise<SignedInIdentity | undefined> {
        return identityOf(await settings.getToken(false));
    }

    /** Fails before any write when the token shows the identity lacks a permission the next writes need. */
    async function assertPermissions(required: Array<string | readonly string[]>, what: string): Promise<void> {
        const who = await identity();
        const missing = who ? missingPermissions(who, required) : [];
        if (missing.length > 0)
            throw new Error(`${what} needs ${permissionAdvice(who, missing)}. Nothing was changed.`);
    }

    /** The Entra tenant of the signed-in identity, from its token's `tid` claim: never typed by hand. */
    async function tenantId(): Promise<string> {
        const tid = (await identity())?.tenantId;
        if (tid) return tid;
        throw new Error(
            "The Graph access token names no tenant (tid claim); sign in with a work or school identity of the tenant.",
        );
    }

    return { identity, assertPermissions, tenantId };
}

export function createGraphClient(settings: GraphClientSettings) {
    const policy: RetryPolicy = { ...defaultRetryPolicy, ...(settings.retry ?? {}) };
    const baseUrl = validateGraphBaseUrl(settings.baseUrl, "graph:baseUrl");
    /** The same Graph's beta endpoint, for the reads v1.0 cannot make (see GraphVersion). */
    const baseUrlOf = (version: GraphVersion) =>
        version === "v1.0" ? baseUrl : baseUrl.slice(0, -"/v1.0".length) + "/beta";
    const ctx: GraphContext = { settings, policy, baseUrlOf };
    const request = <T>(method: GraphMethod, path: string, options?: GraphRequestOptions<T>) =>
        graphRequest<T>(ctx, method, path, options);
    return {
        baseUrl,
        authorityHost: settings.authorityHost,
        signIn: settings.signIn,
        policy,
        request,
        ...collections(ctx),
        ...signedIn(settings),
    };
}

export type GraphClient = ReturnType<typeof createGraphClient>;
