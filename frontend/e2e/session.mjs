// Signing in and out of the dashboard in a browser page, and the rest the e2e scripts share.
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

/**
 * Opens `path`, which sends a signed-out browser to the login page, signs in there with the
 * password form and waits until the dashboard shows the user menu (back on `path`).
 * @param {import("playwright-core").Page} page
 * @param {{ baseUrl: string, path: string, username: string, password: string, timeout: number }} options
 */
export async function signIn(page, { baseUrl, path, username, password, timeout }) {
  const response = await page.goto(`${baseUrl}${path}`, { waitUntil: "domcontentloaded", timeout });
  if (response === null || !response.ok()) {
    throw new Error(`GET ${baseUrl}${path} answered HTTP ${response?.status() ?? "nothing"}`);
  }
  await page.waitForURL((url) => url.pathname === "/login", { timeout });
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("user-menu").waitFor({ state: "visible", timeout }).catch(async () => {
    const alert = await page.getByRole("alert").allTextContents();
    throw new Error(
      `signing in as ${username} did not open the dashboard within ${timeout} ms` +
        (alert.length > 0 ? `; the page shows: ${alert.join(" | ")}` : ""),
    );
  });
}

/**
 * Signs out through the user menu and waits for the login page.
 * @param {import("playwright-core").Page} page
 * @param {number} timeout
 */
export async function signOut(page, timeout) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/login", { timeout });
  await page.getByRole("button", { name: "Sign in" }).waitFor({ state: "visible", timeout });
}

// What every e2e script shares: where the frontend lives, how Chromium is started, how a
// failure is told apart from a crash and printed, and the small readers of env and page.

export const FRONTEND_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/** A check that failed: printed as its message alone (anything else with its stack). */
export class E2EFailure extends Error {}

/** @param {string} name */
export function required(name) {
  const value = (process.env[name] ?? "").trim();
  if (value === "") {
    throw new E2EFailure(`environment variable ${name} is required`);
  }
  return value;
}

/**
 * `username:password` from the environment variable `name`.
 * @param {string} name
 */
export function credentials(name) {
  const value = process.env[name] ?? "";
  const colon = value.indexOf(":");
  if (colon <= 0) {
    throw new E2EFailure(`environment variable ${name} must be "username:password"`);
  }
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** E2E_TIMEOUT_MS (default 30000): how long to wait for each step. */
export function stepTimeout() {
  const timeout = Number(process.env.E2E_TIMEOUT_MS ?? "30000");
  if (!Number.isInteger(timeout) || timeout <= 0) {
    throw new E2EFailure(`E2E_TIMEOUT_MS must be a positive integer, got ${process.env.E2E_TIMEOUT_MS}`);
  }
  return timeout;
}

/** E2E_ARTIFACTS_DIR (default frontend/e2e-artifacts), created. */
export function prepareArtifactsDir() {
  const dir = resolve(process.env.E2E_ARTIFACTS_DIR ?? join(FRONTEND_DIR, "e2e-artifacts"));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Chromium at CHROMIUM_PATH (default /usr/bin/chromium), headless. */
export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/**
 * Collects the page's uncaught errors; `check()` fails when there are any.
 * @param {import("playwright-core").Page} page
 */
export function watchPageErrors(page) {
  /** @type {string[]} */
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return {
    check() {
      if (errors.length > 0) {
        throw new E2EFailure(`uncaught errors in the page: ${errors.join(" | ")}`);
      }
    },
  };
}

/**
 * Runs `steps`; when they fail, saves a full-page screenshot to `path` first.
 * @template T
 * @param {import("playwright-core").Page} page
 * @param {string} path
 * @param {() => Promise<T>} steps
 */
export async function screenshotOnFailure(page, path, steps) {
  try {
    return await steps();
  } catch (error) {
    await page.screenshot({ path, fullPage: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * The trimmed text of `locator` once it is visible.
 * @param {import("playwright-core").Locator} locator
 * @param {number} timeout
 */
export async function textOf(locator, timeout) {
  await locator.waitFor({ state: "visible", timeout });
  return ((await locator.textContent()) ?? "").trim();
}

/**
 * Runs a script's `main`; a failure prints "E2E FAILED: ..." and exits 1.
 * @param {() => Promise<unknown>} main
 */
export function runScript(main) {
  main().catch((/** @type {unknown} */ error) => {
    const message =
      error instanceof Error ? (error instanceof E2EFailure ? error.message : (error.stack ?? error.message)) : String(error);
    console.error(`E2E FAILED: ${message}`);
    process.exit(1);
  });
}

/**
 * The usual script: reads BASE_URL and E2E_LOGIN, opens Chromium, signs in on `path` and runs
 * `steps` on the page; fails on uncaught page errors and saves `<name>-failure.png` on failure.
 * @param {{ name: string, path: string, viewport?: { width: number, height: number }, acceptDownloads?: boolean }} options
 * @param {(session: { page: import("playwright-core").Page, baseUrl: string, timeout: number, artifactsDir: string }) => Promise<void>} steps
 */
export async function runSignedIn({ name, path, viewport = { width: 1440, height: 960 }, acceptDownloads = false }, steps) {
  const baseUrl = required("BASE_URL").replace(/\/+$/, "");
  const { username, password } = credentials("E2E_LOGIN");
  const timeout = stepTimeout();
  const artifactsDir = prepareArtifactsDir();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport, acceptDownloads });
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await screenshotOnFailure(page, join(artifactsDir, `${name}-failure.png`), async () => {
      await signIn(page, { baseUrl, path, username, password, timeout });
      await steps({ page, baseUrl, timeout, artifactsDir });
      errors.check();
    });
  } finally {
    await browser.close();
  }
}

/** A phone's viewport (CSS pixels). */
export const PHONE = { width: 390, height: 844 };

/**
 * Opens `url` at phone width, waits for the test id `ready`, saves a full-page screenshot to
 * `screenshot` and returns the page's scroll width (at most 390: no sideways scroll).
 * @param {import("playwright-core").Page} page
 * @param {{ url: string, ready: string, timeout: number, screenshot: string }} options
 */
export async function phoneScrollWidth(page, { url, ready, timeout, screenshot }) {
  await page.setViewportSize(PHONE);
  await page.goto(url, { waitUntil: "domcontentloaded", timeout });
  await page.getByTestId(ready).first().waitFor({ state: "visible", timeout });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: screenshot, fullPage: true });
  return width;
}
