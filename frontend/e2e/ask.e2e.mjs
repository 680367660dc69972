// Browser end-to-end check of the Ask page against a running `finops serve`:
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=viewer:pw QUESTION="…" CHART_QUESTION="…" \
//     node e2e/ask.e2e.mjs
//
// Environment: BASE_URL, E2E_LOGIN ("username:password"), QUESTION (answered with one number),
// CHART_QUESTION (answered with a table and a chart) (all required); E2E_ARTIFACTS_DIR,
// CHROMIUM_PATH, E2E_TIMEOUT_MS as in the other scripts.
//
// Signs in on the Overview, opens Ask with Ctrl+K, types QUESTION and reads the number shown
// ("value" and "value shown"), then asks CHART_QUESTION by its link (the chart is drawn, the
// table's rows are printed as "row <label>: <amount>", the SQL opens), then a question the
// assistant refuses ("refused: <message>"). Exits 1 with "E2E FAILED: ..." otherwise.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { chromium } from "playwright-core";

import { signIn } from "./session.mjs";

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
 * @param {import("playwright-core").Page} page
 * @param {{ baseUrl: string, question: string, chartQuestion: string, timeout: number, artifactsDir: string }} o
 */
async function ask(page, { baseUrl, question, chartQuestion, timeout, artifactsDir }) {
  await page.keyboard.press("Control+k");
  await page.waitForURL((url) => url.pathname === "/ask", { timeout });
  const input = page.getByTestId("ask-input");
  await input.waitFor({ state: "visible", timeout });
  await input.fill(question);
  await input.press("Enter");
  const value = page.getByTestId("ask-value");
  await value.waitFor({ state: "visible", timeout });
  console.log(`value: ${(await value.getAttribute("data-value")) ?? ""}`);
  console.log(`value shown: ${((await value.textContent()) ?? "").trim()}`);

  await page.goto(`${baseUrl}/ask?q=${encodeURIComponent(chartQuestion)}`, { timeout });
  await page.locator('[data-testid="ask-chart"] [data-rendered-key]').waitFor({ state: "attached", timeout });
  console.log(`chart: ${(await page.getByTestId("ask-chart").getAttribute("data-kind")) ?? ""}`);
  for (const row of await page.getByTestId("sql-row").all()) {
    const cells = await row.locator("td").allTextContents();
    console.log(`row ${cells[0] ?? ""}: ${cells[1] ?? ""}`);
  }
  await page.getByText(/The SQL behind it/).click();
  const sql = page.getByTestId("ask-sql-statement").first();
  await sql.waitFor({ state: "visible", timeout });
  console.log(`sql: ${((await sql.textContent()) ?? "").slice(0, 60)}`);
  await page.screenshot({ path: join(artifactsDir, "ask.png"), fullPage: true });

  await input.fill("drop table costs");
  await input.press("Enter");
  const refused = page.getByTestId("ask-refused");
  await refused.waitFor({ state: "visible", timeout });
  console.log(`refused: ${((await refused.textContent()) ?? "").trim()}`);
}

async function main() {
  const baseUrl = required("BASE_URL").replace(/\/+$/, "");
  const login = required("E2E_LOGIN");
  const colon = login.indexOf(":");
  const timeout = Number(process.env.E2E_TIMEOUT_MS ?? "30000");
  const artifactsDir = resolve(process.env.E2E_ARTIFACTS_DIR ?? "e2e-artifacts");
  mkdirSync(artifactsDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  /** @type {string[]} */
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  try {
    const credentials = { username: login.slice(0, colon), password: login.slice(colon + 1) };
    await signIn(page, { baseUrl, path: "/", ...credentials, timeout });
    const question = required("QUESTION");
    await ask(page, { baseUrl, question, chartQuestion: required("CHART_QUESTION"), timeout, artifactsDir });
    if (pageErrors.length > 0) {
      throw new E2EFailure(`uncaught errors in the page: ${pageErrors.join(" | ")}`);
    }
  } catch (error) {
    await page.screenshot({ path: join(artifactsDir, "ask-failure.png"), fullPage: true }).catch(() => undefined);
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
