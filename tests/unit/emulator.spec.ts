import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLookoutEmulator } from "../../emulator/server";
import { lookoutPaths } from "../../contract/lookout/routes";
import { sampleConnectorSettings } from "../kit/configFixtures";
import { type EmulatedTenant, startEmulatedTenant } from "../kit/lookoutEmulator";

const connector = sampleConnectorSettings();

describe("Lookout emulator (the contract)", () => {
    let t: EmulatedTenant;
    beforeEach(async () => {
        t = await startEmulatedTenant();
    });
    afterEach(() => t.emulator.close());

    async function token(key = t.applicationKey, body = "grant_type=client_credentials") {
        return fetch(t.emulator.url + lookoutPaths.token, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/x-www-form-urlencoded" },
            body,
        });
    }

    async function call(
        method: string,
        path: string,
        accessToken: string,
        body?: unknown,
        headers: Record<string, string> = {},
    ) {
        return fetch(t.emulator.url + path, {
            method,
            headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    }

    it("issues two-hour bearer tokens for a valid application key", async () => {
        const response = await token();
        assert.equal(response.status, 200);
        const body = await response.json();
        assert.equal(body.token_type, "Bearer"); // Lookout's Swagger: "Always Bearer"
        assert.equal(body.expires_in, 7200);
        assert.ok(Math.abs(body.expires_at - (Date.now() + 7200_000)) < 60_000, "expires_at: ms since the epoch");
        assert.ok(body.access_token.length > 20);
    });

    it("answers an unknown key with RFC 6749 invalid_client", async () => {
        const response = await token("lk_wrong");
        assert.equal(response.status, 401);
        assert.equal((await response.json()).error, "invalid_client");
    });

    it("refuses other grant types", async () => {
        const response = await token(t.applicationKey, "grant_type=password");
        assert.equal(response.status, 400);
        assert.equal((await response.json()).error, "unsupported_grant_type");
    });

    it("answers 401 in Lookout's error schema for a missing or expired token", async () => {
        const missing = await call("GET", lookoutPaths.intuneConnector, "nope");
        assert.equal(missing.status, 401);
        const body = await missing.json();
        assert.deepEqual(Object.keys(body).sort(), ["errorCode", "message", "requestId", "statusCode", "type"]);
        assert.equal(body.type, "Error");

        const { access_token } = await (await token()).json();
        t.emulator.expireTokens();
        const expired = await call("GET", lookoutPaths.intuneConnector, access_token);
        assert.equal(expired.status, 401);
        assert.equal((await expired.json()).errorCode, "TOKEN_EXPIRED");
    });

    it("answers 403 with the missing scope to a key that may only read", async () => {
        const key = t.emulator.store.addLimitedKey(t.emulator.store.tenantById(t.tenantId)!, ["settings:read"]);
        const body = await (await token(key)).json();
        assert.equal(body.scope, "settings:read");
        assert.equal((await call("GET", lookoutPaths.intuneConnector, body.access_token)).status, 404);
        const write = await call("PUT", lookoutPaths.intuneConnector, body.access_token, connector);
        assert.equal(write.status, 403);
        assert.match((await write.json()).message, /lacks the scope settings:write/);
    });

    it("validates payloads with the contract's schemas", async () => {
        const { access_token } = await (await token()).json();
        const response = await call("PUT", lookoutPaths.intuneConnector, access_token, {
            ...connector,
            heartbeatFrequencyMinutes: 1,
        });
        assert.equal(response.status, 400);
        const body = await response.json();
        assert.equal(body.errorCode, "VALIDATION_ERROR");
        assert.match(body.message, /heartbeatFrequencyMinutes/);
    });

    it("stores the connector with an ETag and refuses a stale If-Match", async () => {
        const { access_token } = await (await token()).json();
        assert.equal((await call("GET", lookoutPaths.intuneConnector, access_token)).status, 404);
        const created = await call("PUT", lookoutPaths.intuneConnector, access_token, connector);
        assert.equal(created.status, 201);
        const etag = created.headers.get("etag")!;
        const updated = await call(
            "PUT",
            lookoutPaths.intuneConnector,
            access_token,
            { ...connector, heartbeatFrequencyMinutes: 30 },
            { "if-match": etag },
        );
        assert.equal(updated.status, 200);
        const stale = await call("PUT", lookoutPaths.intuneConnector, access_token, connector, { "if-match": etag });
        assert.equal(stale.status, 412);
        assert.equal((await stale.json()).errorCode, "PRECONDITION_FAILED");
        assert.equal(t.settings().intuneConnector!.value.heartbeatFrequencyMinutes, 30);
    });

    it("patches only the named threat classifications and rejects unknown ones", async () => {
        const { access_token } = await (await token()).json();
        const ok = await call("PATCH", lookoutPaths.threatClassifications, access_token, {
            riskLevels: { ADWARE: "high" },
        });
        assert.equal(ok.status, 200);
        const levels = t.settings().threatClassifications.value;
        assert.equal(levels.ADWARE, "high");
        assert.equal(levels.TROJAN, "high");
        assert.equal(levels.RISKWARE, "low");
        const bad = await call("PATCH", lookoutPaths.threatClassifications, access_token, {
            riskLevels: { NOT_A_THREAT: "low" },
        });
        assert.equal(bad.status, 400);
        assert.match((await bad.json()).message, /NOT_A_THREAT/);
    });

    it("answers 405 with Allow for a method a path does not serve, 404 outside the contract, 400 for a malformed address", async () => {
        const { access_token } = await (await token()).json();
        const post = await call("POST", lookoutPaths.intuneConnector, access_token, connector);
        assert.equal(post.status, 405);
        assert.equal(post.headers.get("allow"), "GET, PUT, DELETE");
        assert.equal((await call("GET", lookoutPaths.token, access_token)).headers.get("allow"), "POST");
        assert.equal((await call("POST", "/console/v1/nothing", access_token, {})).status, 404);
        const malformed = await call("GET", "/console/v1/users/%E0%A4%A/notification-preferences", access_token);
        assert.equal(malformed.status, 400);
        assert.equal((await malformed.json()).errorCode, "VALIDATION_ERROR");
    });

    it("limits each tenant to its requests a minute with 429 and Retry-After", async () => {
        const limited = await startEmulatedTenant({ rateLimitPerMinute: 3 });
        try {
            const statuses: number[] = [];
            let retryAfter: string | null = null;
            for (let i = 0; i < 4; i++) {
                const response = await fetch(limited.emulator.url + lookoutPaths.token, {
                    method: "POST",
                    headers: { authorization: `Bearer ${limited.applicationKey}` },
                    body: "grant_type=client_credentials",
                });
                statuses.push(response.status);
                retryAfter = response.headers.get("retry-after") ?? retryAfter;
            }
            assert.deepEqual(statuses, [200, 200, 200, 429]);
            assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60);
        } finally {
            await limited.emulator.close();
        }
    });

    it("injects the share of faults a test asks for", async () => {
        t.emulator.faults.set([{ kind: "status", status: 503, share: 0.5, retryAfterSeconds: 1 }]);
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await token()).status);
        assert.deepEqual(statuses, [200, 503, 200, 503]);
    });

    it("logs requests without credentials", async () => {
        await token();
        const log = JSON.stringify(t.emulator.requests());
        assert.match(log, /oauth2\/token/);
        assert.ok(!log.includes(t.applicationKey));
    });

    it("keeps tenants in a state file across restarts", async () => {
        const stateFile = join(mkdtempSync(join(tmpdir(), "lookout-emu-")), "state.json");
        const first = await startLookoutEmulator({ stateFile });
        const tenant = first.store.addTenant("fabrikam");
        tenant.threatClassifications.value.ADWARE = "none";
        first.store.persist();
        await first.close();
        const second = await startLookoutEmulator({ stateFile });
        try {
            const again = second.store.tenantByKey(tenant.applicationKeys[0]);
            assert.equal(again?.name, "fabrikam");
            assert.equal(again?.threatClassifications.value.ADWARE, "none");
        } finally {
            await second.close();
        }
    });
});
