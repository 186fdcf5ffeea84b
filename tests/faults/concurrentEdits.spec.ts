/**
 * A console edit lands between the stack's read and its write. The write carries the ETag of the
 * read, so the `up` fails naming the resource instead of overwriting the edit; after a refresh the
 * next `up` applies the declared settings knowingly.
 */
import assert from "node:assert/strict";
import { lookoutPaths } from "../../contract/lookout/routes";
import { useTestStack } from "../kit/testStack";
import { recordScenario } from "./support";

describe("concurrent console edits (real engine)", function () {
    this.timeout(300_000);
    // The production retry policy: the held write must not be abandoned as a timeout while the edit is made.
    const { tenant, t } = useTestStack("concurrent");
    before(() => t.stack.up(t.run));

    it("an edit between the stack's read and its write fails the up, naming the resource", async () => {
        const started = Date.now();
        await t.setConfig({
            "lookout-mtp:connector": {
                heartbeatFrequencyMinutes: 30,
                disconnectedDeviceThresholdDays: 30,
                errorReportEmail: "mobile-security@contoso.example",
            },
        });
        // Hold the stack's write until the connector is edited in the console (released below), however long that takes.
        tenant.emulator.faults.set([
            { kind: "delay", delayMs: 120_000, limit: 1, pathPrefix: lookoutPaths.intuneConnector, methods: ["PUT"] },
        ]);
        const up = t.stack.up(t.run).then(
            () => undefined,
            (e: Error) => e,
        );
        while (
            !tenant.emulator
                .requests()
                .some((r) => r.method === "PUT" && r.path === lookoutPaths.intuneConnector && r.fault)
        ) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const current = tenant.settings().intuneConnector!.value;
        await tenant.console.request("PUT", lookoutPaths.intuneConnector, {
            body: { ...current, errorReportEmail: "console-user@contoso.example" },
        });
        tenant.emulator.faults.release();
        const error = await up;
        assert.ok(error, "the up must fail");
        assert.match(
            error.message,
            /Lookout Intune connector: Lookout API PUT \/console\/v1\/connectors\/intune failed: 412 PRECONDITION_FAILED/,
        );
        assert.match(error.message, /run `pulumi refresh` to see the change, then `pulumi up`/);
        assert.equal(
            tenant.settings().intuneConnector!.value.errorReportEmail,
            "console-user@contoso.example",
            "the console edit survives",
        );
        await recordScenario(t, tenant, {
            scenario: "concurrent edit",
            injected: "console edit during the stack's PUT",
            outcome: "up failed: 412, names the connector",
            started,
        });
    });

    it("after a refresh shows the edit, up applies the declared settings", async () => {
        tenant.emulator.faults.clear();
        const preview = await t.stack.preview({ ...t.run, refresh: true, diff: true });
        assert.match(
            preview.stdout,
            /errorReportEmail\s*: "console-user@contoso.example" => "mobile-security@contoso.example"/,
        );
        await t.stack.up({ ...t.run, refresh: true });
        const value = tenant.settings().intuneConnector!.value;
        assert.equal(value.heartbeatFrequencyMinutes, 30);
        assert.equal(value.errorReportEmail, "mobile-security@contoso.example");
    });
});
