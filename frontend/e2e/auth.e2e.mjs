// Browser end-to-end check of signing in, role gating and signing out against a running
// `finops serve` with an admin and a viewer:
//
//   BASE_URL=http://127.0.0.1:8000 ADMIN_LOGIN=admin:pw VIEWER_LOGIN=viewer:pw npm run e2e:auth
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   ADMIN_LOGIN        "username:password" of an admin (required)
//   VIEWER_LOGIN       "username:password" of a viewer (required)
//   E2E_ARTIFACTS_DIR  where screenshots go (default frontend/e2e-artifacts)
//   CHROMIUM_PATH      the browser to drive (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     how long to wait for each step (default 30000)
//
// For each user: sign in (the Overview opens with its total), count the state-changing
// controls of each page, try to open Admin, sign out (the login page opens, and the Overview
// sends the browser back to it). Prints one "controls <role>: {...}" JSON line per user; the
// admin must see every control, the viewer none. Exits 1 with "E2E FAILED: ..." otherwise.
import { join } from "node:path";

import {
  credentials,
  E2EFailure,
  launchChromium,
  prepareArtifactsDir,
  required,
  runScript,
  screenshotOnFailure,
  signIn,
  signOut,
  stepTimeout,
  watchPageErrors,
} from "./session.mjs";

/**
 * Opens a page from the navigation and waits for `ready` (a test id) to be visible.
 * @param {import("playwright-core").Page} page
 * @param {string} link
 * @param {string} ready
 * @param {number} timeout
 */
async function openPage(page, link, ready, timeout) {
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: link }).click();
  await page.getByTestId(ready).first().waitFor({ state: "visible", timeout }).catch(() => {
    throw new E2EFailure(`${link}: ${ready} did not appear within ${timeout} ms`);
  });
}

/**
 * Counts what the signed-in user sees of each state-changing control.
 * @param {import("playwright-core").Page} page
 * @param {number} timeout
 */
async function countControls(page, timeout) {
  const nav = page.getByRole("navigation", { name: "Pages" });
  const adminLink = await nav.getByRole("link", { name: "Admin" }).count();

  await openPage(page, "Forecasts & budgets", "budgets-table", timeout);
  const newBudget = await page.getByRole("button", { name: "New budget" }).count();
  const deleteBudget = await page.getByRole("button", { name: /^Delete budget / }).count();

  await openPage(page, "Anomalies", "anomaly-row", timeout);
  await page.getByTestId("anomaly-row").first().click();
  await page.getByTestId("anomaly-detail-status").waitFor({ state: "visible", timeout });
  const anomalyActions = await page.locator('[data-testid^="anomaly-action-"]').count();

  await openPage(page, "Data sources", "source-row", timeout);
  // the data-quality card loads on its own: count its CSV button only once it is there
  await page.getByTestId("quality-total").waitFor({ state: "visible", timeout });
  const csv = await page.getByRole("button", { name: "Download CSV" }).count();
  return { adminLink, newBudget, deleteBudget, anomalyActions, csv };
}

/**
 * Opens /admin directly: the users table for an admin, the "not available" notice otherwise.
 * @param {import("playwright-core").Page} page
 * @param {string} baseUrl
 * @param {number} timeout
 */
async function openAdmin(page, baseUrl, timeout) {
  await page.goto(`${baseUrl}/admin`, { waitUntil: "domcontentloaded", timeout });
  const shown = page.getByTestId("users-table").or(page.getByTestId("forbidden"));
  await shown.first().waitFor({ state: "visible", timeout });
  return (await page.getByTestId("users-table").count()) > 0 ? "users" : "forbidden";
}

/**
 * @param {import("playwright-core").Browser} browser
 * @param {{ baseUrl: string, role: string, username: string, password: string, timeout: number, artifactsDir: string }} options
 */
async function checkUser(browser, { baseUrl, role, username, password, timeout, artifactsDir }) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  const errors = watchPageErrors(page);
  try {
    await screenshotOnFailure(page, join(artifactsDir, `auth-${role}-failure.png`), async () => {
      await signIn(page, { baseUrl, path: "/", username, password, timeout });
      const total = (await page.getByTestId("kpi-total-cost").textContent({ timeout }))?.trim() ?? "";
      if (new URL(page.url()).pathname !== "/" || !total.startsWith("$")) {
        throw new E2EFailure(`${role}: after signing in the Overview shows ${JSON.stringify(total)} at ${page.url()}`);
      }
      const menu = (await page.getByTestId("user-role").textContent())?.trim().toLowerCase();
      if (menu !== role) {
        throw new E2EFailure(`${role}: the user menu shows the role ${JSON.stringify(menu)}`);
      }
      await page.screenshot({ path: join(artifactsDir, `auth-${role}-overview.png`), fullPage: true });
      const controls = { ...(await countControls(page, timeout)), admin: await openAdmin(page, baseUrl, timeout) };
      console.log(`controls ${role}: ${JSON.stringify(controls)}`);
      await page.screenshot({ path: join(artifactsDir, `auth-${role}-admin.png`), fullPage: true });
      await signOut(page, timeout);
      await page.screenshot({ path: join(artifactsDir, `auth-${role}-signed-out.png`), fullPage: true });
      // the session is gone on the server too: the Overview sends the browser back to login
      await page.goto(`${baseUrl}/`, { waitUntil: "domcontentloaded", timeout });
      await page.waitForURL((url) => url.pathname === "/login", { timeout });
      console.log(`signed out ${role}: ${new URL(page.url()).pathname}`);
      errors.check();
    });
  } finally {
    await page.close();
  }
}

async function main() {
  const baseUrl = required("BASE_URL").replace(/\/+$/, "");
  const users = [
    { role: "admin", ...credentials("ADMIN_LOGIN") },
    { role: "viewer", ...credentials("VIEWER_LOGIN") },
  ];
  const timeout = stepTimeout();
  const artifactsDir = prepareArtifactsDir();
  const browser = await launchChromium();
  try {
    for (const user of users) {
      await checkUser(browser, { baseUrl, timeout, artifactsDir, ...user });
    }
  } finally {
    await browser.close();
  }
}

runScript(main);
