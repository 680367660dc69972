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
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const FRONTEND_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

class E2EFailure extends Error {}

/** @param {string} name */
function requireEnv(name) {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") {
    throw new E2EFailure(`environment variable ${name} is required`);
  }
  return value.trim();
}

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
  const baseUrl = requireEnv("BASE_URL").replace(/\/+$/, "");
  if (!isLoopback(baseUrl)) {
    throw new E2EFailure(`BASE_URL must be a loopback address, got ${baseUrl}`);
  }
  const expected = requireEnv("EXPECTED_OPERATIONS")
    .split(",")
    .map((op) => op.trim())
    .filter((op) => op !== "");
  const expectedIds = requireEnv("EXPECTED_OPERATION_IDS")
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  const artifactsDir = resolve(
    process.env.E2E_ARTIFACTS_DIR ?? join(FRONTEND_DIR, "e2e-artifacts"),
  );
  const timeout = Number(process.env.E2E_TIMEOUT_MS ?? "30000");
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new E2EFailure(`E2E_TIMEOUT_MS must be a positive integer, got ${process.env.E2E_TIMEOUT_MS}`);
  }
  const log = (/** @type {string} */ line) => console.log(`e2e: ${line}`);
  mkdirSync(artifactsDir, { recursive: true });

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
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
    /** @type {string[]} */
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

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
    if (pageErrors.length > 0) {
      throw new E2EFailure(`uncaught errors in the page: ${pageErrors.join(" | ")}`);
    }
    if (outside.length > 0) {
      throw new E2EFailure(`requests left loopback: ${[...new Set(outside)].join(", ")}`);
    }
  } finally {
    await browser.close();
  }
  log("/docs and /redoc passed offline");
}

main().catch((error) => {
  const message = error instanceof E2EFailure ? error.message : (error?.stack ?? String(error));
  console.error(`E2E FAILED: ${message}`);
  process.exit(1);
});
