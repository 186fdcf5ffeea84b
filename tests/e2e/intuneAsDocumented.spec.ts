/**
 * An Intune tenant as Microsoft documents one: a Lookout connector carrying every v1.0 property
 * (the body of Learn's "Create mobileThreatDefenseConnector" example) and a Windows 8.1 compliance
 * policy of another team (Learn's "Get windows81CompliancePolicy" example). `up` adopts the one and
 * creates the threat-level policies beside the other; a second preview shows no changes; what the
 * stack does not manage is untouched. Real engine, emulated Graph.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { graphPaths } from "../../contract/graph/routes";
import { lookoutMtdConnectorId } from "../../contract/graph/schemas";
import { graphClientFor } from "../../providers/graph/connection";
import { useTestStack } from "../kit/testStack";

const documented = (file: string) =>
    JSON.parse(readFileSync(join(__dirname, "../../contract/graph/fixtures", file), "utf8"));

describe("an Intune tenant as Microsoft documents it (real engine)", function () {
    this.timeout(300_000);
    const connectorBody = documented("mtdConnector.create.json").request.body as Record<string, unknown>;
    let connectorBefore: Record<string, unknown>;
    let windowsPolicyId: string;
    let windowsPolicyBefore: Record<string, unknown>;

    // The reference config manages one connector setting, which the documented connector has on
    // already, and two threat-level policies.
    const { tenant, t } = useTestStack("intune-documented", {
        prepare: async (tenant) => {
            const graph = graphClientFor(tenant.graph);
            await graph.request("POST", graphPaths.mtdConnectors, {
                body: { ...connectorBody, id: lookoutMtdConnectorId },
            });
            const {
                id: _id,
                createdDateTime: _c,
                lastModifiedDateTime: _m,
                version: _v,
                ...windows
            } = documented("compliancePolicy.windows81.json").response.body.value;
            const created = await graph.request("POST", graphPaths.compliancePolicies, {
                body: {
                    ...windows,
                    scheduledActionsForRule: [
                        {
                            ruleName: "PasswordRequired",
                            scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 0 }],
                        },
                    ],
                },
            });
            windowsPolicyId = (created!.body as { id: string }).id;
            connectorBefore = structuredClone(connector());
            windowsPolicyBefore = structuredClone(tenant.settings().compliancePolicies[windowsPolicyId].body);
        },
        config: {
            "lookout-mtp:intune": {
                mtdConnector: { partnerUnsupportedOsVersionBlocked: true, iosEnabled: false },
                compliancePolicies: [
                    { platform: "androidWorkProfile", requiredSecurityLevel: "medium" },
                    { platform: "ios", requiredSecurityLevel: "low" },
                ],
            },
        },
    });
    const connector = () => tenant.settings().mtdConnectors[lookoutMtdConnectorId] as Record<string, unknown>;

    it("up adopts the connector and creates the policies beside the Windows one", async () => {
        const result = await t.stack.up(t.run);
        assert.equal(result.summary.result, "succeeded");
        assert.equal(connector().iosEnabled, false, "the managed setting is applied");
        const types = Object.values(tenant.settings().compliancePolicies)
            .map((p) => p.body["@odata.type"])
            .sort();
        assert.deepEqual(types, [
            "#microsoft.graph.androidWorkProfileCompliancePolicy",
            "#microsoft.graph.iosCompliancePolicy",
            "#microsoft.graph.windows81CompliancePolicy",
        ]);
    });

    it("a second preview shows no changes", async () => {
        const preview = await t.stack.preview(t.run);
        assert.deepEqual(Object.keys(preview.changeSummary), ["same"]);
    });

    it("leaves every connector property the stack does not manage, and the Windows policy, as they were", () => {
        const now = connector();
        const changed = Object.keys(connectorBefore).filter(
            (k) =>
                JSON.stringify(connectorBefore[k]) !== JSON.stringify(now[k]) &&
                !["partnerState", "lastHeartbeatDateTime"].includes(k),
        );
        assert.deepEqual(changed, ["iosEnabled"]);
        assert.deepEqual(tenant.settings().compliancePolicies[windowsPolicyId].body, windowsPolicyBefore);
    });

    it("destroy gives back what it changed on the connector and removes only its own policies", async () => {
        await t.dispose();
        assert.deepEqual(connector().iosEnabled, connectorBefore.iosEnabled);
        assert.deepEqual(Object.keys(tenant.settings().compliancePolicies), [windowsPolicyId]);
    });
});
