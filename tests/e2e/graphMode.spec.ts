/**
 * entra.mode `graph` on the real engine: existing groups are found and checked through the
 * emulated Microsoft Graph while the program runs, and the tenant ID comes from the signed-in
 * identity. A group that fails the checks stops the run before any write.
 */
import assert from "node:assert/strict";
import { sampleDirectory, validGraphConfig } from "../kit/configFixtures";
import { useEmulatedTenant } from "../kit/lookoutEmulator";
import { compiledProgram } from "../kit/program";
import { upError, withTestStack } from "../kit/testStack";

describe("graph mode (real engine)", function () {
    this.timeout(300_000);
    const tenant = useEmulatedTenant({
        prepare: (tenant) => {
            tenant.emulator.store.tenantByEntraId(tenant.entraTenantId)!.directory = sampleDirectory();
        },
    });

    const program = () => compiledProgram(validGraphConfig());

    it("onboards with groups found through Graph and the tenant ID of the signed-in identity", () =>
        withTestStack("graphmode", { tenant, program: program() }, async (t) => {
            const result = await t.stack.up(t.run);
            assert.equal(result.outputs.tenantId.value, tenant.entraTenantId);
            assert.equal(result.outputs.fullAccessGroupObjectId.value, "1b6f2c3d-8e9a-4b5c-9d0e-1f2a3b4c5d6e");
            assert.deepEqual(tenant.settings().intuneConnector!.value.enrollmentGroups, [
                "Lookout Pilot",
                "Sales Mobile",
            ]);
        }));

    const refusals: Array<[string, unknown[], RegExp]> = [
        [
            "a name that differs only in case",
            [{ displayName: "lookout pilot" }],
            /lookout-mtp:enrollmentGroups\[0\] \('lookout pilot'\): no Entra group is named 'lookout pilot'; did you mean 'Lookout Pilot'\?/,
        ],
        [
            "a group with a nested group",
            [{ displayName: "Field Mobile" }],
            /group 'Field Mobile' has 1 member\(s\) that are not users/,
        ],
    ];
    for (const [what, groups, message] of refusals) {
        it(`stops before any write for ${what}`, () =>
            withTestStack(
                "graphmode-bad",
                { tenant, config: { "lookout-mtp:enrollmentGroups": groups }, program: program() },
                async (t) => {
                    tenant.emulator.clearRequests();
                    const error = await upError(t);
                    assert.match(error.message, message);
                    const writes = tenant.emulator
                        .requests()
                        .filter((r) => r.method !== "GET" && !r.path.endsWith("/token"));
                    assert.deepEqual(writes, [], "nothing was written");
                },
            ));
    }
});
