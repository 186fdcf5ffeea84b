import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../kit/engine";
import { tally } from "../kit/tally";

/** The end of a schemathesis 4 report, as it frames it when its output is not a terminal. */
const passedReport = `Schemathesis v4.32.5

=================================== SUMMARY ====================================

API Operations:
  Selected: 28/47
  Tested: 28

Warnings:
  ⚠️ Missing test data: 5 operations repeatedly returned 404 responses
  ⚠️ Schema validation mismatch: 3 operations mostly rejected generated data

Test cases:
  3826 generated, 3820 passed, 6 skipped

Seed: 20260601

============================= 2 warnings in 50.56s =============================
`;

const failedReport = `Schemathesis v4.32.5

=================================== FAILURES ===================================
________________________ GET /console/v1/connectors/intune ________________________
1. Server error

=================================== SUMMARY ====================================

API Operations:
  Selected: 9/9
  Tested: 9

Test cases:
  1124 generated, 1 found 1 unique failures, 1123 passed

============================ 1 failure in 3.21s ============================
`;

/** Runs tools/fuzz/lib.sh's run_schemathesis with a schemathesis that prints `report` and exits with `code`. */
function runWith(report: string, code: number) {
    const root = mkdtempSync(join(tmpdir(), "lookout-fuzz-"));
    try {
        mkdirSync(join(root, ".venv", "bin"), { recursive: true });
        writeFileSync(join(root, "report.txt"), report);
        const stub = join(root, ".venv", "bin", "schemathesis");
        writeFileSync(stub, `#!/bin/sh\ncat "${join(root, "report.txt")}"\nexit ${code}\n`);
        chmodSync(stub, 0o755);
        const script = `root="$1"; log_name=conformance; . "$2"; run_schemathesis "Graph's slice" graph run doc.json`;
        const run = spawnSync(
            "bash",
            ["-euo", "pipefail", "-c", script, "_", root, join(projectRoot, "tools", "fuzz", "lib.sh")],
            { encoding: "utf8" },
        );
        return { status: run.status, stdout: run.stdout, stderr: run.stderr };
    } finally {
        rmSync(root, { recursive: true, force: true });
    }
}

describe("a schemathesis run's line in npm test (tools/fuzz/lib.sh)", () => {
    it("prints the operations, the cases and each warning, which the closing line counts", () => {
        const { status, stdout } = runWith(passedReport, 0);
        assert.equal(status, 0);
        assert.equal(
            stdout,
            [
                "conformance: Graph's slice: no issue in 28 operations; 3826 generated, 3820 passed, 6 skipped (report: .reports/fuzz/graph.log)",
                "conformance: Graph's slice: warning: Missing test data: 5 operations repeatedly returned 404 responses",
                "conformance: Graph's slice: warning: Schema validation mismatch: 3 operations mostly rejected generated data",
                "",
            ].join("\n"),
        );
        assert.deepEqual(tally(stdout), { passed: 3820, failed: 0, skipped: 6 });
    });

    it("prints a failed run's whole report, its closing line without its frame or 'in 3.21s', and fails", () => {
        const { status, stdout, stderr } = runWith(failedReport, 1);
        assert.equal(status, 1);
        assert.match(stdout, /^1\. Server error$/m);
        assert.match(stdout, /^1 failure \(3\.21 s\)$/m);
        assert.doesNotMatch(stdout, / in [0-9.]+s\b|^=+ .* =+$/m);
        assert.match(
            stderr,
            /^conformance: Graph's slice: FAILED \(schemathesis exit code 1\); its report: \.reports\/fuzz\/graph\.log$/m,
        );
        assert.deepEqual(tally(stdout), { passed: 0, failed: 0, skipped: 0 }, "npm test counts it by its exit code");
    });

    it("fails, showing the report, when a passed run's report has no summary it can read", () => {
        const { status, stdout, stderr } = runWith("Schemathesis v9\nAll good.\n", 0);
        assert.equal(status, 1);
        assert.match(stdout, /All good\./);
        assert.match(stderr, /FAILED \(schemathesis passed, but its report has no summary this script reads\)/);
    });
});
