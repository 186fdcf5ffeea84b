/**
 * Operating the rollout on the real engine: the enrollment status report (`npm run status`, run as
 * a user runs it), the impact of a change in `pulumi preview`, and a Lookout endpoint that serves
 * only Lookout's public API (as api.lookout.com does), with `lookout:settingsMode: checklist` (the
 * refusal that precedes it, in api mode, is in tests/e2e/refusals.spec.ts).
 *
 * What the tests expect is computed from the emulator's own model (emulator/devices.ts), not from
 * the collector's code.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { lookoutDevices, managedDevices, seedDevices } from "../../emulator/devices";
import { isGeneratedUserOf } from "../../emulator/generatedUsers";
import type { Tenant } from "../../emulator/store";
import { projectRoot } from "../kit/engine";
import type { StatusReport } from "../../operate/status/report";
import {
    graphModeConfigForStack,
    sampleConnectorSettings,
    sampleDirectory,
    validGraphConfig,
} from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { changedSteps, type TestStack, useTestStack } from "../kit/testStack";

const execFileAsync = promisify(execFile);
const pilotId = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
const salesId = "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091";
const retailId = "9d41b4a5-6c7d-4e8f-9a0b-1c2d3e4f5a6b";

function tenantOf(tenant: EmulatedTenant): Tenant {
    return tenant.emulator.store.tenantById(tenant.tenantId)!;
}

/** The dev-like directory with generated users, and a group the stack does not enroll yet. */
function prepareDirectory(tenant: EmulatedTenant) {
    const t = tenantOf(tenant);
    t.directory = sampleDirectory();
    t.directory.groups.find((g) => g.id === pilotId)!.generatedUsers = 30;
    // No user in two enrollment groups, so each device counts in one group.
    Object.assign(
        t.directory.groups.find((g) => g.id === salesId)!,
        { members: [], generatedUsers: 70 },
    );
    t.directory.groups.push({
        id: retailId,
        displayName: "Retail Mobile",
        securityEnabled: true,
        mailEnabled: false,
        members: [],
        generatedUsers: 412,
    });
    seedDevices(t, [pilotId, salesId], Date.now());
}

async function status(
    t: TestStack,
    tenant: EmulatedTenant,
    extra: string[] = [],
): Promise<{ report: StatusReport; stderr: string }> {
    const { stdout, stderr } = await execFileAsync(
        process.execPath,
        [
            "--import",
            "tsx",
            join(projectRoot, "operate", "status", "cli.ts"),
            "--stack",
            t.stack.name,
            "--cwd",
            t.dir,
            "--json",
            "-",
            ...extra,
        ],
        {
            cwd: projectRoot,
            env: {
                ...t.env,
                AZURE_TENANT_ID: tenant.entraTenantId,
                AZURE_CLIENT_ID: tenant.graphApp.clientId,
                AZURE_CLIENT_SECRET: tenant.graphApp.clientSecret,
            },
            maxBuffer: 64 * 1024 * 1024,
        },
    );
    return { report: JSON.parse(stdout) as StatusReport, stderr };
}

/** What the emulator itself says of a group's devices now. */
function truth(tenant: EmulatedTenant, groupId: string) {
    const t = tenantOf(tenant);
    const group = t.directory.groups.find((g) => g.id === groupId)!;
    const inGroup = (userId: string) => group.members.includes(userId) || isGeneratedUserOf(group, userId);
    const now = tenant.emulator.now();
    const lookout = lookoutDevices(t, now).filter((v) => inGroup(v.device.userId));
    const intune = managedDevices(t, now).filter((v) => inGroup(v.device.userId));
    return {
        pending: lookout.filter((v) => v.activation === "PENDING").length,
        activated: lookout.filter((v) => v.activation === "ACTIVATED" && v.protection === "PROTECTED").length,
        intune: intune.length,
        androidMediumSeverity: intune.filter(
            (v) => v.partnerReportedThreatState === "mediumSeverity" && v.device.operatingSystem === "Android",
        ).length,
    };
}

describe("operating the rollout", function () {
    this.timeout(300_000);

    describe("status report and the preview's impact (api mode)", () => {
        const { tenant, t } = useTestStack("operate", { prepare: prepareDirectory, config: graphModeConfigForStack() });

        it("reports each enrollment group's users and devices as they move from pending to activated", async () => {
            await t.stack.up(t.run);
            // Lookout lists the devices once a new-device check interval (5 min) has passed, then users open the app.
            tenant.emulator.advanceClock(6 * 60_000);
            const early = (await status(t, tenant)).report;
            const pilot = early.groups.find((g) => g.displayName === "Lookout Pilot")!;
            assert.equal(pilot.users, 32);
            const expectedEarly = truth(tenant, pilotId);
            assert.equal(pilot.lookout.byState.pending, expectedEarly.pending);
            assert.ok(pilot.lookout.byState.pending > 0, "right after the check interval, devices are pending");

            tenant.emulator.advanceClock(60 * 60_000);
            const { report, stderr } = await status(t, tenant);
            for (const [name, id] of [
                ["Lookout Pilot", pilotId],
                ["Sales Mobile", salesId],
            ] as const) {
                const g = report.groups.find((x) => x.displayName === name)!;
                const expected = truth(tenant, id);
                assert.equal(g.lookout.byState.pending, expected.pending, `${name} pending`);
                assert.equal(g.lookout.byState.activated, expected.activated, `${name} activated`);
                assert.equal(g.intune.total, expected.intune, `${name} Intune devices`);
            }
            assert.ok(
                report.groups[0].lookout.byState.activated > pilot.lookout.byState.activated,
                "an hour later more devices are activated",
            );
            assert.equal(report.connector?.partnerState, "enabled");
            assert.ok(!stderr.includes(tenant.applicationKey) && !stderr.includes(tenant.graphApp.clientSecret));
            // Bounded: pages, never a request per device or user.
            assert.ok(report.calls.lookout === 1 && report.calls.graph <= 6, JSON.stringify(report.calls));
        });

        it("writes a self-contained HTML report", async () => {
            const dir = mkdtempSync(join(tmpdir(), "status-html-"));
            try {
                await status(t, tenant, ["--html", join(dir, "report.html")]);
                const html = readFileSync(join(dir, "report.html"), "utf8");
                assert.match(html, /<svg id="device-states"/);
                assert.match(html, /Sales Mobile/);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("says in the preview who a change enrolls and how many devices a stricter level makes non-compliant, before anything is written", async () => {
            const config = validGraphConfig();
            const intune = config["lookout-mtp:intune"] as {
                compliancePolicies: Array<{ platform: string; requiredSecurityLevel: string }>;
            };
            intune.compliancePolicies = intune.compliancePolicies.map((p) =>
                p.platform === "androidWorkProfile" ? { ...p, requiredSecurityLevel: "low" } : p,
            );
            await t.setConfig({
                "lookout-mtp:enrollmentGroups": [
                    ...(config["lookout-mtp:enrollmentGroups"] as unknown[]),
                    { displayName: "Retail Mobile" },
                ],
                "lookout-mtp:intune": intune,
            });
            tenant.emulator.clearRequests();
            const preview = await t.stack.preview({ ...t.run, diff: true });
            // The engine prints a program's warnings as diagnostics (stderr here, under the resource in a terminal).
            const said = preview.stdout + preview.stderr;
            assert.match(said, /warning: \+412 users enrolled: group 'Retail Mobile' added/);
            const medium = truth(tenant, salesId).androidMediumSeverity + truth(tenant, pilotId).androidMediumSeverity;
            assert.ok(medium > 0);
            assert.match(
                said,
                new RegExp(
                    `warning: ${medium} Android devices report mediumSeverity today and would become non-compliant at 'low' \\(now 'medium'\\)`,
                ),
            );
            assert.deepEqual(
                tenant.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/token")),
                [],
                "a preview writes nothing",
            );
        });

        it("switching an onboarded stack to checklist mode releases the Lookout settings: no settings route is called, nothing is reset", async () => {
            // The preview above changed the config; the stack still holds the first up's settings.
            const connectorBefore = structuredClone(tenantOf(tenant).intuneConnector);
            await t.setConfig({ ...graphModeConfigForStack(), "lookout:settingsMode": "checklist" });
            tenant.emulator.clearRequests();
            const up = await t.stack.up(t.run);
            assert.deepEqual(
                tenant.emulator.requests().filter((r) => r.path.startsWith("/console/")),
                [],
                "no settings route, not even to delete what api mode wrote",
            );
            assert.deepEqual(tenantOf(tenant).intuneConnector, connectorBefore, "Lookout's connector is as it was");
            assert.ok((up.outputs.lookoutConsoleSteps.value as string[]).length > 0);
            assert.ok(
                changedSteps(t.events).includes("delete lookout-intune-connector"),
                changedSteps(t.events).join(", "),
            );
        });
    });

    describe("a Lookout endpoint that serves only Lookout's public API", () => {
        const { tenant, t } = useTestStack("public-lookout", {
            prepare: (tenant) => {
                prepareDirectory(tenant);
                tenantOf(tenant).lookoutApi = "public";
            },
            config: graphModeConfigForStack(),
        });

        it("checklist mode calls no settings route and outputs the console steps, a changed value shows in the preview", async () => {
            await t.setConfig({ "lookout:settingsMode": "checklist" });
            tenant.emulator.clearRequests();
            const up = await t.stack.up(t.run);
            assert.deepEqual(
                tenant.emulator.requests().filter((r) => r.path.startsWith("/console/")),
                [],
                "no settings route called",
            );
            const steps = up.outputs.lookoutConsoleSteps.value as string[];
            assert.ok(
                steps.includes(
                    "System > Connectors > Intune > Enrollment Management > Enrollment groups (exact display names, case-sensitive): 'Lookout Pilot', 'Sales Mobile'",
                ),
            );
            assert.ok(
                steps.includes(
                    "System > Connectors > Intune > Connection Settings > Heartbeat frequency (minutes): 60",
                ),
            );

            const connector = validGraphConfig()["lookout-mtp:connector"] as Record<string, unknown>;
            await t.setConfig({ "lookout-mtp:connector": { ...connector, heartbeatFrequencyMinutes: 30 } });
            t.events.length = 0;
            await t.stack.preview({ ...t.run, onEvent: t.run.onEvent });
            assert.ok(
                changedSteps(t.events).some((s) => s === "update lookout-intune-connector-steps"),
                changedSteps(t.events).join(", "),
            );
            await t.setConfig({ "lookout-mtp:connector": connector });
        });

        it("status flags a group with users but no Lookout devices as a likely name mismatch in the console", async () => {
            // The admin followed the steps but typed one group name in the wrong case.
            await fetch(`${tenant.emulator.url}/_emulator/tenants/${tenant.tenantId}/console/intune-connector`, {
                method: "PUT",
                body: JSON.stringify({
                    ...sampleConnectorSettings(),
                    enrollmentGroups: ["Lookout Pilot", "sales mobile"],
                }),
            });
            tenant.emulator.advanceClock(60 * 60_000);
            const { report } = await status(t, tenant);
            assert.equal(report.settingsMode, "checklist");
            const sales = report.groups.find((g) => g.displayName === "Sales Mobile")!;
            assert.equal(sales.lookout.total, 0);
            assert.ok(report.groups.find((g) => g.displayName === "Lookout Pilot")!.lookout.total > 0);
            assert.ok(
                report.findings.some(
                    (f) =>
                        f.group === "Sales Mobile" &&
                        f.severity === "warning" &&
                        /likely a name mismatch/.test(f.message),
                ),
            );
            assert.ok(existsSync(t.dir));
        });
    });
});
