// Browser end-to-end check of the Explorer page against a running `finops serve`:
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=analyst:pw \
//     EXPLORER_PATH='/explorer?group_by=service_name&account_id=...' node e2e/explorer.e2e.mjs
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   E2E_LOGIN          "username:password" of a user who may export (analyst or above) (required)
//   EXPLORER_PATH      the Explorer view to open, with its grouping and filters (required)
//   E2E_ARTIFACTS_DIR  where screenshots and the downloaded CSV go (default frontend/e2e-artifacts)
//   CHROMIUM_PATH      the browser to drive (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     how long to wait for each step (default 30000)
//
// Signs in on EXPLORER_PATH, reads the table (every group's keys and total, and the exact total),
// downloads the view's CSV (saved as explorer.csv), drills down from the first row (its keys
// become filters, the grouping moves on), then opens the same view at phone width (390 px):
// the page must not scroll sideways and the navigation opens from its menu button. Prints one
// "name: value" line per figure read. Exits 1 with "E2E FAILED: ..." otherwise.
import { join } from "node:path";

import { E2EFailure, PHONE, required, runScript, runSignedIn } from "./session.mjs";

/**
 * The table's rows and exact total once the view has loaded.
 * @param {import("playwright-core").Page} page
 * @param {number} timeout
 */
async function readTable(page, timeout) {
  const total = page.getByTestId("explorer-total");
  await total.waitFor({ state: "visible", timeout });
  const rows = [];
  for (const row of await page.getByTestId("explorer-row").all()) {
    rows.push({
      keys: (await row.getAttribute("data-keys")) ?? "",
      total: ((await row.getByTestId("explorer-row-total").textContent()) ?? "").trim(),
    });
  }
  return { total: (await total.getAttribute("data-value")) ?? "", shown: ((await total.textContent()) ?? "").trim(), rows };
}

/**
 * @param {import("playwright-core").Page} page
 * @param {{ baseUrl: string, path: string, timeout: number, artifactsDir: string }} options
 */
async function explore(page, { baseUrl, path, timeout, artifactsDir }) {
  const table = await readTable(page, timeout);
  console.log(`total: ${table.total}`);
  console.log(`total shown: ${table.shown}`);
  for (const row of table.rows) {
    console.log(`row ${row.keys}: ${row.total}`);
  }
  await page.locator('[data-testid="explorer-chart"] [data-rendered-key]').waitFor({ state: "attached", timeout });
  console.log("chart: drawn");
  await page.screenshot({ path: join(artifactsDir, "explorer.png"), fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout }),
    page.getByTestId("explorer-csv").click(),
  ]);
  const csvPath = join(artifactsDir, "explorer.csv");
  await download.saveAs(csvPath);
  console.log(`csv: ${csvPath}`);

  const first = page.getByTestId("explorer-row").first();
  const keys = (await first.getAttribute("data-keys")) ?? "";
  await first.getByRole("button").first().click();
  await page.waitForURL((url) => url.searchParams.getAll("group_by").join(",") !== new URL(`${baseUrl}${path}`).searchParams.getAll("group_by").join(","), { timeout });
  console.log(`drilled from: ${keys}`);
  const drilledUrl = new URL(page.url());
  console.log(`drilled to: ${drilledUrl.search}`);
  // the previous view stays on screen until the new one arrives: wait for the new grouping
  const grouping = drilledUrl.searchParams.getAll("group_by").join(",");
  await page.locator(`[data-testid="explorer-table"][data-group-by="${grouping}"]`).waitFor({ state: "visible", timeout });
  const drilled = await readTable(page, timeout);
  console.log(`drilled total: ${drilled.total}`);

  await page.setViewportSize(PHONE);
  await page.goto(`${baseUrl}${path}`, { waitUntil: "domcontentloaded", timeout });
  const phone = await readTable(page, timeout);
  console.log(`phone total: ${phone.total}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log(`phone scroll width: ${width}`);
  const nav = page.getByRole("navigation", { name: "Pages" });
  if (await nav.isVisible()) {
    throw new E2EFailure("at phone width the navigation should be folded behind its menu button");
  }
  await page.getByTestId("nav-toggle").click();
  await nav.getByRole("link", { name: "Explorer" }).waitFor({ state: "visible", timeout });
  console.log("phone nav: opens");
  await page.screenshot({ path: join(artifactsDir, "explorer-phone.png"), fullPage: true });
}

async function main() {
  const path = required("EXPLORER_PATH");
  await runSignedIn(
    { name: "explorer", path, viewport: { width: 1440, height: 1400 }, acceptDownloads: true },
    ({ page, baseUrl, timeout, artifactsDir }) => explore(page, { baseUrl, path, timeout, artifactsDir }),
  );
}

runScript(main);
