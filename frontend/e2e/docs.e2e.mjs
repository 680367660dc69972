// Browser check of the API documentation pages offline: Swagger UI at /docs and ReDoc at
// /redoc, against a running `finops serve`, with every request that would leave loopback
// refused (and reported), as on a machine without internet.
//
//   BASE_URL=http://127.0.0.1:8000 EXPECTED_OPERATIONS="GET /api/v1/kpis,..." node e2e/docs.e2e.mjs
//
// Environment:
//   BASE_URL             where `finops serve` answers (required; a loopback address)
//   EXPECTED_OPERATIONS  comma-separated "METHOD /path" of every operation in the OpenAPI
//                        schema (required): Swagger UI must list exactly these
//   EXPECTED_OPERATION_IDS comma-separated operationIds of the same operations (required):
//                        ReDoc must list exactly these
//   E2E_ARTIFACTS_DIR    where screenshots go (default frontend/e2e-artifacts)
//   CHROMIUM_PATH        the browser to drive (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS       how long to wait for each page (default 30000)
//
// Exits 0 when every check passes, 1 with an "E2E FAILED: ..." line otherwise.
import { join } from "node:path";

import {
  E2EFailure,
  launchChromium,
  prepareArtifactsDir,
  required,
  runScript,
  stepTimeout,
  watchPageErrors,
} from "./session.mjs";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** @param {string} url */
function isLoopback(url) {
  const parsed = new URL(url);
  if (parsed.protocol === "data:" || parsed.protocol === "blob:") {
    return true;
  }
  return LOOPBACK.has(parsed.hostname);
}

/**
 * The operations Swagger UI lists, as "METHOD /path".
 * @param {import("playwright-core").Page} page
 * @param {number} count
 * @param {number} timeout
 */
async function swaggerOperations(page, count, timeout) {
  await page
    .waitForFunction((n) => document.querySelectorAll(".opblock").length >= n, count, {
      timeout,
    })
    .catch(async () => {
      const shown = await page.locator(".opblock").count();
      throw new E2EFailure(`/docs listed ${shown} operations after ${timeout} ms, want ${count}`);
    });
  return page.$$eval(".opblock", (blocks) =>
    blocks.map((block) => {
      const method = block.querySelector(".opblock-summary-method")?.textContent ?? "";
      const path = block.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "";
      return `${method.trim().toUpperCase()} ${path}`;
    }),
  );
}

/**
 * The operations ReDoc lists, as "operation/<operationId>" (the id of each one's section).
 * @param {import("playwright-core").Page} page
 * @param {number} count
 * @param {number} timeout
 */
async function redocOperations(page, count, timeout) {
  const selector = '[data-section-id^="operation/"]';
  await page
    .waitForFunction((args) => document.querySelectorAll(args.selector).length >= args.n, {
      selector,
      n: count,
    }, { timeout })
    .catch(async () => {
      const shown = await page.locator(selector).count();
      throw new E2EFailure(`/redoc listed ${shown} operations after ${timeout} ms, want ${count}`);
    });
  return page.$$eval(selector, (sections) =>
    sections.map((section) => section.getAttribute("data-section-id") ?? ""),
  );
}

/**
 * @param {string[]} shown
 * @param {string[]} expected
 * @param {string} where
 */
function sameOperations(shown, expected, where) {
  const missing = expected.filter((op) => !shown.includes(op));
  const extra = shown.filter((op) => !expected.includes(op));
  if (missing.length > 0 || extra.length > 0 || shown.length !== expected.length) {
    throw new E2EFailure(
      `${where} lists ${shown.length} operations, want ${expected.length}; ` +
        `missing: ${missing.join(", ") || "none"}; unexpected: ${extra.join(", ") || "none"}`,
    );
  }
}

async function main() {
  const baseUrl = required("BASE_URL").replace(/\/+$/, "");
  if (!isLoopback(baseUrl)) {
    throw new E2EFailure(`BASE_URL must be a loopback address, got ${baseUrl}`);
  }
  const expected = required("EXPECTED_OPERATIONS")
    .split(",")
    .map((op) => op.trim())
    .filter((op) => op !== "");
  const expectedIds = required("EXPECTED_OPERATION_IDS")
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  const artifactsDir = prepareArtifactsDir();
  const timeout = stepTimeout();
  const log = (/** @type {string} */ line) => console.log(`e2e: ${line}`);

  const browser = await launchChromium();
  /** @type {string[]} */
  const outside = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    // as offline: a request for anything beyond loopback is refused, and remembered
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      if (isLoopback(url)) {
        await route.continue();
      } else {
        outside.push(url);
        await route.abort("internetdisconnected");
      }
    });
    const page = await context.newPage();
    const errors = watchPageErrors(page);

    const pages = [
      {
        path: "/docs",
        list: () => swaggerOperations(page, expected.length, timeout),
        want: expected,
      },
      {
        path: "/redoc",
        list: () => redocOperations(page, expectedIds.length, timeout),
        want: expectedIds.map((id) => `operation/${id}`),
      },
    ];
    for (const { path, list, want } of pages) {
      const response = await page.goto(`${baseUrl}${path}`, { waitUntil: "load", timeout });
      if (response === null || !response.ok()) {
        throw new E2EFailure(`GET ${baseUrl}${path} answered HTTP ${response?.status() ?? "nothing"}`);
      }
      const shown = await list();
      sameOperations(shown, want, path);
      const screenshot = join(artifactsDir, `${path.slice(1)}.png`);
      await page.screenshot({ path: screenshot, fullPage: false });
      log(`${path}: ${shown.length} operations listed; screenshot ${screenshot}`);
    }
    errors.check();
    if (outside.length > 0) {
      throw new E2EFailure(`requests left loopback: ${[...new Set(outside)].join(", ")}`);
    }
  } finally {
    await browser.close();
  }
  log("/docs and /redoc passed offline");
}

runScript(main);
