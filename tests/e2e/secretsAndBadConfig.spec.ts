/** The application key never appears in plain text; a bad config stops the run before any call. */
import assert from "node:assert/strict";
import { useTestStack } from "../kit/testStack";

describe("secrets (real engine)", function () {
    this.timeout(300_000);
    const { tenant, t } = useTestStack("secrets");

    it("keeps the application key and the Graph secret out of state, engine output and the emulator's log", async () => {
        await t.stack.up(t.run);
        await t.stack.preview(t.run);
        await t.stack.refresh(t.run);
        const exported = await t.exportState();
        const onDisk = t.backendFiles();
        assert.ok(exported.includes("lookout-intune-connector"), "the export holds the stack's resources");
        assert.ok(onDisk.includes("lookout-intune-connector"), "the backend holds the stack's state");
        assert.ok(t.transcript.length > 10, "the engine's output was captured");
        for (const [where, text] of [
            ["output of pulumi stack export", exported],
            ["backend's files (state, history, backups)", onDisk],
            ["engine output and events", t.transcript.join("\n")],
            ["emulator request log", JSON.stringify(tenant.emulator.requests())],
        ] as const) {
            assert.ok(!text.includes(tenant.applicationKey), `the application key is in the ${where}`);
            assert.ok(!text.includes(tenant.graphApp.clientSecret), `the Graph client secret is in the ${where}`);
        }
    });
});

describe("bad config (real engine)", function () {
    this.timeout(300_000);
    const { tenant, t } = useTestStack("badconfig", {
        config: { "lookout-mtp:connector": { heartbeatFrequencyMinutes: 0, errorReportEmail: "mobile-security" } },
    });

    it("fails before any call to Lookout, naming every bad key", async () => {
        const error = await t.stack.up(t.run).catch((e: Error) => e);
        assert.ok(error instanceof Error, "up must fail");
        assert.match(error.message, /lookout-mtp:connector\.heartbeatFrequencyMinutes: Too small/);
        assert.match(error.message, /lookout-mtp:connector\.errorReportEmail: must be an e-mail address/);
        assert.deepEqual(tenant.emulator.requests(), []);
        assert.equal(tenant.settings().intuneConnector, null);
    });
});

describe("state sync turned off (real engine)", function () {
    this.timeout(300_000);
    const { t } = useTestStack("statesync", {
        config: {
            "lookout-mtp:connector": {
                heartbeatFrequencyMinutes: 60,
                stateSync: { threatStatus: false },
                errorReportEmail: "mobile-security@contoso.example",
            },
        },
    });

    it("is allowed, with a warning that Intune stops getting Lookout's verdicts", async () => {
        const preview = await t.stack.preview(t.run);
        assert.match(
            preview.stdout,
            /warning: State sync of threat status is off: Intune stops receiving Lookout's threat status/,
        );
        assert.equal(
            preview.changeSummary.create,
            11,
            "stack, 4 components, Lookout connector, notifications, classifications, Intune connector, 2 policies",
        );
    });
});
