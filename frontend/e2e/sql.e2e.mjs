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
import { join } from "node:path";

import { E2EFailure, required, runScript, runSignedIn } from "./session.mjs";


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
  const query = required("QUERY");
  const expected = required("EXPECTED_ROWS").split(";");
  await runSignedIn({ name: "sql", path: "/sql" }, ({ page, timeout, artifactsDir }) =>
    checkConsole(page, { query, timeout, expected, artifactsDir }),
  );
}

runScript(main);
