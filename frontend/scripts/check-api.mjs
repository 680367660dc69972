// Fails when src/api/schema.d.ts is not what openapi-typescript generates from openapi.json,
// i.e. when someone changed the API schema without running `npm run generate:api`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const schemaPath = join(root, "openapi.json");
const committedPath = join(root, "src", "api", "schema.d.ts");
const cli = join(root, "node_modules", "openapi-typescript", "bin", "cli.js");

const tempDir = mkdtempSync(join(tmpdir(), "finops-api-check-"));
try {
  const regeneratedPath = join(tempDir, "schema.d.ts");
  execFileSync(process.execPath, [cli, schemaPath, "--output", regeneratedPath], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const committed = readFileSync(committedPath, "utf8");
  const regenerated = readFileSync(regeneratedPath, "utf8");
  if (committed !== regenerated) {
    console.error(
      "src/api/schema.d.ts is out of date with openapi.json: run `npm run generate:api` and commit the result.",
    );
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches openapi.json");
} finally {
  rmSync(tempDir, { recursive: true, force: true });
}
