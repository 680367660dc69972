// Browser end-to-end check of the SQL console page against a running `finops serve`:
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=analyst:pw QUERY="select …" EXPECTED_ROWS="a,1.5;b,2" \
//     node e2e/sql.e2e.mjs
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   E2E_LOGIN          "username:password" of a user with the sql permission (required)
//   QUERY              a statement to run (required)
//   EXPECTED_ROWS      its rows as `finops sql --format csv` prints them, ";"-joined (required)
//   E2E_ARTIFACTS_DIR  where screenshots go (default frontend/e2e-artifacts)
//   CHROMIUM_PATH      the browser to drive (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     how long to wait for each step (default 30000)
//
// Signs in on /sql, picks the `costs` view from the sidebar (its statement fills the editor),
// runs QUERY with Ctrl+Enter and compares the result table with EXPECTED_ROWS, reloads (the
// statement comes back from the address), runs a query on a missing view (the server's message
// shows). Prints "sql rows: N" and "sql error: <message>". Exits 1 with "E2E FAILED: ..." otherwise.
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
 * The result table's rows, each as its cells' text joined with ",".
 * @param {import("playwright-core").Page} page
 */
async function resultRows(page) {
  return page
    .getByTestId("sql-row")
    .evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll("td"), (td) => td.textContent).join(",")),
    );
}

/**
 * @param {import("playwright-core").Page} page
 * @param {{ query: string, timeout: number, expected: string[], artifactsDir: string }} options
 */
async function checkConsole(page, { query, timeout, expected, artifactsDir }) {
  const editor = page.getByTestId("sql-editor");
  await editor.waitFor({ state: "visible", timeout });

  const costs = page.getByRole("button", { name: "costs", exact: true });
  await costs.waitFor({ state: "visible", timeout });
  await costs.click();
  const picked = await editor.inputValue();
  if (picked !== "select * from costs limit 100") {
    throw new E2EFailure(`the costs view put ${JSON.stringify(picked)} in the editor`);
  }

  await editor.fill(query);
  await editor.press("Control+Enter");
  await page.getByTestId("sql-summary").waitFor({ state: "visible", timeout });
  const rows = await resultRows(page);
  if (JSON.stringify(rows) !== JSON.stringify(expected)) {
    throw new E2EFailure(`the result shows ${JSON.stringify(rows)}, finops sql ${JSON.stringify(expected)}`);
  }
  const totalAligned = await page
    .getByTestId("sql-row")
    .first()
    .locator("td")
    .nth(1)
    .evaluate((td) => getComputedStyle(td).textAlign);
  if (totalAligned !== "right") {
    throw new E2EFailure(`the total column is aligned ${totalAligned}, not right`);
  }
  console.log(`sql rows: ${String(rows.length)}`);
  await page.screenshot({ path: join(artifactsDir, "sql.png"), fullPage: true });

  await page.reload({ waitUntil: "domcontentloaded", timeout });
  await editor.waitFor({ state: "visible", timeout });
  const restored = await editor.inputValue();
  if (restored !== query) {
    throw new E2EFailure(`after a reload the editor holds ${JSON.stringify(restored)}`);
  }

  await editor.fill("select * from no_such_view");
  await page.getByRole("button", { name: "Run" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor({ state: "visible", timeout });
  const message = ((await alert.textContent()) ?? "").trim();
  if (!message.includes("no_such_view")) {
    throw new E2EFailure(`a query on a missing view shows ${JSON.stringify(message)}`);
  }
  console.log(`sql error: ${message}`);
  await page.screenshot({ path: join(artifactsDir, "sql-error.png"), fullPage: true });
}

async function main() {
  const baseUrl = required("BASE_URL").replace(/\/+$/, "");
  const login = required("E2E_LOGIN");
  const colon = login.indexOf(":");
  const query = required("QUERY");
  const expected = required("EXPECTED_ROWS").split(";");
  const timeout = Number(process.env.E2E_TIMEOUT_MS ?? "30000");
  const artifactsDir = resolve(process.env.E2E_ARTIFACTS_DIR ?? join(FRONTEND_DIR, "e2e-artifacts"));
  mkdirSync(artifactsDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  /** @type {string[]} */
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  try {
    await signIn(page, {
      baseUrl,
      path: "/sql",
      username: login.slice(0, colon),
      password: login.slice(colon + 1),
      timeout,
    });
    await checkConsole(page, { query, timeout, expected, artifactsDir });
    if (pageErrors.length > 0) {
      throw new E2EFailure(`uncaught errors in the page: ${pageErrors.join(" | ")}`);
    }
  } catch (error) {
    await page.screenshot({ path: join(artifactsDir, "sql-failure.png"), fullPage: true }).catch(() => undefined);
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
