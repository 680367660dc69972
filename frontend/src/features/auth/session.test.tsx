import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { meFixture } from "../../test/authFixtures";
import { addressSearch, type FakeCall, type FakeRoute, renderPage } from "../../test/fakeApi";
import { budgetsFixture, forecastsFixture } from "../../test/intelligenceFixtures";

/** An admin's session that `end()` revokes, as the server does on expiry or logout. */
function revocableSession() {
  let active = true;
  const route: FakeRoute = (url, call?: FakeCall) => {
    if (url.pathname === "/api/v1/auth/providers") {
      return { body: { password: true, oidc: null } };
    }
    if (!active) {
      return { status: 401, body: { detail: "the session has expired" } };
    }
    if (url.pathname === "/api/v1/auth/logout" && call?.method === "POST") {
      active = false;
      return { status: 204 };
    }
    switch (url.pathname) {
      case "/api/v1/auth/me":
        return { body: meFixture("admin", "root") };
      case "/api/v1/forecasts":
        return { body: forecastsFixture("total") };
      case "/api/v1/budgets":
        return { body: budgetsFixture };
      default:
        return undefined;
    }
  };
  return {
    route,
    end: () => {
      active = false;
    },
  };
}

describe("the session", () => {
  it("opens the login page with the current page as next when a request answers 401", async () => {
    const session = revocableSession();
    await renderPage("/forecasts?kind=service", session.route);
    const first = budgetsFixture.data[0];
    if (first === undefined) {
      throw new Error("the budgets fixture is empty");
    }
    await userEvent.click(await screen.findByRole("button", { name: `Delete budget ${first.name}` }));
    session.end();
    await userEvent.click(screen.getByRole("button", { name: "Yes, delete" }));

    await waitFor(() => {
      expect(window.location.pathname).toBe("/login");
    });
    expect(addressSearch()).toEqual({ next: "/forecasts?kind=service" });
    expect(await screen.findByTestId("login-reason")).toBeInTheDocument();
  });

  it("shows the user's name and role in the menu and signs out to the login page", async () => {
    const session = revocableSession();
    const { calls } = await renderPage("/forecasts", session.route);
    const menu = await screen.findByTestId("user-menu");
    expect(menu).toHaveTextContent("Admin User");
    expect(screen.getByTestId("user-role")).toHaveTextContent("Admin");

    await userEvent.click(menu);
    expect(screen.getByRole("menu")).toHaveTextContent("Signed in as root");
    await userEvent.click(screen.getByRole("menuitem", { name: "Sign out" }));

    await waitFor(() => {
      expect(window.location.pathname).toBe("/login");
    });
    expect(addressSearch()).toEqual({});
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByTestId("user-menu")).toBeNull();
    expect(calls.filter((call) => call.url.pathname === "/api/v1/auth/logout").map((c) => c.method)).toEqual([
      "POST",
    ]);
  });

  it("tells a scoped user what they see", async () => {
    const route: FakeRoute = (url) =>
      url.pathname === "/api/v1/auth/me"
        ? {
            body: {
              ...meFixture("analyst", "tess"),
              scope: { accounts: ["111111111111"], tags: { team: ["data", "web"] } },
            },
          }
        : undefined;
    await renderPage("/chargeback", route);
    await userEvent.click(await screen.findByTestId("user-menu"));
    expect(screen.getByTestId("user-scope-summary")).toHaveTextContent(
      "Sees accounts 111111111111 · team=data,web",
    );
  });

  it("closes the user menu with Escape", async () => {
    await renderPage("/forecasts", revocableSession().route);
    await userEvent.click(await screen.findByTestId("user-menu"));
    expect(screen.getByRole("menu")).toBeInTheDocument();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).toBeNull();
  });
});
