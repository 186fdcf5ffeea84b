/** The preview's impact warnings, read from the emulated tenant (components/onboarding/impact.ts). */
import assert from "node:assert/strict";
import { seedDevices, managedDevices } from "../../emulator/devices";
import { configureIntuneConnector } from "../../emulator/lookout/settings";
import { allGraphRoles } from "../../emulator/store";
import { graphClientFor } from "../../providers/graph/connection";
import { clientFor } from "../../providers/lookout/connection";
import { runPreflight } from "../../components/onboarding/preflight";
import { sampleConnectorSettings, sampleDirectory, validGraphConfig, parsedConfig } from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";

const pilotId = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
const salesId = "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091";

const config = parsedConfig;

describe("impact of a change, for the preview", () => {
    const t = useEmulatedTenant({
        eachTest: true,
        prepare: (t) => {
            const tenant = t.emulator.store.tenantById(t.tenantId)!;
            tenant.directory = sampleDirectory();
            tenant.directory.groups.find((g) => g.id === salesId)!.generatedUsers = 412;
            tenant.directory.groups.find((g) => g.id === pilotId)!.generatedUsers = 40;
            seedDevices(tenant, [pilotId, salesId], t.emulator.now() - 3 * 3600_000);
            configureIntuneConnector(
                tenant,
                { ...sampleConnectorSettings(), enrollmentGroups: ["Lookout Pilot", "Old Pilot"] },
                t.emulator.now() - 3 * 3600_000,
            );
            tenant.directory.groups.push({
                id: "aa000000-0000-4000-8000-000000000001",
                displayName: "Old Pilot",
                securityEnabled: true,
                mailEnabled: false,
                members: [],
                generatedUsers: 37,
            });
        },
    });
    const graph = () => graphClientFor(t.graph);

    it("counts the users of a group added to and removed from enrollment", async () => {
        const { impact } = await runPreflight(config(validGraphConfig()), graph(), t.console);
        assert.deepEqual(impact!.enrollment.sort(), [
            "+413 users enrolled: group 'Sales Mobile' added",
            "-37 users no longer enrolled: group 'Old Pilot' removed (their devices stop reporting threats to Intune)",
        ]);
    });

    it("in checklist mode, reads who is enrolled from every page of the policies' assignments", async () => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        const target = (groupId: string) => ({ "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId });
        const others = Array.from({ length: 100 }, (_, i) => `0b000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
        // A policy assigned to more groups than a page holds: the enrolled group is on the second page.
        tenant.compliancePolicies["p-ios"] = {
            body: {
                id: "p-ios",
                "@odata.type": "#microsoft.graph.iosCompliancePolicy",
                displayName: "Lookout MTP - iOS/iPadOS",
                deviceThreatProtectionEnabled: true,
                deviceThreatProtectionRequiredSecurityLevel: "low",
            },
            assignments: [...others, pilotId].map((g) => ({ id: `p-ios_${g}`, target: target(g) })),
        };
        const { impact } = await runPreflight(
            config({ ...validGraphConfig(), "lookout:settingsMode": "checklist" }),
            graph(),
            t.console,
        );
        assert.ok(
            !impact!.enrollment.some((w) => w.includes("'Lookout Pilot' added")),
            `Lookout Pilot is enrolled already: ${impact!.enrollment.join("; ")}`,
        );
        assert.ok(impact!.enrollment.some((w) => w.includes("'Sales Mobile' added")));
    });

    it("reads each Graph route once: the impact reuses the group check's user counts", async () => {
        t.emulator.clearRequests();
        await runPreflight(config(validGraphConfig()), graph(), t.console);
        const reads = t.graphRequests().map((r) => `${r.method} ${r.path}${r.query}`);
        const repeated = reads.filter((r, i) => reads.indexOf(r) !== i);
        assert.deepEqual(repeated, []);
        assert.ok(
            reads.some((r) => r.includes("/members/microsoft.graph.user/$count")),
            "the group check counts users",
        );
    });

    it("reads each fact once, from Graph and from Lookout, with one token per service, rollout gates included", async () => {
        const withRings = config({
            ...validGraphConfig(),
            "lookout-mtp:rollout": {
                rings: [
                    { name: "pilot", groups: ["Lookout Pilot"], gate: { minActivatedShare: 0.8, minSoakDays: 7 } },
                    { name: "sales", groups: ["Sales Mobile"] },
                ],
            },
        });
        t.emulator.clearRequests();
        // Fresh clients, as a run's program has: each asks its service for a token once.
        await runPreflight(withRings, graph(), clientFor(t.connection));
        const requests = t.emulator.requests().map((r) => `${r.method} ${r.path}${r.query}`);
        const repeated = requests.filter((r, i) => requests.indexOf(r) !== i);
        assert.deepEqual(repeated, [], "no request is sent twice (a token request twice is a second token)");
        assert.ok(
            requests.some((r) => r.startsWith("GET /mra/api/v2/devices")),
            "the gate reads Lookout's devices",
        );
        assert.ok(
            requests.some((r) => r.startsWith("GET /console/v1/connectors/intune")),
            "and the connector",
        );
        assert.deepEqual(
            requests
                .filter((r) => r.startsWith("POST "))
                .map((r) => r.replace(/\/entra\/[^/]+\//, "/entra/{tenant}/"))
                .sort(),
            ["POST /entra/{tenant}/oauth2/v2.0/token", "POST /oauth2/token"],
        );
    });

    it("counts the devices a new threat rule makes non-compliant, from what they report today", async () => {
        const tenant = t.emulator.store.tenantById(t.tenantId)!;
        const now = t.emulator.now();
        const expected = (states: string[]) =>
            managedDevices(tenant, now).filter(
                (d) => d.device.operatingSystem === "iOS" && states.includes(d.partnerReportedThreatState),
            ).length;
        const { impact } = await runPreflight(config(validGraphConfig()), graph(), t.console);
        const n = expected(["mediumSeverity", "highSeverity"]);
        assert.ok(n > 0);
        assert.match(
            impact!.compliance.ios![0],
            new RegExp(
                `^${n} iOS/iPadOS devices report .*mediumSeverity.* today and would become non-compliant at 'low' \\(a new threat rule\\)$`,
            ),
        );
    });

    it("skips the device count with a note when the identity may not read managed devices", async () => {
        const app = t.emulator.store.addGraphApp(
            t.emulator.store.tenantById(t.tenantId)!,
            allGraphRoles.filter((r) => r !== "DeviceManagementManagedDevices.Read.All"),
        );
        const limited = graphClientFor({
            ...t.graph,
            loopbackCredentials: { tenantId: t.entraTenantId, clientId: app.clientId, clientSecret: app.clientSecret },
        });
        const { impact } = await runPreflight(config(validGraphConfig()), limited, t.console);
        assert.deepEqual(impact!.compliance, {});
        assert.ok(
            impact!.notes.some((n) =>
                /skipped, the Graph identity may not read it.*DeviceManagementManagedDevices\.Read\.All/.test(n),
            ),
            impact!.notes.join("\n"),
        );
    });
});
