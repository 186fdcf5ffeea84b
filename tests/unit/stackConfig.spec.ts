import assert from "node:assert/strict";
import { parseStackConfig } from "../../config/stackConfig";
import { badConfigs, withChange } from "../kit/badConfigs";
import { asRawConfig, validGraphConfig, validManageConfig, validReferenceConfig } from "../kit/configFixtures";

const allSecret = () => true;

function parse(config: Record<string, unknown>, isSecret: (key: string) => boolean = allSecret) {
    return parseStackConfig(asRawConfig(config), isSecret);
}

describe("stack config", () => {
    it("accepts the reference-mode config of the dev stack and fills defaults", () => {
        const result = parse(validReferenceConfig());
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.config.connector.newDeviceCheckIntervalMinutes, 5);
        assert.deepEqual(result.config.connector.stateSync, { deviceStatus: true, threatStatus: true });
        assert.equal(result.config.enrollmentGroups[0].create, false);
    });

    it("accepts a manage-mode config and defaults the consent to Lookout's permissions", () => {
        const result = parse(validManageConfig());
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.config.entra.mode, "manage");
        assert.deepEqual(result.config.consent!.applicationPermissions, [
            "Device.Read.All",
            "GroupMember.Read.All",
            "User.Read.All",
            "Application.Read.All",
            "DeviceManagementApps.Read.All",
        ]);
        assert.deepEqual(result.config.consent!.delegatedScopes, ["User.Read"]);
    });

    it("reads lookout:settingsMode (api by default) and refuses another value, naming the key and both modes", () => {
        const api = parse(validGraphConfig());
        assert.ok(api.ok && api.config.settingsMode === "api");
        const checklist = parse({ ...validGraphConfig(), "lookout:settingsMode": "checklist" });
        assert.ok(checklist.ok && checklist.config.settingsMode === "checklist");
        const bad = parse({ ...validGraphConfig(), "lookout:settingsMode": "manual" });
        assert.ok(!bad.ok);
        assert.deepEqual(bad.errors, [
            "lookout:settingsMode: is 'manual'; use api (the stack writes Lookout's console settings) or checklist (for an endpoint that serves only Lookout's public API: the stack outputs the console steps instead)",
        ]);
    });

    it("accepts graph mode with groups by name, one pinned by object ID", () => {
        const result = parse(validGraphConfig());
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.config.entra.mode, "graph");
    });

    it("reports every problem at once", () => {
        const config = validReferenceConfig();
        (config["lookout-mtp:connector"] as any).heartbeatFrequencyMinutes = 0;
        (config["lookout-mtp:connector"] as any).errorReportEmail = "nobody";
        const result = parse(config);
        assert.ok(!result.ok);
        assert.equal(result.errors.length, 2, result.errors.join("\n"));
    });

    // Every refusal of a malformed config, with the whole line a user reads: the engine adds nothing
    // per config (one of them is run through `pulumi preview` and `up` in tests/e2e/refusals.spec.ts).
    for (const [what, build, key, message] of badConfigs) {
        it(`rejects ${what}, naming ${key}`, () => {
            const result = parse(build());
            assert.ok(!result.ok, `accepted: ${what}`);
            assert.ok(
                message.startsWith(`${key}:`) || message.startsWith(`${key} `),
                `the message must start with ${key}`,
            );
            assert.deepEqual(result.errors, [message]);
        });
    }

    it("rejects an application key stored in plain text", () => {
        const result = parse(
            { ...validReferenceConfig(), "lookout:applicationKey": "lk_plain" },
            (key) => key !== "lookout:applicationKey",
        );
        assert.ok(!result.ok);
        // Without the key itself: the error must not echo it.
        assert.deepEqual(result.errors, [
            "lookout:applicationKey: is stored in plain text; set it again with `pulumi config set --secret lookout:applicationKey <key>`",
        ]);
    });

    it("suggests the right spelling of a classification", () => {
        const result = parse(
            withChange(validReferenceConfig, "lookout-mtp:threatClassifications", () => ({ sideloaded_app: "high" })),
        );
        assert.ok(!result.ok);
        assert.match(result.errors.join("\n"), /did you mean 'SIDELOADED_APP'\?/);
    });
});
