import assert from "node:assert/strict";
import { Lines, tally, unframe } from "../kit/tally";

describe("the closing line's count of tests", () => {
    it("adds mocha's passing, failing and pending lines across suites", () => {
        const output = ["  494 passing (32s)", "  3 pending", "", "  83 passing (7m)", "  2 failing", ""].join("\n");
        assert.deepEqual(tally(output), { passed: 577, failed: 2, skipped: 3 });
    });

    it("reads schemathesis's test cases, on the heading's line or the next", () => {
        const output = [
            "Test cases:",
            "  1124 generated, 1124 passed, 18 skipped",
            "Test cases: 3826 generated, 3820 passed, 6 failed",
        ].join("\n");
        assert.deepEqual(tally(output), { passed: 4944, failed: 6, skipped: 18 });
    });

    it("counts nothing in a test's own line that only mentions passing", () => {
        assert.deepEqual(tally("    ✔ reports devices passing the gate (12ms)\n  9 passed the check"), {
            passed: 0,
            failed: 0,
            skipped: 0,
        });
    });

    it("drops the frame of every line schemathesis frames in pytest's style, keeping its words", () => {
        assert.equal(
            unframe("============================= 2 warnings in 75.03s ============================="),
            "2 warnings in 75.03s",
        );
        assert.equal(
            unframe("========================== No issues found in 12.39s ==========================="),
            "No issues found in 12.39s",
        );
        assert.equal(unframe("=============== Empty test suite ==============="), "Empty test suite");
        assert.equal(unframe("  ==== SUMMARY ===="), "  SUMMARY");
        assert.equal(unframe("tests: 3 passed, 0 failed"), "tests: 3 passed, 0 failed");
        assert.equal(unframe("a = b == c"), "a = b == c");
    });

    it("unframes whole lines however a process's writes split them, and shows other partial lines at once", () => {
        const writes: string[] = [];
        const lines = new Lines((text) => writes.push(text));
        for (const chunk of [
            "Test cases: 9 passed\n=== 2 warn",
            "ings in 1.5s ===\nfuzzing ..",
            ".\n",
            "== tail in 2s ==",
        ])
            lines.push(chunk);
        lines.end();
        assert.deepEqual(writes, ["Test cases: 9 passed\n", "2 warnings in 1.5s\nfuzzing ..", ".\n", "tail in 2s"]);
    });
});
