/**
 * The Lookout endpoint check against a server shaped like a public API gateway: it exchanges the
 * key, then answers the settings contract's paths with an HTML 404 (no source shows what
 * api.lookout.com answers for an unknown path, so a non-JSON page must be read too).
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLookoutClient } from "../../providers/lookout/client";
import { checkLookoutEndpoint } from "../../providers/lookout/endpointCheck";
import { fastRetry } from "../kit/lookoutEmulator";

function gateway(
    unknownPath: { status: number; contentType: string; body: string },
    scope = "mra:read",
): Promise<Server> {
    const server = createServer((req, res) => {
        if (req.url === "/oauth2/token") {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ access_token: "t", token_type: "bearer", expires_in: 7200, scope }));
            return;
        }
        res.writeHead(unknownPath.status, { "content-type": unknownPath.contentType });
        res.end(unknownPath.body);
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("Lookout endpoint check", () => {
    let server: Server | undefined;
    afterEach(() => server?.close());
    const client = (s: Server) =>
        createLookoutClient({
            baseUrl: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
            applicationKey: "lk_test",
            retry: fastRetry,
        });

    it("stops on an HTML 404, saying the endpoint serves no settings contract", async () => {
        server = await gateway({
            status: 404,
            contentType: "text/html",
            body: "<html><body><h1>404 Not Found</h1></body></html>",
        });
        const err = await checkLookoutEndpoint("api", client(server)).then(
            () => assert.fail("must stop"),
            (e: Error) => e,
        );
        assert.match(
            err.message,
            /accepted the application key but does not serve this project's console-settings contract \(GET \/console\/v1\/threat-classifications answered 404\)/,
        );
        assert.match(err.message, /lookout:settingsMode checklist/);
    });

    it("reads a gateway's 403 for a token without any settings scope as the same answer", async () => {
        server = await gateway({
            status: 403,
            contentType: "application/json",
            body: JSON.stringify({ error: "forbidden", "request-id": "r-1" }),
        });
        await assert.rejects(
            checkLookoutEndpoint("api", client(server)),
            /does not serve this project's console-settings contract \(GET \/console\/v1\/threat-classifications answered 403\)/,
        );
    });

    it("in checklist mode only exchanges the key, calling no settings route", async () => {
        const paths: string[] = [];
        server = await gateway({ status: 404, contentType: "text/plain", body: "Not Found" });
        server.on("request", (req) => paths.push(req.url ?? ""));
        assert.deepEqual(await checkLookoutEndpoint("checklist", client(server)), {});
        assert.deepEqual(paths, ["/oauth2/token"]);
    });
});
