// Browser end-to-end check of the Commitments page against a running `finops serve`:
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=viewer:pw node e2e/commitments.e2e.mjs
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   E2E_LOGIN          "username:password" of any signed-in role (required)
//   E2E_ARTIFACTS_DIR, CHROMIUM_PATH, E2E_TIMEOUT_MS: see session.mjs
//
// Opens /commitments (monthly) and prints every utilization row (unused cost, utilization),
// coverage row (eligible, covered, coverage) and purchase recommendation (monthly savings) as
// shown, whether the chart was drawn, then opens the page at phone width (390 px), which must
// not scroll sideways. Prints one "name: value" line per figure read. Exits 1 with
// "E2E FAILED: ..." otherwise.
import { join } from "node:path";

import { phoneScrollWidth, runScript, runSignedIn, textOf } from "./session.mjs";

/**
 * @param {import("playwright-core").Page} page
 * @param {number} timeout
 */
async function printTables(page, timeout) {
  await page.getByTestId("utilization-row").first().waitFor({ state: "visible", timeout });
  for (const row of await page.getByTestId("utilization-row").all()) {
    const key = `${(await row.getAttribute("data-period")) ?? ""}|${(await row.getAttribute("data-type")) ?? ""}`;
    const unused = await textOf(row.getByTestId("utilization-unused"), timeout);
    console.log(`utilization ${key}: ${unused} | ${await textOf(row.getByTestId("utilization-pct"), timeout)}`);
  }
  await page.getByTestId("coverage-row").first().waitFor({ state: "visible", timeout });
  for (const row of await page.getByTestId("coverage-row").all()) {
    const period = (await row.getAttribute("data-period")) ?? "";
    const cells = [];
    for (const id of ["coverage-eligible", "coverage-covered", "coverage-pct"]) {
      cells.push(await textOf(row.getByTestId(id), timeout));
    }
    console.log(`coverage ${period}: ${cells.join(" | ")}`);
  }
  await page.getByTestId("recommendations").waitFor({ state: "visible", timeout });
  for (const row of await page.getByTestId("recommendation-row").all()) {
    const key = (await row.getAttribute("data-key")) ?? "";
    console.log(`recommendation ${key}: ${await textOf(row.getByTestId("recommendation-savings"), timeout)}`);
  }
}

/**
 * @param {import("playwright-core").Page} page
 * @param {{ baseUrl: string, timeout: number, artifactsDir: string }} options
 */
async function checkCommitments(page, { baseUrl, timeout, artifactsDir }) {
  await printTables(page, timeout);
  await page.locator('[data-testid="commitments-chart"] [data-rendered-key]').waitFor({ state: "attached", timeout });
  console.log("chart: drawn");
  await page.screenshot({ path: join(artifactsDir, "commitments.png"), fullPage: true });

  const width = await phoneScrollWidth(page, {
    url: `${baseUrl}/commitments`,
    ready: "utilization-row",
    timeout,
    screenshot: join(artifactsDir, "commitments-phone.png"),
  });
  console.log(`phone scroll width: ${width}`);
}

async function main() {
  await runSignedIn(
    { name: "commitments", path: "/commitments", viewport: { width: 1440, height: 1200 } },
    ({ page, baseUrl, timeout, artifactsDir }) => checkCommitments(page, { baseUrl, timeout, artifactsDir }),
  );
}

runScript(main);
