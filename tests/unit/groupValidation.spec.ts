import assert from "node:assert/strict";
import { assertDisplayName, assertSecurityGroup, resolveExistingGroup } from "../../components/entra/groupValidation";

const where = "lookout-mtp:enrollmentGroups[0]";
const sales = { objectId: "g-1", displayName: "Sales Mobile" };

describe("existing group validation", () => {
    it("finds the one group whose display name matches exactly", () => {
        const found = resolveExistingGroup(
            "Sales Mobile",
            [sales, { objectId: "g-2", displayName: "Sales Mobile EU" }],
            where,
        );
        assert.equal(found.objectId, "g-1");
    });

    it("suggests the right case when the name matches only ignoring case", () => {
        assert.throws(
            () => resolveExistingGroup("sales mobile", [sales], where),
            /lookout-mtp:enrollmentGroups\[0\]: no Entra group is named 'sales mobile'; did you mean 'Sales Mobile'\?/,
        );
    });

    it("fails when no group has the name", () => {
        assert.throws(() => resolveExistingGroup("Field Sales", [], where), /no Entra group is named 'Field Sales'/);
    });

    it("fails when several groups share the name, listing their object IDs", () => {
        assert.throws(
            () =>
                resolveExistingGroup("Sales Mobile", [sales, { objectId: "g-9", displayName: "Sales Mobile" }], where),
            /2 Entra groups are named 'Sales Mobile' \(g-1, g-9\)/,
        );
    });

    it("refuses a pinned group whose real name differs in case", () => {
        assert.throws(
            () => assertDisplayName("Sales mobile", sales, where),
            /is named 'Sales Mobile' in Entra, not 'Sales mobile'/,
        );
        assert.doesNotThrow(() => assertDisplayName("Sales Mobile", sales, where));
    });

    it("refuses mail-enabled and non-security groups", () => {
        assert.throws(
            () => assertSecurityGroup({ ...sales, securityEnabled: true, mailEnabled: true }, where),
            /must be security-enabled and not mail-enabled/,
        );
        assert.throws(
            () => assertSecurityGroup({ ...sales, securityEnabled: false, mailEnabled: false }, where),
            /not security-enabled/,
        );
        assert.doesNotThrow(() => assertSecurityGroup({ ...sales, securityEnabled: true, mailEnabled: false }, where));
    });
});
