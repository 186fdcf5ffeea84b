import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderConfigReference } from "../../config/reference";
import { stackConfigSchema } from "../../config/stackConfig";

describe("the configuration reference (docs/config-reference.md)", () => {
    const page = readFileSync(join(__dirname, "..", "..", "docs", "config-reference.md"), "utf8");

    it("is what the schema renders today (run `npm run docs` after changing the schema)", () => {
        assert.equal(page, renderConfigReference());
    });

    it("describes every key of every section", () => {
        const undocumented = page
            .split("\n")
            .filter((line) => line.startsWith("| `lookout-mtp:"))
            .filter((line) => line.trimEnd().endsWith("|  |"))
            .map((line) => line.split("|")[1].trim());
        assert.deepEqual(undocumented, []);
    });

    it("lists every top-level section of the schema", () => {
        for (const section of Object.keys(stackConfigSchema().shape))
            assert.match(page, new RegExp(`### lookout-mtp:${section}\\n`));
    });
});
