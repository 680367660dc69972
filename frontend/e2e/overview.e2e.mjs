// Browser end-to-end check of the Overview page (and, when asked, the Anomalies page) against a
// running `finops serve`.
//
//   BASE_URL=http://127.0.0.1:8000 EXPECTED_TOTAL=12345.6789 npm run e2e
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   EXPECTED_TOTAL     the total cost as a decimal string, e.g. from `finops sql` (required)
//   EXPECTED_ANOMALIES comma-separated fingerprints the Anomalies page must list, in order
//                      (open and acknowledged incidents); unset: the page is not checked
//   EXPECTED_SOURCES   comma-separated "source_id=rows" the Data sources page must list, in
//                      order (e.g. from `finops sql`); unset: the page is not checked
//   EXPECTED_CURRENCY  ISO currency of that total (default USD)
//   E2E_LOGIN          "username:password" to sign in with first (the dashboard needs a login)
//   E2E_ARTIFACTS_DIR  where screenshots go (default frontend/e2e-artifacts)
//   CHROMIUM_PATH      the browser to drive (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     how long to wait for each step (default 30000)
//
// Exits 0 when every check passes, 1 with an "E2E FAILED: ..." line otherwise.
import { join } from "node:path";

import {
  E2EFailure,
  launchChromium,
  prepareArtifactsDir,
  required,
  runScript,
  signIn,
  stepTimeout,
  watchPageErrors,
} from "./session.mjs";

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * The expected display of a decimal total. Intl formats a numeric string exactly (no float
 * rounding) and rounds half away from zero, which is what the dashboard's helper does too.
 * @param {string} total
 * @param {string} currency
 */
function expectedMoneyText(total, currency) {
  if (!DECIMAL.test(total)) {
    throw new E2EFailure(
      `EXPECTED_TOTAL must be a plain decimal string, got ${JSON.stringify(total)}`,
    );
  }
  const format = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return format.format(/** @type {Intl.StringNumericLiteral} */ (total));
}

/**
 * Waits until the trend chart shows a non-empty breakdown by `dimension` (any, when null) and
 * ECharts has finished drawing exactly that data, then returns what it shows.
 * @param {import("playwright-core").Page} page
 * @param {string | null} dimension
 * @param {number} timeout
 * @returns {Promise<{ dimension: string, keys: string[], legend: string[] }>}
 */
async function waitForDrawnTrend(page, dimension, timeout) {
  const handle = await page.waitForFunction(
    (wanted) => {
      const chart = document.querySelector('[data-testid="trend-chart"]');
      const keys = chart?.getAttribute("data-series-keys") ?? "[]";
      const drawn = chart?.querySelector("[data-echart]")?.getAttribute("data-rendered-key");
      const shown = chart?.getAttribute("data-dimension") ?? null;
      if (chart === null || keys === "[]" || drawn !== keys || (wanted !== null && shown !== wanted)) {
        return null;
      }
      const legend = Array.from(chart.querySelectorAll("svg text"), (text) => text.textContent);
      return { dimension: shown, keys: JSON.parse(keys), legend };
    },
    dimension,
    { timeout },
  );
  return /** @type {{ dimension: string, keys: string[], legend: string[] }} */ (
    await handle.jsonValue()
  );
}

/**
 * @param {import("playwright-core").Page} page
 * @param {{ expectedTotalText: string, timeout: number, log: (line: string) => void }} options
 */
async function checkOverview(page, { expectedTotalText, timeout, log }) {
  const total = page.getByTestId("kpi-total-cost");
  await total.waitFor({ state: "visible", timeout }).catch(async () => {
    const alert = await page.getByRole("alert").allTextContents();
    throw new E2EFailure(
      `the total cost card did not appear within ${timeout} ms` +
        (alert.length > 0 ? `; the page shows: ${alert.join(" | ")}` : ""),
    );
  });
  const shownTotal = (await total.textContent())?.trim();
  if (shownTotal !== expectedTotalText) {
    throw new E2EFailure(
      `total cost shows ${JSON.stringify(shownTotal)}, expected ${JSON.stringify(expectedTotalText)}`,
    );
  }
  log(`total cost shows ${shownTotal}`);

  for (const testId of ["kpi-mtd", "kpi-previous-month", "kpi-mom"]) {
    const text = (await page.getByTestId(testId).textContent())?.trim() ?? "";
    if (text === "") {
      throw new E2EFailure(`KPI ${testId} is empty`);
    }
    log(`${testId} shows ${text}`);
  }

  const before = await waitForDrawnTrend(page, null, timeout).catch(() => {
    throw new E2EFailure(`the trend chart drew no series within ${timeout} ms`);
  });
  log(`trend by ${before.dimension}: ${before.keys.join(", ")}`);

  const select = page.getByTestId("dimension-select");
  const options = await select
    .locator("option")
    .evaluateAll((nodes) => nodes.map((node) => /** @type {HTMLOptionElement} */ (node).value));
  const next = options.find((value) => value !== before.dimension);
  if (next === undefined) {
    throw new E2EFailure(`the dimension selector offers nothing besides ${before.dimension}`);
  }
  await select.selectOption(next);
  const after = await waitForDrawnTrend(page, next, timeout).catch(() => {
    throw new E2EFailure(`the trend chart did not redraw by ${next} within ${timeout} ms`);
  });
  if (JSON.stringify(after.keys) === JSON.stringify(before.keys)) {
    throw new E2EFailure(`the trend by ${next} shows the same series as by ${before.dimension}`);
  }
  const missing = after.keys.filter((key) => !after.legend.includes(key));
  if (missing.length > 0) {
    throw new E2EFailure(`the chart legend by ${next} lacks ${JSON.stringify(missing)}`);
  }
  log(`trend by ${after.dimension}: ${after.keys.join(", ")}`);
}

/**
 * Opens the Anomalies page from the navigation, checks that its rows are the expected incidents
 * in order, then selects the first and waits for its root cause and drawn chart.
 * @param {import("playwright-core").Page} page
 * @param {{ expected: string[], timeout: number, log: (line: string) => void }} options
 */
async function checkAnomalies(page, { expected, timeout, log }) {
  await page.getByRole("link", { name: "Anomalies" }).click();
  const rows = page.getByTestId("anomaly-row");
  await rows
    .first()
    .waitFor({ state: "visible", timeout })
    .catch(async () => {
      const alert = await page.getByRole("alert").allTextContents();
      throw new E2EFailure(
        `no anomaly row appeared within ${timeout} ms` +
          (alert.length > 0 ? `; the page shows: ${alert.join(" | ")}` : ""),
      );
    });
  const shown = await rows.evaluateAll((nodes) =>
    nodes.map((node) => /** @type {HTMLElement} */ (node).dataset["fingerprint"] ?? ""),
  );
  if (JSON.stringify(shown) !== JSON.stringify(expected)) {
    throw new E2EFailure(
      `the Anomalies page lists ${JSON.stringify(shown)}, expected ${JSON.stringify(expected)}`,
    );
  }
  log(`anomalies page lists ${shown.length} incident(s): ${shown.join(", ")}`);

  await rows.first().click();
  const detail = page.getByTestId("anomaly-detail");
  await detail
    .locator("[data-echart][data-rendered-key]")
    .waitFor({ state: "attached", timeout })
    .catch(() => {
      throw new E2EFailure(`the incident's chart was not drawn within ${timeout} ms`);
    });
  const causes = await detail.getByTestId("root-cause-row").count();
  if (causes === 0) {
    throw new E2EFailure("the selected incident shows no root cause");
  }
  log(`incident ${expected[0]} shows ${causes} root cause entries and its chart`);
}

/**
 * Opens the Data sources page from the navigation and checks that its rows are the expected
 * sources with their warehouse rows, then that a source's loads and findings tables are shown.
 * @param {import("playwright-core").Page} page
 * @param {{ expected: string[], timeout: number, log: (line: string) => void }} options
 */
async function checkSources(page, { expected, timeout, log }) {
  await page.getByRole("link", { name: "Data sources" }).click();
  const rows = page.getByTestId("source-row");
  await rows
    .first()
    .waitFor({ state: "visible", timeout })
    .catch(async () => {
      const alert = await page.getByRole("alert").allTextContents();
      throw new E2EFailure(
        `no source row appeared within ${timeout} ms` +
          (alert.length > 0 ? `; the page shows: ${alert.join(" | ")}` : ""),
      );
    });
  const shown = await rows.evaluateAll((nodes) =>
    nodes.map((node) => {
      const { sourceId, rows: count } = /** @type {HTMLElement} */ (node).dataset;
      return `${sourceId ?? ""}=${count ?? ""}`;
    }),
  );
  if (JSON.stringify(shown) !== JSON.stringify(expected)) {
    throw new E2EFailure(
      `the Data sources page lists ${JSON.stringify(shown)}, expected ${JSON.stringify(expected)}`,
    );
  }
  await page
    .getByTestId("load-row")
    .first()
    .waitFor({ state: "visible", timeout })
    .catch(() => {
      throw new E2EFailure(`no load row appeared within ${timeout} ms`);
    });
  const loads = await page.getByTestId("load-row").count();
  log(`data sources page lists ${shown.join(", ")} and ${loads} load(s)`);
}

async function main() {
  const baseUrl = required("BASE_URL").replace(/\/+$/, "");
  const expectedTotalText = expectedMoneyText(
    required("EXPECTED_TOTAL"),
    process.env.EXPECTED_CURRENCY ?? "USD",
  );
  const artifactsDir = prepareArtifactsDir();
  const expectedAnomalies = (process.env.EXPECTED_ANOMALIES ?? "")
    .split(",")
    .map((fingerprint) => fingerprint.trim())
    .filter((fingerprint) => fingerprint !== "");
  const expectedSources = (process.env.EXPECTED_SOURCES ?? "")
    .split(",")
    .map((source) => source.trim())
    .filter((source) => source !== "");
  const timeout = stepTimeout();
  const log = (/** @type {string} */ line) => console.log(`e2e: ${line}`);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    const errors = watchPageErrors(page);
    page.on("console", (message) => {
      if (message.type() === "error") {
        log(`browser console error: ${message.text()}`);
      }
    });
    try {
      const login = process.env.E2E_LOGIN ?? "";
      if (login !== "") {
        const colon = login.indexOf(":");
        const [username, password] = [login.slice(0, colon), login.slice(colon + 1)];
        await signIn(page, { baseUrl, path: "/", username, password, timeout });
        log(`signed in as ${username}`);
      }
      const response = await page.goto(`${baseUrl}/`, { waitUntil: "domcontentloaded", timeout });
      if (response === null || !response.ok()) {
        throw new E2EFailure(`GET ${baseUrl}/ answered HTTP ${response?.status() ?? "nothing"}`);
      }
      await checkOverview(page, { expectedTotalText, timeout, log });
      errors.check();
      const screenshot = join(artifactsDir, "overview.png");
      await page.screenshot({ path: screenshot, fullPage: true });
      log(`screenshot saved to ${screenshot}`);
      if (expectedAnomalies.length > 0) {
        await checkAnomalies(page, { expected: expectedAnomalies, timeout, log });
        errors.check();
        const anomalies = join(artifactsDir, "anomalies.png");
        await page.screenshot({ path: anomalies, fullPage: true });
        log(`screenshot saved to ${anomalies}`);
      }
      if (expectedSources.length > 0) {
        await checkSources(page, { expected: expectedSources, timeout, log });
        errors.check();
        const sources = join(artifactsDir, "sources.png");
        await page.screenshot({ path: sources, fullPage: true });
        log(`screenshot saved to ${sources}`);
      }
    } catch (error) {
      const screenshot = join(artifactsDir, "overview-failure.png");
      await page.screenshot({ path: screenshot, fullPage: true }).then(
        () => log(`failure screenshot saved to ${screenshot}`),
        () => undefined,
      );
      throw error;
    }
  } finally {
    await browser.close();
  }
  log(
    expectedAnomalies.length > 0 ? "overview and anomalies pages passed" : "overview page passed",
  );
}

runScript(main);
