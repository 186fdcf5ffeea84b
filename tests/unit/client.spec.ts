import assert from "node:assert/strict";
import { createLookoutClient, validateBaseUrl } from "../../providers/lookout/client";
import { lookoutPaths } from "../../contract/lookout/routes";
import { fastRetry, startEmulatedTenant, useEmulatedTenant } from "../kit/lookoutEmulator";

describe("Lookout client", () => {
    const t = useEmulatedTenant({ eachTest: true });

    const classifications = () => t.console.request("GET", lookoutPaths.threatClassifications);
    const statuses = () => t.emulator.requests().map((r) => r.status);

    it("refuses plain http to any host but loopback", () => {
        assert.throws(() => validateBaseUrl("http://api.lookout.example"), /uses plain http to a non-loopback host/);
        assert.equal(validateBaseUrl("http://127.0.0.1:8787/"), "http://127.0.0.1:8787");
        assert.equal(validateBaseUrl("https://api.lookout.com"), "https://api.lookout.com");
    });

    it("retries 429 honouring Retry-After", async () => {
        const client = createLookoutClient({
            baseUrl: t.emulator.url,
            applicationKey: t.applicationKey,
            retry: { ...fastRetry, maxDelayMs: 5000 },
        });
        t.emulator.faults.set([{ kind: "status", status: 429, retryAfterSeconds: 0.2, limit: 2 }]);
        const started = Date.now();
        const response = await client.request("GET", lookoutPaths.threatClassifications);
        assert.equal(response!.status, 200);
        assert.deepEqual(statuses(), [429, 429, 200, 200]);
        assert.ok(Date.now() - started >= 400, "waited the server's Retry-After twice");
    });

    it("caps a long Retry-After at the policy's longest wait", async () => {
        t.emulator.faults.set([{ kind: "status", status: 429, retryAfterSeconds: 3600, limit: 1 }]);
        const started = Date.now();
        assert.equal((await classifications())!.status, 200);
        assert.ok(Date.now() - started < 2000);
    });

    it("retries 500 and 503 but not 501", async () => {
        t.emulator.faults.set([
            { kind: "status", status: 500, limit: 1 },
            { kind: "status", status: 503, limit: 1 },
        ]);
        assert.equal((await classifications())!.status, 200);
        t.emulator.clearRequests();
        t.emulator.faults.set([{ kind: "status", status: 501, limit: 1 }]);
        await assert.rejects(classifications(), /failed: 501 INJECTED_FAULT/);
        assert.deepEqual(statuses(), [501]);
    });

    it("retries dropped connections", async () => {
        t.emulator.faults.set([{ kind: "drop", limit: 2 }]);
        assert.equal((await classifications())!.status, 200);
    });

    it("abandons an attempt that outlives its timeout and retries", async () => {
        const client = createLookoutClient({
            ...t.connection,
            applicationKey: t.applicationKey,
            retry: { ...fastRetry, attemptTimeoutMs: 200 },
        });
        t.emulator.faults.set([{ kind: "delay", delayMs: 1000, limit: 1 }]);
        const started = Date.now();
        assert.equal((await client.request("GET", lookoutPaths.threatClassifications))!.status, 200);
        assert.ok(Date.now() - started < 1000);
    });

    it("renews an expired token once and repeats the call", async () => {
        await classifications();
        t.emulator.expireTokens();
        t.emulator.clearRequests();
        assert.equal((await classifications())!.status, 200);
        assert.deepEqual(
            t.emulator.requests().map((r) => `${r.method} ${r.status}`),
            ["GET 401", "POST 200", "GET 200"],
        );
    });

    it("asks for one token when calls start together", async () => {
        const client = createLookoutClient({
            baseUrl: t.emulator.url,
            applicationKey: t.applicationKey,
            retry: fastRetry,
        });
        await Promise.all([1, 2, 3, 4].map(() => client.request("GET", lookoutPaths.threatClassifications)));
        assert.equal(t.emulator.requests().filter((r) => r.path === lookoutPaths.token).length, 1);
    });

    it("gives up after its attempts with a message that says what to do", async () => {
        t.emulator.faults.set([{ kind: "status", status: 503 }]);
        await assert.rejects(
            classifications(),
            /did not succeed \(last: HTTP 503; retries: at most 6 attempts within 10 s\).*run `pulumi up` again/,
        );
        assert.equal(t.emulator.requests().length, 6);
    });

    it("explains a revoked key without echoing it", async () => {
        const client = createLookoutClient({ baseUrl: t.emulator.url, applicationKey: "lk_revoked", retry: fastRetry });
        const error = await client.request("GET", lookoutPaths.threatClassifications).catch((e: Error) => e);
        assert.match(String(error), /401 invalid_client.*Check the Lookout application key/);
        assert.ok(!String(error).includes("lk_revoked"));
    });

    it("waits out the per-tenant rate limit instead of failing", async () => {
        const limited = await startEmulatedTenant({ rateLimitPerMinute: 2 });
        try {
            const client = createLookoutClient({
                ...limited.connection,
                applicationKey: limited.applicationKey,
                retry: { ...fastRetry, maxAttempts: 2, maxDelayMs: 10 },
            });
            await client.request("GET", lookoutPaths.threatClassifications);
            await assert.rejects(client.request("GET", lookoutPaths.threatClassifications), /last: HTTP 429/);
        } finally {
            await limited.emulator.close();
        }
    });
});
