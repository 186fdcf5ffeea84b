/**
 * One access token per client, shared by the Lookout and Microsoft Graph clients: reused until a
 * minute before it expires, renewed on demand when a service refuses it, and requested once for
 * calls made at the same time instead of once per call.
 *
 * Plain functions only: dynamic providers capture this module by value.
 */

export interface AccessToken {
    value: string;
    /** Epoch milliseconds after which the token is not used any more. */
    expiresAt: number;
}

/** When a token that expires at `expiresAt` (epoch ms) stops being used: a minute early, so it never expires between our check and the server's. */
export function renewalTime(expiresAt: number): number {
    return expiresAt - 60_000;
}

/** `requestToken(renew)`: `renew` when the service refused the last token, so the source must not hand back one it cached. */
export function createTokenCache<T extends AccessToken>(requestToken: (renew: boolean) => Promise<T>) {
    let current: T | undefined;
    let pending: { token: Promise<T>; renews: boolean } | undefined;

    /**
     * A valid token: the cached one, or (when there is none, it expired, or `renew`) a fresh one. A
     * renewal asked for while a plain request is on its way follows that request, so it never gets
     * back the token a service just refused.
     */
    function get(renew = false): Promise<T> {
        if (!renew && current && current.expiresAt > Date.now()) return Promise.resolve(current);
        if (pending && (pending.renews || !renew)) return pending.token;
        const before = pending?.token.catch(() => undefined);
        const entry = {
            renews: renew,
            token: Promise.resolve(before)
                .then(() => requestToken(renew))
                .then((token) => (current = token))
                .finally(() => {
                    if (pending === entry) pending = undefined;
                }),
        };
        pending = entry;
        return entry.token;
    }

    /** Forgets the token, so the next call asks for a new one (the service refused it). */
    function invalidate(): void {
        current = undefined;
    }

    return { get, invalidate };
}
