// Signing in and out of the dashboard in a browser page, shared by the e2e scripts.

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
