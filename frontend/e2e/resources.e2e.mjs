// Browser end-to-end check of the Resources page against a running `finops serve`:
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=viewer:pw RESOURCE_ID=i-0abc node e2e/resources.e2e.mjs
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   E2E_LOGIN          "username:password" of any signed-in role (required)
//   RESOURCE_ID        a resource with open findings, opened below the table (required)
//   E2E_ARTIFACTS_DIR, CHROMIUM_PATH, E2E_TIMEOUT_MS: see session.mjs
//
// Reads the inventory's first page (each row's 30-day cost, open findings and anomalies),
// opens RESOURCE_ID from its URL (its cost and the links to its findings), follows the first
// finding link to the Optimization page (that finding alone, its detail open), then opens the
// inventory at phone width (390 px), which must not scroll sideways. Then, still at phone width,
// the Accounts page: it must not scroll sideways either; its first row's account, 30-day cost
// and Explorer link are read, and the link is followed. Prints one "name: value" line per
// figure read. Exits 1 with "E2E FAILED: ..." otherwise.
import { join } from "node:path";

import { phoneScrollWidth, required, runScript, runSignedIn, textOf } from "./session.mjs";

/**
 * @param {import("playwright-core").Page} page
 * @param {number} timeout
 */
async function printRows(page, timeout) {
  await page.getByTestId("resource-row").first().waitFor({ state: "visible", timeout });
  const rows = await page.getByTestId("resource-row").all();
  for (const row of rows) {
    const id = (await row.getAttribute("data-id")) ?? "";
    const cost = await textOf(row.getByTestId("resource-cost"), timeout);
    const findings = await textOf(row.getByTestId("resource-findings"), timeout);
    const anomalies = await textOf(row.getByTestId("resource-anomalies"), timeout);
    console.log(`row ${id}: ${cost} | ${findings} | ${anomalies}`);
  }
  return rows.length;
}

/**
 * @param {import("playwright-core").Page} page
 * @param {{ baseUrl: string, id: string, timeout: number, artifactsDir: string }} options
 */
async function checkResources(page, { baseUrl, id, timeout, artifactsDir }) {
  console.log(`rows: ${await printRows(page, timeout)}`);
  console.log(`count: ${await textOf(page.getByTestId("resources-count"), timeout)}`);
  await page.screenshot({ path: join(artifactsDir, "resources.png"), fullPage: true });

  await page.goto(`${baseUrl}/resources?id=${encodeURIComponent(id)}`, { waitUntil: "domcontentloaded", timeout });
  const detail = page.locator(`[data-testid="resource-detail"][data-id="${id}"]`);
  await detail.waitFor({ state: "visible", timeout });
  console.log(`detail cost: ${await textOf(detail.getByTestId("resource-detail-cost"), timeout)}`);
  const links = detail.getByTestId("resource-finding-link");
  await links.first().waitFor({ state: "visible", timeout });
  const hrefs = [];
  for (const link of await links.all()) {
    hrefs.push((await link.getAttribute("href")) ?? "");
  }
  console.log(`finding links: ${hrefs.join(",")}`);
  await page.screenshot({ path: join(artifactsDir, "resources-detail.png"), fullPage: true });
  await links.first().click();
  await page.waitForURL((url) => url.pathname === "/optimization", { timeout });
  const opened = page.getByTestId("finding-detail");
  await opened.waitFor({ state: "visible", timeout });
  console.log(`finding url: ${new URL(page.url()).search}`);
  console.log(`finding opened: ${(await opened.getAttribute("data-fingerprint")) ?? ""}`);
  console.log(`finding rows: ${await page.getByTestId("finding-row").count()}`);

  const width = await phoneScrollWidth(page, {
    url: `${baseUrl}/resources`,
    ready: "resource-row",
    timeout,
    screenshot: join(artifactsDir, "resources-phone.png"),
  });
  console.log(`phone scroll width: ${width}`);
  await checkAccounts(page, { baseUrl, timeout, artifactsDir });
}

/**
 * The Accounts page at phone width: its scroll width, then the first row (the largest 30-day
 * cost) and where its name leads.
 * @param {import("playwright-core").Page} page
 * @param {{ baseUrl: string, timeout: number, artifactsDir: string }} options
 */
async function checkAccounts(page, { baseUrl, timeout, artifactsDir }) {
  const width = await phoneScrollWidth(page, {
    url: `${baseUrl}/accounts`,
    ready: "account-row",
    timeout,
    screenshot: join(artifactsDir, "accounts-phone.png"),
  });
  console.log(`accounts phone scroll width: ${width}`);
  console.log(`accounts count: ${await textOf(page.getByTestId("accounts-count"), timeout)}`);
  const first = page.getByTestId("account-row").first();
  console.log(`accounts first: ${(await first.getAttribute("data-id")) ?? ""}`);
  console.log(`accounts first cost 30d: ${await textOf(first.getByTestId("account-cost-30d"), timeout)}`);
  const link = first.getByTestId("account-explorer-link");
  console.log(`accounts explorer link: ${(await link.getAttribute("href")) ?? ""}`);
  await link.click();
  await page.waitForURL((url) => url.pathname === "/explorer", { timeout });
  await page.getByTestId("explorer-headline").waitFor({ state: "visible", timeout });
  console.log(`accounts explorer url: ${new URL(page.url()).search}`);
}

async function main() {
  const id = required("RESOURCE_ID");
  await runSignedIn(
    { name: "resources", path: "/resources", viewport: { width: 1440, height: 1200 } },
    ({ page, baseUrl, timeout, artifactsDir }) => checkResources(page, { baseUrl, id, timeout, artifactsDir }),
  );
}

runScript(main);
