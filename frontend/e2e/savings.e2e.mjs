// Browser end-to-end check of the Savings page against a running `finops serve`:
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=viewer:pw MEASUREMENT_ID=1 node e2e/savings.e2e.mjs
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   E2E_LOGIN          "username:password" of a user with the viewer role or above (required)
//   MEASUREMENT_ID     the id of a measured savings measurement (required)
//   E2E_ARTIFACTS_DIR  where screenshots go (default frontend/e2e-artifacts)
//   CHROMIUM_PATH      the browser to drive (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     how long to wait for each step (default 30000)
//
// Signs in on /savings, reads the totals and the by-action table, opens the measurement from
// the measurements table (its detail, windows, confidence and before/after chart show), then
// reloads (the measurement comes back from the address). Prints one "name: value" line per
// figure read. Exits 1 with "E2E FAILED: ..." otherwise.
import { join } from "node:path";

import { required, runScript, runSignedIn, textOf } from "./session.mjs";


/**
 * @param {import("playwright-core").Page} page
 * @param {{ id: string, timeout: number, artifactsDir: string }} options
 */
async function readSavings(page, { id, timeout, artifactsDir }) {
  for (const name of ["savings-realized", "savings-realized-list", "savings-estimated", "savings-rate"]) {
    console.log(`${name}: ${await textOf(page.getByTestId(name), timeout)}`);
  }
  const actions = page.getByTestId("savings-by-action");
  const rows = actions.getByTestId("rollup-row");
  await rows.first().waitFor({ state: "visible", timeout });
  for (const row of await rows.all()) {
    const key = await row.getAttribute("data-key");
    console.log(`by-action ${key}: ${await textOf(row.getByTestId("rollup-realized"), timeout)}`);
  }
  const row = page.locator(`[data-testid="measurement-row"][data-id="${id}"]`);
  await row.waitFor({ state: "visible", timeout });
  console.log(`row realized: ${await textOf(row.getByTestId("measurement-realized"), timeout)}`);
  await row.click();
  const detail = page.locator(`[data-testid="measurement-detail"][data-id="${id}"]`);
  await detail.waitFor({ state: "visible", timeout });
  for (const name of ["detail-estimated", "detail-realized", "detail-realized-list", "detail-daily", "detail-windows", "savings-confidence"]) {
    console.log(`${name}: ${await textOf(detail.getByTestId(name), timeout)}`);
  }
  await detail.locator(`[data-testid="before-after-chart"] [data-rendered-key]`).waitFor({ state: "attached", timeout });
  console.log("chart: drawn");
  await page.screenshot({ path: join(artifactsDir, "savings.png"), fullPage: true });

  await page.reload({ waitUntil: "domcontentloaded", timeout });
  const reloaded = page.locator(`[data-testid="measurement-detail"][data-id="${id}"]`);
  console.log(`reloaded realized: ${await textOf(reloaded.getByTestId("detail-realized"), timeout)}`);
}

async function main() {
  const id = required("MEASUREMENT_ID");
  await runSignedIn(
    { name: "savings", path: "/savings", viewport: { width: 1440, height: 1400 } },
    ({ page, timeout, artifactsDir }) => readSavings(page, { id, timeout, artifactsDir }),
  );
}

runScript(main);
