// Browser end-to-end check of the Audit page against a running `finops serve`:
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=approver:pw FILTER_ACTOR=user:approver \
//     node e2e/audit.e2e.mjs
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   E2E_LOGIN          "username:password" of an approver (required)
//   FILTER_ACTOR       the actor to filter the trail by (required unless CHAIN_ONLY)
//   CHAIN_ONLY         "1": only sign in and print the chain check's banner (a second visit)
//   E2E_ARTIFACTS_DIR  where screenshots go (default frontend/e2e-artifacts)
//   CHROMIUM_PATH      the browser to drive (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     how long to wait for each step (default 30000)
//
// Signs in on /audit, reads the chain check's banner and the first page of rows, filters by
// FILTER_ACTOR with the form (the filter lands in the address), reads the rows again, reloads
// (the filter comes back from the address) and opens the first row's details. Prints
// "audit chain: <ok> <banner>", "audit rows: <JSON>", "audit filtered: <JSON>" and
// "audit details: <JSON>"; each row is [chain_seq, actor, action, subject]. With CHAIN_ONLY,
// prints the banner line and "audit marked: [ids]", the rows highlighted as the broken one
// (screenshot audit-chain.png). Exits 1 with "E2E FAILED: ..." otherwise.
import { join } from "node:path";

import { E2EFailure, required, runScript, runSignedIn } from "./session.mjs";


/**
 * The table's rows as [chain_seq, actor, action, subject].
 * @param {import("playwright-core").Page} page
 */
async function auditRows(page) {
  return page.getByTestId("audit-row").evaluateAll((rows) =>
    rows.map((row) => {
      const cells = Array.from(row.querySelectorAll("td"), (td) => td.textContent ?? "");
      return [Number(cells[0]), cells[2], cells[3], cells[4]];
    }),
  );
}

/**
 * Waits until every row shown has `actor` (the filtered list has replaced the first one).
 * @param {import("playwright-core").Page} page
 * @param {string} actor
 * @param {number} timeout
 */
async function waitForActor(page, actor, timeout) {
  await page.waitForFunction(
    (wanted) => {
      const cells = Array.from(document.querySelectorAll('[data-testid="audit-row"] td:nth-child(3)'));
      return cells.length > 0 && cells.every((td) => td.textContent === wanted);
    },
    actor,
    { timeout },
  );
}

/**
 * Prints the chain check's banner: "audit chain: <data-ok> <text>".
 * @param {import("playwright-core").Page} page
 * @param {number} timeout
 */
async function printChain(page, timeout) {
  const banner = page.getByTestId("audit-chain");
  await banner.waitFor({ state: "visible", timeout });
  const ok = await banner.getAttribute("data-ok");
  console.log(`audit chain: ${String(ok)} ${((await banner.textContent()) ?? "").trim()}`);
}

/**
 * @param {import("playwright-core").Page} page
 * @param {{ actor: string, timeout: number, artifactsDir: string }} options
 */
async function checkAuditPage(page, { actor, timeout, artifactsDir }) {
  await printChain(page, timeout);
  await page.getByTestId("audit-row").first().waitFor({ state: "visible", timeout });
  console.log(`audit rows: ${JSON.stringify(await auditRows(page))}`);
  await page.screenshot({ path: join(artifactsDir, "audit.png"), fullPage: true });

  await page.getByTestId("audit-filter-actor").fill(actor);
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL((url) => url.searchParams.get("actor") === actor, { timeout });
  await waitForActor(page, actor, timeout);
  const filtered = await auditRows(page);
  console.log(`audit filtered: ${JSON.stringify(filtered)}`);

  await page.reload({ waitUntil: "domcontentloaded", timeout });
  await waitForActor(page, actor, timeout);
  const kept = await page.getByTestId("audit-filter-actor").inputValue();
  if (kept !== actor || JSON.stringify(await auditRows(page)) !== JSON.stringify(filtered)) {
    throw new E2EFailure(`after a reload the filter reads ${JSON.stringify(kept)}`);
  }
  await page.getByTestId("audit-details-toggle").first().click();
  const details = page.getByTestId("audit-details");
  await details.waitFor({ state: "visible", timeout });
  console.log(`audit details: ${JSON.stringify(JSON.parse((await details.textContent()) ?? "null"))}`);
  await page.screenshot({ path: join(artifactsDir, "audit-filtered.png"), fullPage: true });
}

async function main() {
  const chainOnly = process.env.CHAIN_ONLY === "1";
  const actor = chainOnly ? "" : required("FILTER_ACTOR");
  await runSignedIn({ name: "audit", path: "/audit" }, async ({ page, timeout, artifactsDir }) => {
    if (!chainOnly) {
      await checkAuditPage(page, { actor, timeout, artifactsDir });
      return;
    }
    await printChain(page, timeout);
    await page.getByTestId("audit-row").first().waitFor({ state: "visible", timeout });
    const marked = await page
      .locator('[data-testid="audit-row"][data-broken="true"]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-id"))));
    console.log(`audit marked: ${JSON.stringify(marked)}`);
    await page.screenshot({ path: join(artifactsDir, "audit-chain.png"), fullPage: true });
  });
}

runScript(main);
