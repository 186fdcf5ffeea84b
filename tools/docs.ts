/** `npm run docs`: writes the generated pages of docs/ (today the configuration reference). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderConfigReference } from "../config/reference";

const file = join(__dirname, "..", "docs", "config-reference.md");
writeFileSync(file, renderConfigReference());
console.log(`docs: wrote ${file}`);
