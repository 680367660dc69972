// How long the dashboard's first page (the Overview) takes to load fully in Chromium, against
// a running `finops serve` (run by benchmarks/dashboard_load.py):
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=viewer:pw LOADS=7 node e2e/dashboard-load.bench.mjs
//
// Signs in once, then loads "/" LOADS times cold (a new browser context each time: empty HTTP
// cache, the session cookie kept) and LOADS times warm (reloads in one context). A load is
// complete when the network has been idle for 500 ms and the Overview shows its total and its
// trend chart; its time is from navigation start to the end of the last response or the load
// event, whichever is later (the idle wait itself not counted). Prints "cold: ms,ms,..." and
// "warm: ms,ms,..." and the bytes transferred cold ("cold bytes: N").
import { credentials, launchChromium, required, runScript, signIn, stepTimeout } from "./session.mjs";

/**
 * @param {import("playwright-core").Page} page
 * @param {string} url
 * @param {number} timeout
 */
async function timedLoad(page, url, timeout) {
  await page.goto(url, { waitUntil: "networkidle", timeout });
  await page.getByTestId("kpi-total-cost").waitFor({ state: "visible", timeout });
  await page.locator("[data-rendered-key]").first().waitFor({ state: "attached", timeout });
  await page.waitForLoadState("networkidle", { timeout });
  return page.evaluate(() => {
    const [nav] = /** @type {PerformanceNavigationTiming[]} */ (performance.getEntriesByType("navigation"));
    const resources = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType("resource"));
    const last = Math.max(nav?.loadEventEnd ?? 0, ...resources.map((r) => r.responseEnd));
    const bytes = resources.reduce((sum, r) => sum + r.transferSize, nav?.transferSize ?? 0);
    return { ms: Math.round(last), bytes };
  });
}

async function main() {
  const baseUrl = required("BASE_URL").replace(/\/+$/, "");
  const { username, password } = credentials("E2E_LOGIN");
  const loads = Number(process.env.LOADS ?? "7");
  const timeout = stepTimeout();
  const browser = await launchChromium();
  try {
    const login = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    const first = await login.newPage();
    await signIn(first, { baseUrl, path: "/", username, password, timeout });
    const storageState = await login.storageState();
    await login.close();

    const cold = [];
    let coldBytes = 0;
    for (let i = 0; i < loads; i += 1) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 960 }, storageState });
      const { ms, bytes } = await timedLoad(await context.newPage(), `${baseUrl}/`, timeout);
      cold.push(ms);
      coldBytes = bytes;
      await context.close();
    }
    const context = await browser.newContext({ viewport: { width: 1440, height: 960 }, storageState });
    const page = await context.newPage();
    await timedLoad(page, `${baseUrl}/`, timeout);
    const warm = [];
    for (let i = 0; i < loads; i += 1) {
      warm.push((await timedLoad(page, `${baseUrl}/`, timeout)).ms);
    }
    await context.close();
    console.log(`cold: ${cold.join(",")}`);
    console.log(`warm: ${warm.join(",")}`);
    console.log(`cold bytes: ${coldBytes}`);
  } finally {
    await browser.close();
  }
}

runScript(main);
