// Browser end-to-end check of the Actions page against a running `finops serve`:
//
//   BASE_URL=http://127.0.0.1:8000 E2E_LOGIN=approver:pw ACTION_ID=3 REASON="idle since May" \
//     node e2e/actions.e2e.mjs
//
// Environment:
//   BASE_URL           where the API serves the built dashboard (required)
//   E2E_LOGIN          "username:password" of a user with the approve permission (required)
//   ACTION_ID          the id of a proposal waiting for a decision (required)
//   REASON             the reason the approver gives (required)
//   E2E_ARTIFACTS_DIR  where screenshots go (default frontend/e2e-artifacts)
//   CHROMIUM_PATH      the browser to drive (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     how long to wait for each step (default 30000)
//
// Signs in on /actions, finds the proposal in the waiting queue, opens it (its evidence and
// digest show), types the reason and approves; waits until the page shows it approved with the
// decision's actor, then reloads (the proposal comes back from the address, still approved).
// Prints "waiting: N", "digest: <sha256>", "approved: <id> by <actor>" and "decision: <text>".
// Exits 1 with "E2E FAILED: ..." otherwise.
import { join } from "node:path";

import { E2EFailure, required, runScript, runSignedIn, textOf } from "./session.mjs";


/**
 * @param {import("playwright-core").Page} page
 * @param {{ id: string, reason: string, timeout: number, artifactsDir: string }} options
 */
async function approve(page, { id, reason, timeout, artifactsDir }) {
  const waiting = await textOf(page.getByTestId("actions-tab-proposed").getByTestId("tab-count"), timeout);
  console.log(`waiting: ${waiting}`);
  const row = page.locator(`[data-testid="action-row"][data-id="${id}"]`);
  await row.waitFor({ state: "visible", timeout });
  await row.click();
  const detail = page.locator(`[data-testid="action-detail"][data-id="${id}"]`);
  await detail.waitFor({ state: "visible", timeout });
  const digest = await textOf(detail.getByTestId("action-digest"), timeout);
  if (!/^[0-9a-f]{64}$/.test(digest)) {
    throw new E2EFailure(`the page shows the digest ${JSON.stringify(digest)}`);
  }
  console.log(`digest: ${digest}`);
  const status = await textOf(detail.getByTestId("action-detail-status"), timeout);
  if (status !== "Waiting") {
    throw new E2EFailure(`proposal ${id} shows the status ${JSON.stringify(status)}, not Waiting`);
  }
  await page.screenshot({ path: join(artifactsDir, "actions.png"), fullPage: true });

  await detail.getByTestId("action-reason").fill(reason);
  await detail.getByTestId("action-approve").click();
  await detail
    .getByTestId("action-detail-status")
    .filter({ hasText: "Approved" })
    .waitFor({ state: "visible", timeout })
    .catch(async () => {
      const alert = await page.getByRole("alert").allTextContents();
      throw new E2EFailure(`proposal ${id} was not shown approved; the page shows: ${alert.join(" | ")}`);
    });
  const actor = await textOf(detail.getByTestId("action-decision-actor"), timeout);
  console.log(`approved: ${id} by ${actor}`);
  if ((await detail.getByTestId("action-approve").count()) !== 0) {
    throw new E2EFailure("the approve button is still offered after the approval");
  }
  await page.screenshot({ path: join(artifactsDir, "actions-approved.png"), fullPage: true });

  await page.reload({ waitUntil: "domcontentloaded", timeout });
  const reloaded = page.locator(`[data-testid="action-detail"][data-id="${id}"]`);
  const after = await textOf(reloaded.getByTestId("action-detail-status"), timeout);
  if (after !== "Approved") {
    throw new E2EFailure(`after a reload proposal ${id} shows ${JSON.stringify(after)}`);
  }
  console.log(`decision: ${await textOf(reloaded.getByTestId("action-decision"), timeout)}`);
}

async function main() {
  const id = required("ACTION_ID");
  const reason = required("REASON");
  await runSignedIn(
    { name: "actions", path: "/actions", viewport: { width: 1440, height: 1200 } },
    ({ page, timeout, artifactsDir }) => approve(page, { id, reason, timeout, artifactsDir }),
  );
}

runScript(main);
