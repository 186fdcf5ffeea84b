/**
 * A re-rated Lookout threat classification previewed on the real engine
 * (components/classificationImpact): after `up`, raising ADWARE from low to high previews, as a
 * warning on the classifications resource, how many devices of enrolled users with an open ADWARE
 * threat change level and turn non-compliant under the declared compliance policies, counted from
 * the emulator's own view of them; the preview writes nothing, reads Lookout's lists a page at a
 * time (no call per device), and a no-op preview reads no threat at all.
 */
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { lookoutDevices, seedDevices } from "../../emulator/devices";
import type { Tenant } from "../../emulator/store";
import { graphModeConfigForStack, sampleDirectory } from "../kit/configFixtures";
import type { EmulatedTenant } from "../kit/lookoutEmulator";
import { changedSteps, useTestStack } from "../kit/testStack";

const pilotId = "3d8b4e5f-0a1c-4d7e-9f2a-3b4c5d6e7f80";
const salesId = "4e9c5f60-1b2d-4e8f-8a3b-4c5d6e7f8091";
const tenantOf = (tenant: EmulatedTenant): Tenant => tenant.emulator.store.tenantById(tenant.tenantId)!;

/** The warnings of the last operation that speak of re-rating: the resource's name and the message. */
function reRatingWarnings(events: EngineEvent[]): Array<{ resource: string; message: string }> {
    const seen = new Set<string>();
    return events
        .map((e) => e.diagnosticEvent)
        .filter((d): d is NonNullable<typeof d> => !!d && d.severity === "warning" && d.message.includes("re-rating"))
        .map((d) => ({ resource: (d.urn ?? "").split("::").pop() ?? "", message: d.message.trim() }))
        .filter((w) => !seen.has(w.message) && !!seen.add(w.message));
}

describe("a re-rated classification, previewed (real engine)", function () {
    this.timeout(300_000);
    const { tenant, t } = useTestStack("classification-impact", {
        config: graphModeConfigForStack(),
        prepare: (tenant) => {
            const record = tenantOf(tenant);
            record.directory = sampleDirectory();
            record.directory.groups.find((g) => g.id === pilotId)!.generatedUsers = 30;
            Object.assign(
                record.directory.groups.find((g) => g.id === salesId)!,
                { members: [], generatedUsers: 70 },
            );
            seedDevices(record, [pilotId, salesId], Date.now());
        },
    });
    const lookoutRequests = () =>
        tenant.emulator
            .requests()
            .filter((r) => r.path.startsWith("/mra/api/v2/"))
            .map((r) => `${r.method} ${r.path}${r.query}`);

    before(async () => {
        await t.stack.up(t.run);
        // Lookout lists the devices after its check interval; their users open the app within the hour.
        tenant.emulator.advanceClock(2 * 3600_000);
    });
    beforeEach(() => {
        t.events.length = 0;
        tenant.emulator.clearRequests();
    });

    it("a preview that re-rates nothing reads no threat and says nothing of re-rating", async () => {
        await t.stack.preview(t.run);
        assert.deepEqual(reRatingWarnings(t.events), []);
        assert.deepEqual(
            lookoutRequests().filter((r) => r.includes("/threats")),
            [],
        );
    });

    it("raising ADWARE to high previews the devices that turn non-compliant, and writes nothing", async () => {
        const adware = lookoutDevices(tenantOf(tenant), tenant.emulator.now()).filter(
            (v) => v.threat?.classification === "ADWARE" && v.security === "THREATS_LOW",
        );
        const ios = adware.filter((v) => v.device.operatingSystem === "iOS").length;
        const android = adware.length - ios;
        assert.ok(ios > 0 && android > 0, "devices with an open ADWARE threat on both platforms");
        await t.setConfig({ "lookout-mtp:threatClassifications": { SIDELOADED_APP: "high", ADWARE: "high" } });
        await t.stack.preview(t.run);
        assert.deepEqual(changedSteps(t.events), ["update lookout-threat-classifications"]);
        const n = adware.length;
        assert.deepEqual(reRatingWarnings(t.events), [
            {
                resource: "lookout-threat-classifications",
                message: `re-rating ADWARE low → high: ${n} devices of enrolled users with open threats of it change level (${ios} iOS, ${android} Android; ${n} to high); ${n} devices become non-compliant under the declared compliance policies (${ios} iOS above 'low', ${android} Android above 'medium') and so, under a compliant-device Conditional Access policy, lose access`,
            },
        ]);
        const reads = lookoutRequests();
        assert.equal(reads.filter((r) => r.includes("/threats")).length, 2, "a page per platform");
        assert.equal(new Set(reads).size, reads.length, "each list read once");
        const writes = tenant.emulator.requests().filter((r) => r.method !== "GET" && !r.path.endsWith("/token"));
        assert.deepEqual(writes, [], "the preview writes nothing");
        assert.equal(tenantOf(tenant).threatClassifications.value.ADWARE ?? "low", "low");
    });
});
