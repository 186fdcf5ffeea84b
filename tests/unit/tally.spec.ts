import assert from "node:assert/strict";
import { tally } from "../kit/tally";

describe("the closing line's count of tests", () => {
    it("adds mocha's passing, failing and pending lines across suites", () => {
        const output = ["  494 passing (32s)", "  3 pending", "", "  83 passing (7m)", "  2 failing", ""].join("\n");
        assert.deepEqual(tally(output), { passed: 577, failed: 2, skipped: 3 });
    });

    it("counts nothing in a test's own line that only mentions passing", () => {
        assert.deepEqual(tally("    ✔ reports devices passing the gate (12ms)\n  9 passed the check"), {
            passed: 0,
            failed: 0,
            skipped: 0,
        });
    });
});
