/**
 * A stack created by the layout before folders by concept (tests/fixtures/previous-layout, see its
 * README) keeps working with this code: its state, imported into a stack with its config file,
 * against the emulator state its `up` left, previews and refreshes with no changes, and `destroy`
 * gives the tenant back as it was before that `up`.
 *
 * Refresh and destroy run the program (`--run-program`): without it the engine configures the
 * providers from the provider config in the state, which names the emulator of the run that made
 * the fixture (its port and application key, both gone), not from the stack's config.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createStore } from "../../emulator/store";
import { referenceTenantId } from "../kit/configFixtures";
import { type EmulatedTenant, scaledRetryPolicy } from "../kit/lookoutEmulator";
import { changedSteps, useTestStack } from "../kit/testStack";

const fixture = (file: string) => join(__dirname, "..", "fixtures", "previous-layout", file);

/** The part of a tenant's settings the stack manages. */
function managed({
    intuneConnector,
    notificationPreferences,
    threatClassifications,
    mtdConnectors,
    compliancePolicies,
}: ReturnType<EmulatedTenant["settings"]>) {
    return {
        intuneConnector,
        notificationPreferences,
        riskLevels: threatClassifications.value,
        mtdConnectors,
        compliancePolicies,
    };
}

/** The tests' retry policy in the keys the previous layout's policy reader knows. */
function policyOfPreviousLayout() {
    const { maxAttempts, baseDelayMs, maxDelayMs, attemptTimeoutMs, totalBudgetMs } = scaledRetryPolicy();
    return { maxAttempts, baseDelayMs, maxDelayMs, attemptTimeoutMs, totalBudgetMs };
}

/** A tenant that never had the stack. */
function untouched() {
    const store = createStore();
    return store.describe(store.addTenant("contoso"));
}

describe("a stack created by the previous layout (real engine)", function () {
    this.timeout(300_000);
    const { tenant, t } = useTestStack("previous-layout", {
        // The fixture's config names this tenant in reference mode; the identity signs in to it (checked since 0.3).
        emulator: { restoreFrom: fixture("emulator-state.json"), entraTenantId: referenceTenantId },
        configFile: fixture("Pulumi.previous-layout.yaml"),
        // Its providers were stored by value and read LOOKOUT_MTP_RETRY_POLICY with the keys of their day.
        env: { LOOKOUT_MTP_RETRY_POLICY: JSON.stringify(policyOfPreviousLayout()) },
    });
    before(async () => {
        await t.stack.importStack(JSON.parse(readFileSync(fixture("stack-state.json"), "utf8")));
    });
    beforeEach(() => {
        t.events.length = 0;
    });

    it("previews no changes", async () => {
        const preview = await t.stack.preview(t.run);
        assert.deepEqual(changedSteps(t.events), []);
        assert.deepEqual(
            preview.changeSummary,
            { same: 11 },
            "the stack, 4 components, 3 Lookout and 3 Intune resources",
        );
    });

    it("refreshes with no changes", async () => {
        const refresh = await t.stack.refresh({ ...t.run, runProgram: true });
        assert.deepEqual(changedSteps(t.events), []);
        assert.deepEqual(Object.keys(refresh.summary.resourceChanges ?? {}), ["same"]);
    });

    it("destroys, leaving the tenant as it was before the stack's up", async () => {
        await t.stack.destroy({ ...t.run, runProgram: true });
        assert.deepEqual(managed(tenant.settings()), managed(untouched()));
    });
});
