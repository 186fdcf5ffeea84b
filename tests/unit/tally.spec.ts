import assert from "node:assert/strict";
import { tally } from "../kit/tally";

describe("the closing line's count of tests", () => {
    it("adds mocha's passing, failing and pending lines across suites", () => {
        const output = ["  494 passing (32s)", "  3 pending", "", "  83 passing (7m)", "  2 failing", ""].join("\n");
        assert.deepEqual(tally(output), { passed: 577, failed: 2, skipped: 3 });
    });

    it("reads the line each schemathesis run prints through tools/fuzz/lib.sh", () => {
        const output = [
            "fuzz-contract: Lookout's contract: no issue in 9 operations; 1124 generated, 1124 passed, 18 skipped (report: .reports/fuzz/lookout-contract.log)",
            "conformance: Microsoft's Graph v1.0 OpenAPI slice: no issue in 28 operations; 3826 generated, 3826 passed (report: .reports/fuzz/conformance-graph.log)",
            "conformance: Microsoft's Graph v1.0 OpenAPI slice: warning: Missing test data: 5 operations repeatedly returned 404 responses",
        ].join("\n");
        assert.deepEqual(tally(output), { passed: 4950, failed: 0, skipped: 18 });
    });

    it("counts nothing in a test's own line that only mentions passing", () => {
        assert.deepEqual(tally("    ✔ reports devices passing the gate (12ms)\n  9 passed the check"), {
            passed: 0,
            failed: 0,
            skipped: 0,
        });
    });
});
