import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { meFixture } from "../../test/authFixtures";
import { addressSearch, type FakeCall, type FakeRoute, renderPage } from "../../test/fakeApi";
import { chargebackFixture } from "../../test/optimizationFixtures";

const NO_SSO = { password: true, oidc: null };

/**
 * An API with one account (alice / s3cret, an analyst) whose session starts at login: before
 * it, every route but the public ones answers 401.
 */
function sessionApi({ providers = NO_SSO }: { providers?: unknown } = {}) {
  let signedIn = false;
  const route: FakeRoute = (url, call?: FakeCall) => {
    if (url.pathname === "/api/v1/auth/providers") {
      return { body: providers };
    }
    if (url.pathname === "/api/v1/auth/login" && call?.method === "POST") {
      const body = call.body as { username: string; password: string };
      if (body.username !== "alice" || body.password !== "s3cret") {
        return { status: 401, body: { detail: "invalid username or password" } };
      }
      signedIn = true;
      return { body: meFixture("analyst", "alice") };
    }
    if (!signedIn) {
      return { status: 401, body: { detail: "not signed in" } };
    }
    switch (url.pathname) {
      case "/api/v1/auth/me":
        return { body: meFixture("analyst", "alice") };
      case "/api/v1/allocation/chargeback":
        return { body: chargebackFixture(url.searchParams.get("billing_period") ?? "2025-03") };
      default:
        return undefined;
    }
  };
  return route;
}

async function signIn(username: string, password: string) {
  await userEvent.type(await screen.findByLabelText("Username"), username);
  await userEvent.type(screen.getByLabelText("Password"), password);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("login", () => {
  it("sends a signed-out visitor to the login page and back to the page after signing in", async () => {
    const { calls } = await renderPage("/chargeback?period=2025-02", sessionApi());

    await waitFor(() => {
      expect(window.location.pathname).toBe("/login");
    });
    expect(addressSearch()).toEqual({ next: "/chargeback?period=2025-02" });
    expect(await screen.findByTestId("login-reason")).toHaveTextContent(
      "Your session has ended. Sign in to continue.",
    );
    expect(screen.queryByRole("navigation", { name: "Pages" })).toBeNull();

    await signIn("alice", "s3cret");

    expect(await screen.findByTestId("chargeback-total")).toBeInTheDocument();
    expect(window.location.pathname).toBe("/chargeback");
    expect(addressSearch()).toEqual({ period: "2025-02" });
    expect(screen.getByTestId("user-menu")).toHaveTextContent("Analyst User");
    expect(screen.getByTestId("user-role")).toHaveTextContent("Analyst");
    const logins = calls.filter((call) => call.url.pathname === "/api/v1/auth/login");
    expect(logins.map((call) => call.body)).toEqual([{ username: "alice", password: "s3cret" }]);
    // the page asked again after signing in, with the period of the address
    const chargebacks = calls.filter((call) => call.url.pathname === "/api/v1/allocation/chargeback");
    expect(chargebacks.at(-1)?.url.searchParams.get("billing_period")).toBe("2025-02");
  });

  it("shows the server's message for a wrong password and stays on the login page", async () => {
    const { calls } = await renderPage("/login", sessionApi());
    await signIn("alice", "wrong");

    expect(await screen.findByRole("alert")).toHaveTextContent("invalid username or password");
    expect(window.location.pathname).toBe("/login");
    expect(screen.queryByTestId("login-reason")).toBeNull();
    expect(calls.filter((call) => call.url.pathname === "/api/v1/auth/login")).toHaveLength(1);

    await userEvent.clear(screen.getByLabelText("Password"));
    await userEvent.type(screen.getByLabelText("Password"), "s3cret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => {
      expect(window.location.pathname).toBe("/");
    });
  });

  it("shows why a locked-out login is refused, without leaving the page", async () => {
    const locked: FakeRoute = (url) =>
      url.pathname === "/api/v1/auth/login"
        ? { status: 429, body: { detail: "too many failed logins for alice: try again in 900 s" } }
        : sessionApi()(url);
    await renderPage("/login?next=/anomalies", locked);
    await signIn("alice", "s3cret");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not sign intoo many failed logins for alice: try again in 900 s",
    );
    expect(window.location.pathname).toBe("/login");
    expect(addressSearch()).toEqual({ next: "/anomalies" });
  });

  it("never follows a next that leaves the dashboard", async () => {
    await renderPage("/login?next=//evil.example/x", sessionApi());
    await signIn("alice", "s3cret");
    await waitFor(() => {
      expect(window.location.pathname).toBe("/");
    });
    expect(window.location.host).not.toBe("evil.example");
  });

  it("offers single sign-on when the server has an OpenID provider", async () => {
    await renderPage(
      "/login?next=/anomalies",
      sessionApi({
        providers: { password: true, oidc: { name: "Company SSO", login_url: "/api/v1/auth/oidc/login" } },
      }),
    );
    const sso = await screen.findByTestId("sso-login");
    expect(sso).toHaveTextContent("Sign in with Company SSO");
    expect(sso).toHaveAttribute("href", "/api/v1/auth/oidc/login?next=%2Fanomalies");
  });

  it("shows only the password form without single sign-on", async () => {
    const { requests } = await renderPage("/login", sessionApi());
    await waitFor(() => {
      expect(requests.map((url) => url.pathname)).toContain("/api/v1/auth/providers");
    });
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByTestId("sso-login")).toBeNull();
    // the login page itself never asks who is signed in
    expect(requests.map((url) => url.pathname)).not.toContain("/api/v1/auth/me");
  });
});
