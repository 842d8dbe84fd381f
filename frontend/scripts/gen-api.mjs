// Regenerate src/api/schema.d.ts from the API's live OpenAPI document.
//   npm run gen:api            write the file
//   npm run gen:api -- --check fail (exit 1) when the committed file differs
// The document comes from `create_app().openapi()` in the repo's Python venv: no server,
// no database. openapi-typescript is this package's pinned devDependency.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const out = resolve(import.meta.dirname, "..", "src", "api", "schema.d.ts");
const python = process.env.STAKETRACK_PYTHON ?? join(root, ".venv", "bin", "python");
const check = process.argv.includes("--check");
const guard = { timeout: 300_000 }; // a hang guard, not a deadline

const scratch = mkdtempSync(join(tmpdir(), "st-openapi-"));
const schemaFile = join(scratch, "openapi.json");
const dump = [
  "import json, os, sys, tempfile",
  `sys.path.insert(0, ${JSON.stringify(root)})`,
  "os.environ.setdefault('DATA_DIR', tempfile.mkdtemp())",
  "from api.app import create_app",
  `open(${JSON.stringify(schemaFile)}, 'w').write(json.dumps(create_app().openapi()))`,
].join("\n");
execFileSync(python, ["-c", dump], { stdio: ["ignore", "ignore", "inherit"], ...guard, env: { ...process.env, NETWORK: "mainnet" } });

const generated = join(scratch, "schema.d.ts");
const bin = resolve(import.meta.dirname, "..", "node_modules", ".bin", "openapi-typescript");
execFileSync(bin, [schemaFile, "-o", generated, "--root-types", "--alphabetize"], { stdio: ["ignore", "ignore", "inherit"], ...guard });
const header = "// Generated from the API's OpenAPI document by `npm run gen:api`. Do not edit.\n";
const text = header + readFileSync(generated, "utf8");

if (check) {
  const committed = existsSync(out) ? readFileSync(out, "utf8") : "";
  if (committed !== text) {
    console.error("src/api/schema.d.ts differs from the live OpenAPI: run `make -C .. api-types` (npm run gen:api) and commit it");
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches the live OpenAPI");
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
