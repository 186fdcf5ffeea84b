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
