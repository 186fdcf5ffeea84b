/**
 * Console changes caught on the real engine (components/onboarding/consoleDrift.ts): a setting the
 * stack declares, changed in Lookout's console, is a warning on its resource in `pulumi preview
 * --refresh` (and `pulumi refresh --run-program`) naming when, who, what and from -> to, read from
 * Lookout's AUDIT events; in checklist mode too, where the refresh cannot read the console, and the
 * fleet's drift job (`npm run fleet -- --operation drift`) fails on it with the change in its
 * summary. An admin applying the checklist as declared, and a change to a setting the stack does
 * not declare, are not flagged.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { lookoutPaths } from "../../contract/lookout/routes";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { consoleAdmin } from "../../emulator/lookout/token";
import { consoleChangeMarker } from "../../components/onboarding/consoleDrift";
import type { FleetRun } from "../../operate/fleet/run";
import { parsedConfig, validReferenceConfig } from "../kit/configFixtures";
import { projectRoot } from "../kit/engine";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { changedSteps, type TestStack, useTestStack } from "../kit/testStack";

const execFileAsync = promisify(execFile);

/** The console-change warnings of the last operation: the resource's name and the message. */
function consoleWarnings(events: EngineEvent[]): Array<{ resource: string; message: string }> {
    const seen = new Set<string>();
    return events
        .map((e) => e.diagnosticEvent)
        .filter(
            (d): d is NonNullable<typeof d> =>
                !!d && d.severity === "warning" && d.message.includes(consoleChangeMarker),
        )
        .map((d) => ({ resource: (d.urn ?? "").split("::").pop() ?? "", message: d.message.trim() }))
        .filter((w) => !seen.has(w.message) && !!seen.add(w.message));
}

/** The connector as the reference config declares it, with Lookout's defaults. */
function declaredConnector() {
    const { connector, enrollmentGroups } = parsedConfig(validReferenceConfig());
    return { ...connector, enrollmentGroups: enrollmentGroups.map((g) => g.displayName) };
}

const tenantRecord = (tenant: EmulatedTenant) => tenant.emulator.store.tenantById(tenant.tenantId)!;

/** `npm run fleet -- --operation drift` over the test stack, as the drift workflow runs it. */
async function driftJob(t: TestStack) {
    const args = [
        "--import",
        "tsx",
        join(projectRoot, "operate", "fleet", "cli.ts"),
        "--cwd",
        t.dir,
        "--stacks",
        t.stack.name,
        "--operation",
        "drift",
        "--markdown",
        join(t.dir, "fleet.md"),
        "--json",
        join(t.dir, "fleet.json"),
    ];
    const outcome = await execFileAsync(process.execPath, args, {
        cwd: projectRoot,
        env: { ...t.env, PULUMI_HOME: join(t.dir, "home") },
    }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (err: { code?: number; stdout?: string }) => ({ code: err.code ?? 1, stdout: err.stdout ?? "" }),
    );
    return {
        ...outcome,
        markdown: readFileSync(join(t.dir, "fleet.md"), "utf8"),
        run: JSON.parse(readFileSync(join(t.dir, "fleet.json"), "utf8")) as FleetRun,
    };
}

describe("console changes caught (real engine)", function () {
    this.timeout(300_000);

    describe("in checklist mode, where refresh cannot read the console", () => {
        const { tenant, t } = useTestStack("console-checklist", {
            config: { "lookout:settingsMode": "checklist" },
            prepare: (tenant) => (tenantRecord(tenant).lookoutApi = "public"),
        });
        before(() => t.stack.up(t.run));
        beforeEach(() => {
            t.events.length = 0;
        });

        it("an admin applying the checklist as declared is no change", async () => {
            configureIntuneConnector(
                tenantRecord(tenant),
                declaredConnector(),
                tenant.emulator.now(),
                consoleAdmin("alex.admin@contoso.example"),
            );
            await t.stack.preview({ ...t.run, refresh: true });
            assert.deepEqual(consoleWarnings(t.events), []);
        });

        it("another admin's edit is a warning on the checklist with who and what, and fails the drift job", async () => {
            const sam = consoleAdmin("sam.admin@contoso.example");
            configureIntuneConnector(
                tenantRecord(tenant),
                { ...declaredConnector(), heartbeatFrequencyMinutes: 30 },
                tenant.emulator.now(),
                sam,
            );
            const preview = await t.stack.preview({ ...t.run, refresh: true });
            assert.deepEqual(changedSteps(t.events), [], "the refresh itself cannot see it");
            const warnings = consoleWarnings(t.events);
            assert.equal(warnings.length, 1, JSON.stringify(warnings));
            assert.equal(warnings[0].resource, "lookout-intune-connector-steps");
            assert.match(
                warnings[0].message,
                new RegExp(
                    `^${consoleChangeMarker} at \\S+Z by ADMIN ${sam.guid}: System > Connectors > Intune > Connection Settings > Heartbeat frequency \\(minutes\\) '60' -> '30' \\(the stack declares '60'\\)$`,
                ),
            );
            assert.ok(preview.stdout.includes(warnings[0].message), "in the output a user reads");

            const job = await driftJob(t);
            assert.equal(job.code, 1, job.stdout);
            assert.equal(job.run.results[0].result, "failed");
            assert.deepEqual(job.run.results[0].consoleChanges, [warnings[0].message]);
            assert.match(job.run.results[0].error!, /1 change in Lookout's console to settings the stack declares/);
            assert.ok(job.markdown.includes(`- ${warnings[0].message.replace(/\|/g, "\\|")}`), job.markdown);
        });
    });

    describe("in api mode", () => {
        const { tenant, t } = useTestStack("console-api");
        before(() => t.stack.up(t.run));

        it("flags a console user's edit of a declared setting, naming the user, and not an undeclared setting's change", async () => {
            const current = (await tenant.console.request("GET", lookoutPaths.intuneConnector))!.body as Record<
                string,
                unknown
            >;
            await tenant.console.request("PUT", lookoutPaths.intuneConnector, {
                body: { ...current, heartbeatFrequencyMinutes: 45 },
            });
            // Not declared: a classification the stack does not name, a console user it does not manage.
            await tenant.console.request("PATCH", lookoutPaths.threatClassifications, {
                body: { riskLevels: { ADWARE: "high" } },
            });
            await tenant.console.request("PUT", lookoutPaths.notificationPreferences("someone-else@contoso.example"), {
                body: { emailNotifications: false },
            });
            t.events.length = 0;
            await t.stack.preview({ ...t.run, refresh: true });
            const warnings = consoleWarnings(t.events);
            assert.deepEqual(
                warnings.map((w) => [w.resource, w.message.replace(/ at \S+Z /, " at <time> ")]),
                [
                    [
                        "lookout-intune-connector",
                        `${consoleChangeMarker} at <time> by ADMIN ${consoleAdmin(tenant.consoleUser).guid}: System > Connectors > Intune > Connection Settings > Heartbeat frequency (minutes) '60' -> '45' (the stack declares '60')`,
                    ],
                ],
            );
            // `pulumi refresh --run-program` shows it too.
            const refresh = await t.stack.refresh({ ...t.run, runProgram: true });
            assert.ok(refresh.stdout.includes(warnings[0].message), refresh.stdout);
            // Once `up` sets it back, nothing is flagged.
            await t.stack.up({ ...t.run, refresh: true });
            t.events.length = 0;
            await t.stack.preview({ ...t.run, refresh: true });
            assert.deepEqual(consoleWarnings(t.events), []);
        });
    });
});
