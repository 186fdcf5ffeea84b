/**
 * The services' endpoints: their public defaults, and which URLs a run may send credentials to
 * (https, or plain http to loopback only, where the emulator runs).
 */

export const defaultLookoutBaseUrl = "https://api.lookout.com";
export const defaultGraphBaseUrl = "https://graph.microsoft.com/v1.0";
export const defaultAuthorityHost = "https://login.microsoftonline.com";

export function isLoopbackUrl(url: string): boolean {
    return ["127.0.0.1", "localhost", "[::1]", "::1"].includes(new URL(url).hostname);
}

/** Refuses plain http except on loopback. Returns the URL without a trailing slash. */
export function validateServiceUrl(raw: string, key: string, example: string): string {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw new Error(`${key} '${raw}' is not a valid URL; use e.g. ${example}`);
    }
    if (url.protocol === "http:" && !isLoopbackUrl(raw)) {
        throw new Error(
            `${key} '${raw}' uses plain http to a non-loopback host; credentials would travel unencrypted. Use https (http is accepted only for 127.0.0.1, ::1 and localhost).`,
        );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new Error(`${key} '${raw}' must be an https URL`);
    }
    return url.toString().replace(/\/+$/, "");
}

/**
 * A Microsoft Graph v1.0 root (`https://graph.microsoft.com/v1.0`, a national cloud's, or the
 * emulator's on loopback): the path ends in `/v1.0`. Every route and body this project sends is
 * v1.0's; beta accepts most of them with other shapes and defaults, so a beta root is refused.
 */
export function validateGraphBaseUrl(raw: string, key: string): string {
    const url = validateServiceUrl(raw, key, defaultGraphBaseUrl);
    const path = new URL(url).pathname;
    if (!/\/v1\.0$/.test(path)) {
        const version = /\/(beta|v\d[^/]*)$/.exec(path)?.[1];
        throw new Error(
            `${key} '${raw}' ${version ? `names Graph's ${version} endpoint` : "is not a Graph v1.0 root"}; this project speaks Graph v1.0: use e.g. ${defaultGraphBaseUrl} (the path must end in /v1.0)`,
        );
    }
    return url;
}

/**
 * Microsoft's national clouds (Learn, "Microsoft Graph national cloud deployments"): each Graph root
 * has its own sign-in host, and a token must be asked for that Graph's own origin
 * (`https://graph.microsoft.us/.default`, never the global one).
 */
export const microsoftClouds = [
    { name: "global", graphOrigin: "https://graph.microsoft.com", authorityHost: "https://login.microsoftonline.com" },
    {
        name: "US Government L4",
        graphOrigin: "https://graph.microsoft.us",
        authorityHost: "https://login.microsoftonline.us",
    },
    {
        name: "US Government L5 (DOD)",
        graphOrigin: "https://dod-graph.microsoft.us",
        authorityHost: "https://login.microsoftonline.us",
    },
    {
        name: "China (21Vianet)",
        graphOrigin: "https://microsoftgraph.chinacloudapi.cn",
        authorityHost: "https://login.chinacloudapi.cn",
    },
] as const;

/** The token scope for a Graph root: its origin's `.default` (the emulator's on loopback). */
export function graphScopeFor(graphBaseUrl: string): string {
    return `${new URL(graphBaseUrl).origin}/.default`;
}

/** A delegated Graph scope as the token request names it: qualified by the Graph root's origin. */
export function qualifiedScope(graphBaseUrl: string, scope: string): string {
    return `${new URL(graphBaseUrl).origin}/${scope}`;
}

/** The sign-in host of the cloud a Graph root belongs to; the global one for a root no cloud lists. */
export function authorityHostFor(graphBaseUrl: string): string {
    const origin = new URL(graphBaseUrl).origin;
    return microsoftClouds.find((c) => c.graphOrigin === origin)?.authorityHost ?? defaultAuthorityHost;
}
