/**
 * Every malformed stack config of testkit/badConfigs.ts goes through `pulumi up` on the real
 * engine: each is rejected before any call to the emulators, with a message naming the key.
 */
import assert from "node:assert/strict";
import { badConfigs } from "../kit/badConfigs";
import { validReferenceConfig } from "../kit/configFixtures";
import { useTestStack } from "../kit/testStack";
import { recordFault } from "./summary";
import { findLeaks } from "./support";

describe("bad input (real engine)", function () {
    this.timeout(900_000);
    const { tenant, t } = useTestStack("badinput");
    let current: string[] = [];
    const rejected: string[] = [];
    before(async () => {
        current = Object.keys((await t.stack.getAllConfig()) ?? {});
    });

    /** Replaces the stack's config with `config`, aimed at this emulator. */
    async function useConfig(config: Record<string, unknown>) {
        await t.stack.removeAllConfig(current.filter((k) => k !== "lookout:applicationKey"));
        const aimed: Record<string, unknown> = { ...config, "lookout:baseUrl": tenant.emulator.url };
        if ("graph:baseUrl" in config && String(config["graph:baseUrl"]).startsWith("http://127.0.0.1"))
            aimed["graph:baseUrl"] = tenant.emulator.graphBaseUrl;
        if ("graph:authorityHost" in config) aimed["graph:authorityHost"] = tenant.emulator.authorityHost;
        if ("lookout:baseUrl" in config && !String(config["lookout:baseUrl"]).startsWith("http://127.0.0.1"))
            aimed["lookout:baseUrl"] = config["lookout:baseUrl"];
        await t.setConfig(aimed);
        current = Object.keys(aimed);
    }

    for (const [what, build, key] of badConfigs) {
        it(`rejects ${what} before any call, naming ${key}`, async () => {
            await useConfig(build());
            tenant.emulator.clearRequests();
            const error = await t.stack.up(t.run).then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(error, `up accepted ${what}`);
            assert.ok(error.message.includes(key), `the error does not name ${key}:\n${error.message.slice(0, 2000)}`);
            assert.deepEqual(tenant.emulator.requests(), [], "no call reached the emulators");
            rejected.push(what);
        });
    }

    it("rejects an application key set without --secret", async () => {
        await useConfig(validReferenceConfig());
        // Not the tenant's key: the engine itself records plain config values (update history,
        // event stream) before any program runs, so a real key set this way must be rotated.
        await t.stack.setConfig("lookout:applicationKey", { value: "lk_set_without_secret_flag", secret: false });
        const error = await t.stack.up(t.run).then(
            () => undefined,
            (e: Error) => e,
        );
        await t.stack.setConfig("lookout:applicationKey", { value: tenant.applicationKey, secret: true });
        assert.ok(error);
        assert.match(error.message, /lookout:applicationKey: is stored in plain text/);
        assert.deepEqual(tenant.emulator.requests(), []);
        rejected.push("plain-text application key");
    });

    it("counts the rejected configs", async () => {
        const leaks = await findLeaks(t, tenant);
        recordFault({
            scenario: "bad input",
            injected: `${badConfigs.length + 1} malformed configs`,
            outcome: `${rejected.length} rejected before any call`,
            requests: 0,
            faults: 0,
            seconds: 0,
            leaks: leaks.length,
        });
        assert.deepEqual(leaks, []);
        assert.equal(rejected.length, badConfigs.length + 1);
        assert.ok(rejected.length >= 40);
    });
});
