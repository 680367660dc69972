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
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { signIn } from "./session.mjs";

const FRONTEND_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"];

class E2EFailure extends Error {}

/** @param {string} name */
function required(name) {
  const value = process.env[name] ?? "";
  if (value === "") {
    throw new E2EFailure(`environment variable ${name} is required`);
  }
  return value;
}

/**
 * @param {import("playwright-core").Locator} locator
 * @param {number} timeout
 */
async function textOf(locator, timeout) {
  await locator.waitFor({ state: "visible", timeout });
  return ((await locator.textContent()) ?? "").trim();
}

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
  const baseUrl = required("BASE_URL").replace(/\/+$/, "");
  const login = required("E2E_LOGIN");
  const colon = login.indexOf(":");
  const id = required("MEASUREMENT_ID");
  const timeout = Number(process.env.E2E_TIMEOUT_MS ?? "30000");
  const artifactsDir = resolve(process.env.E2E_ARTIFACTS_DIR ?? join(FRONTEND_DIR, "e2e-artifacts"));
  mkdirSync(artifactsDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
  /** @type {string[]} */
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  try {
    await signIn(page, {
      baseUrl,
      path: "/savings",
      username: login.slice(0, colon),
      password: login.slice(colon + 1),
      timeout,
    });
    await readSavings(page, { id, timeout, artifactsDir });
    if (pageErrors.length > 0) {
      throw new E2EFailure(`uncaught errors in the page: ${pageErrors.join(" | ")}`);
    }
  } catch (error) {
    await page.screenshot({ path: join(artifactsDir, "savings-failure.png"), fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await browser.close();
  }
}

main().catch((/** @type {unknown} */ error) => {
  const message = error instanceof Error ? (error instanceof E2EFailure ? error.message : (error.stack ?? error.message)) : String(error);
  console.error(`E2E FAILED: ${message}`);
  process.exit(1);
});
