import assert from "node:assert/strict";
import { createTokenCache } from "../../providers/http/tokenCache";

describe("token cache", () => {
    /** A token source that counts its requests and answers when told to. */
    function source() {
        const asked: boolean[] = [];
        const answers: Array<() => void> = [];
        const request = (renew: boolean) =>
            new Promise<{ value: string; expiresAt: number }>((resolve) => {
                asked.push(renew);
                const value = `token-${asked.length}`;
                answers.push(() => resolve({ value, expiresAt: Date.now() + 3_600_000 }));
            });
        return { asked, answers, request };
    }
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    it("asks once for calls made at the same time, and reuses the token", async () => {
        const s = source();
        const cache = createTokenCache(s.request);
        const both = Promise.all([cache.get(), cache.get()]);
        await settle();
        s.answers[0]();
        assert.deepEqual(
            (await both).map((t) => t.value),
            ["token-1", "token-1"],
        );
        assert.equal((await cache.get()).value, "token-1");
        assert.deepEqual(s.asked, [false]);
    });

    it("follows a plain request on its way with a renewal, never handing back the refused token", async () => {
        const s = source();
        const cache = createTokenCache(s.request);
        const plain = cache.get();
        const renewed = cache.get(true);
        await settle();
        s.answers[0]();
        assert.equal((await plain).value, "token-1");
        await settle();
        s.answers[1]();
        assert.equal((await renewed).value, "token-2");
        assert.deepEqual(s.asked, [false, true]);
    });
});
