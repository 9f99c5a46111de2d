// Writes the licence of every package bundled into the editor asset (the lock file's packages,
// without the build tool): name, version and the package's own LICENSE text.
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const parts = [
  "The query editor (codemirror.min.js) bundles these packages, each under its own licence.\n",
];
for (const [path, entry] of Object.entries(lock.packages).sort()) {
  if (!path || entry.dev) continue;
  const name = path.replace(/^.*node_modules\//, "");
  const file = readdirSync(path).find((f) => /^licen[cs]e/i.test(f));
  if (!file) throw new Error(`${name} has no licence file`);
  parts.push(`${"=".repeat(72)}\n${name} ${entry.version} (${entry.license})\n${"=".repeat(72)}\n`);
  parts.push(readFileSync(join(path, file), "utf8").trim() + "\n");
}
writeFileSync(process.argv[2], parts.join("\n"));
