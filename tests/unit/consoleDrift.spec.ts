/**
 * Console changes caught (components/onboarding/consoleDrift.ts): Lookout's AUDIT events judged
 * against what the stack declares. A change that leaves a declared setting at another value is
 * reported with when, who, what and from -> to; one undone since (by the stack or an admin) is not;
 * a change to a setting the stack does not declare is not; an attribute of a page the stack owns
 * that the mapping does not name is reported, not dropped. Then the same against the emulator, whose
 * console user's changes are audited as that admin's, and the fleet's summary of them.
 */
import assert from "node:assert/strict";
import type { LookoutEvent } from "../../contract/lookout/events";
import { lookoutPaths } from "../../contract/lookout/routes";
import { consoleAdmin } from "../../emulator/lookout/token";
import {
    checkConsoleChanges,
    consoleChangeMarker,
    declaredConsole,
    judgeConsoleChanges,
} from "../../components/onboarding/consoleDrift";
import { createLookoutClient } from "../../providers/lookout/client";
import type { FleetRun } from "../../operate/fleet/run";
import { markdownSummary, textSummary } from "../../operate/fleet/summary";
import { parsedConfig, validReferenceConfig } from "../kit/configFixtures";
import { fastRetry, useEmulatedTenant } from "../kit/lookoutEmulator";

const declared = () => declaredConsole(parsedConfig(validReferenceConfig()));
let sequence = 0;
function audit(
    type: string,
    changes: Array<{ name: string; from: string; to: string }>,
    actor = { type: "ADMIN", guid: "0b1c2d3e-0000-5000-8000-000000000001" },
): LookoutEvent {
    sequence++;
    return {
        id: `0190bc7d-974b-7b64-9fa6-${String(sequence).padStart(12, "0")}`,
        type: "AUDIT",
        change_type: "UPDATED",
        created_time: new Date(Date.UTC(2026, 11, 2, 9, 0, sequence)).toISOString(),
        actor,
        target: { guid: "t", type: "CONNECTOR" },
        audit: { type, attribute_changes: changes },
    };
}

describe("console changes caught from Lookout's audit events", () => {
    it("reports a change that leaves a declared setting at another value: when, who, what, from -> to", () => {
        const [change, ...rest] = judgeConsoleChanges(declared(), [
            audit("MDM_CONNECTOR", [{ name: "heartbeat_frequency", from: "60", to: "30" }]),
        ]);
        assert.deepEqual(rest, []);
        assert.equal(change.page, "connector");
        assert.equal(
            change.line,
            `${consoleChangeMarker} at 2026-12-02T09:00:${String(sequence).padStart(2, "0")}Z by ADMIN 0b1c2d3e-0000-5000-8000-000000000001: System > Connectors > Intune > Connection Settings > Heartbeat frequency (minutes) '60' -> '30' (the stack declares '60')`,
        );
    });

    it("forgets a change undone since, by the stack's next update or an admin", () => {
        const changes = judgeConsoleChanges(declared(), [
            audit("MDM_CONNECTOR", [
                { name: "heartbeat_frequency", from: "60", to: "30" },
                { name: "device_status_sync", from: "true", to: "false" },
            ]),
            audit("MDM_CONNECTOR", [{ name: "heartbeat_frequency", from: "30", to: "60" }], {
                type: "SYSTEM",
                guid: "the stack's key",
            }),
            audit("MDM_CONNECTOR", [
                // The same groups in another order are the declared ones.
                { name: "enrollment_groups", from: '["Lookout Pilot"]', to: '["Sales Mobile","Lookout Pilot"]' },
            ]),
        ]);
        assert.deepEqual(
            changes.map((c) => [c.what, c.from, c.to]),
            [["System > Connectors > Intune > State Sync > Device status", "true", "false"]],
        );
    });

    it("reports every change of a setting since it last held its declared value", () => {
        const changes = judgeConsoleChanges(declared(), [
            audit("CLASSIFICATION_POLICY", [{ name: "SIDELOADED_APP", from: "HIGH", to: "MEDIUM" }]),
            audit("CLASSIFICATION_POLICY", [{ name: "SIDELOADED_APP", from: "MEDIUM", to: "LOW" }]),
        ]);
        assert.deepEqual(
            changes.map((c) => `${c.from}->${c.to} declared ${c.declared}`),
            ["HIGH->MEDIUM declared HIGH", "MEDIUM->LOW declared HIGH"],
        );
        assert.ok(changes.every((c) => c.page === "classifications"));
    });

    it("does not flag a change to a setting the stack does not declare", () => {
        assert.deepEqual(
            judgeConsoleChanges(declared(), [
                // A classification the stack does not name, another console user's preferences, an admin's other attribute.
                audit("CLASSIFICATION_POLICY", [{ name: "ADWARE", from: "LOW", to: "HIGH" }]),
                audit("ADMIN", [
                    { name: "email", from: "someone@contoso.example", to: "someone@contoso.example" },
                    { name: "email_notifications", from: "true", to: "false" },
                ]),
                audit("ADMIN", [{ name: "role", from: "analyst", to: "admin" }]),
                audit("DENYLIST_POLICY", [{ name: "com.example.game", from: "", to: "DENIED" }]),
            ]),
            [],
        );
    });

    it("flags a declared console user's preferences, matched by address whatever its case", () => {
        const [change] = judgeConsoleChanges(declared(), [
            audit("ADMIN", [
                { name: "email", from: "SecOps@Contoso.example", to: "SecOps@Contoso.example" },
                { name: "email_notifications", from: "true", to: "false" },
            ]),
        ]);
        assert.equal(change.page, "notifications:secops@contoso.example");
        assert.match(
            change.line,
            /System > Preferences \(signed in as secops@contoso.example\) > Email notifications 'true' -> 'false'/,
        );
    });

    it("reports an attribute of a page the stack owns that the mapping does not name", () => {
        const [change] = judgeConsoleChanges(declared(), [
            audit("MDM_CONNECTOR", [{ name: "sync_interval_v2", from: "5", to: "15" }]),
            audit("CLASSIFICATION_POLICY", [{ name: "NEW_KIND_OF_THREAT", from: "LOW", to: "HIGH" }]),
        ]);
        assert.match(
            change.line,
            /MDM_CONNECTOR attribute 'sync_interval_v2' '5' -> '15', which this project's mapping does not name \(contract\/lookout\/events.ts\)/,
        );
        assert.equal(
            judgeConsoleChanges(declared(), [
                audit("CLASSIFICATION_POLICY", [{ name: "NEW_KIND_OF_THREAT", from: "LOW", to: "HIGH" }]),
            ]).length,
            1,
        );
    });

    it("says a deleted connector is no longer what the stack declares", () => {
        const changes = judgeConsoleChanges(declared(), [
            audit("MDM_CONNECTOR", [
                { name: "heartbeat_frequency", from: "60", to: "" },
                { name: "disconnected_device_threshold", from: "30", to: "" },
            ]),
        ]);
        assert.deepEqual(
            changes.map((c) => `${c.from} -> ${c.to}`),
            ["60 -> ", "30 -> "],
        );
        assert.match(changes[0].line, /'60' -> \(empty\)/);
    });
});

describe("console changes caught, against the emulator", () => {
    const t = useEmulatedTenant({ eachTest: true, emulator: { streams: { heartbeatMs: 100, pollMs: 10 } } });
    const client = () =>
        createLookoutClient({ baseUrl: t.emulator.url, applicationKey: t.applicationKey, retry: fastRetry });

    it("names the console user who made a change, and not the undeclared ones", async () => {
        // The stack's own write (its key): as declared.
        const lookout = client();
        const settings = {
            ...declared().connector,
            enrollmentGroups: ["Lookout Pilot", "Sales Mobile"],
        };
        await lookout.request("PUT", lookoutPaths.intuneConnector, { body: settings });
        await lookout.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { SIDELOADED_APP: "high" } },
        });
        // Then a console user: one declared setting, one classification the stack does not name.
        await t.console.request("PUT", lookoutPaths.intuneConnector, {
            body: { ...settings, errorReportEmail: "help@contoso.example" },
        });
        await t.console.request("PATCH", lookoutPaths.threatClassifications, {
            body: { riskLevels: { ADWARE: "high" } },
        });
        const check = await checkConsoleChanges(client(), declared());
        assert.ok("changes" in check);
        assert.deepEqual(
            check.changes.map((c) => c.line.replace(/ at \S+ /, " at <time> ")),
            [
                `${consoleChangeMarker} at <time> by ADMIN ${consoleAdmin(t.consoleUser).guid}: System > Connectors > Intune > Error Management > Error report e-mail 'mobile-security@contoso.example' -> 'help@contoso.example' (the stack declares 'mobile-security@contoso.example')`,
            ],
        );
        assert.equal(check.events, 4, "every audit event of the tenant was read");
    });

    it("says when it could not check, instead of failing the run", async () => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        const key = t.emulator.store.addLimitedKey(tenant, ["settings:write"]);
        const check = await checkConsoleChanges(
            createLookoutClient({ baseUrl: t.emulator.url, applicationKey: key, retry: fastRetry }),
            declared(),
        );
        assert.ok("unchecked" in check);
        assert.match(check.unchecked, /^Lookout's console changes were not checked: .*403/);
    });
});

describe("the fleet's summary of console changes", () => {
    const run: FleetRun = {
        runId: "r1",
        operation: "drift",
        startedAt: "2026-12-02T09:00:00Z",
        seconds: 12,
        results: [
            {
                stack: "contoso",
                result: "failed",
                changes: { same: 13 },
                seconds: 6,
                error: "1 change in Lookout's console to settings the stack declares",
                consoleChanges: [
                    `${consoleChangeMarker} at 2026-12-02T08:14:03Z by ADMIN abc: X '60' -> '30' (the stack declares '60')`,
                ],
            },
            { stack: "fabrikam", result: "succeeded", changes: { same: 13 }, seconds: 6 },
        ],
    };

    it("lists each stack's changes under the table, in text and markdown", () => {
        assert.match(
            textSummary(run),
            /Lookout console changes to declared settings:\n\ncontoso\n {2}- changed in Lookout's console at 2026-12-02T08:14:03Z by ADMIN abc: X '60' -> '30'/,
        );
        const markdown = markdownSummary(run);
        assert.match(
            markdown,
            /#### Lookout console changes to declared settings:\n\n\*\*contoso\*\*\n- changed in Lookout's console/,
        );
        assert.ok(!markdown.includes("fabrikam\n-"));
    });
});
