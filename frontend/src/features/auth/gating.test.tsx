import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { asRole } from "../../test/authFixtures";
import { type FakeCall, type FakeRoute, renderPage } from "../../test/fakeApi";
import {
  anomaliesFixture,
  anomalyDetailFixture,
  budgetsFixture,
  forecastsFixture,
} from "../../test/intelligenceFixtures";
import { loadsFixture, qualityFixture, sourcesFixture } from "../../test/sourcesFixtures";
import type { Role } from "../../auth/types";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/forecasts":
      return { body: forecastsFixture("total") };
    case "/api/v1/budgets":
      return { body: budgetsFixture };
    case "/api/v1/anomalies":
      return { body: anomaliesFixture };
    case "/api/v1/anomalies/a1":
      return { body: anomalyDetailFixture };
    case "/api/v1/sources":
      return { body: sourcesFixture };
    case "/api/v1/sources/loads":
      return { body: loadsFixture };
    case "/api/v1/sources/quality":
      return { body: qualityFixture };
    default:
      return undefined;
  }
};

/** Waits until the user menu shows `role`, i.e. `/auth/me` has answered. */
async function signedInAs(label: string) {
  expect(await screen.findByTestId("user-role")).toHaveTextContent(label);
}

describe("controls hidden for what the role cannot do", () => {
  it.each<[Role, string, boolean]>([
    ["viewer", "Viewer", false],
    ["analyst", "Analyst", false],
    ["approver", "Approver", false],
    ["admin", "Admin", true],
  ])("budgets: a %s sees New budget and Delete: %s", async (role, label, shown) => {
    await renderPage("/forecasts", asRole(role, api));
    await signedInAs(label);
    const rows = await screen.findAllByTestId("budget-row");
    expect(rows).toHaveLength(budgetsFixture.data.length);
    expect(screen.queryAllByRole("button", { name: "New budget" })).toHaveLength(shown ? 1 : 0);
    expect(screen.queryAllByRole("button", { name: /^Delete budget / })).toHaveLength(
      shown ? budgetsFixture.data.length : 0,
    );
  });

  it.each<[Role, string, number]>([
    ["viewer", "Viewer", 0],
    ["analyst", "Analyst", 3],
    ["admin", "Admin", 3],
  ])("anomaly status: a %s sees %d feedback buttons", async (role, label, count) => {
    await renderPage("/anomalies?anomaly=a1", asRole(role, api));
    await signedInAs(label);
    const detail = await screen.findByTestId("anomaly-detail");
    expect(within(detail).queryAllByTestId(/^anomaly-action-/)).toHaveLength(count);
    expect(within(detail).queryAllByTestId("anomaly-note")).toHaveLength(count === 0 ? 0 : 1);
  });

  it.each<[Role, string, number]>([
    ["viewer", "Viewer", 0],
    ["analyst", "Analyst", 2],
  ])("exports: a %s sees %d Download CSV buttons on Data sources", async (role, label, count) => {
    await renderPage("/sources", asRole(role, api));
    await signedInAs(label);
    await screen.findAllByTestId("load-row");
    expect(screen.queryAllByRole("button", { name: "Download CSV" })).toHaveLength(count);
  });

  it("lists Admin in the navigation for an admin only", async () => {
    await renderPage("/sources", asRole("approver", api));
    await signedInAs("Approver");
    const nav = screen.getByRole("navigation", { name: "Pages" });
    expect(within(nav).getAllByRole("link")).toHaveLength(16);
    expect(within(nav).getByRole("link", { name: "Ask" })).toHaveAttribute("href", "/ask");
    expect(within(nav).getByRole("link", { name: "Explorer" })).toHaveAttribute("href", "/explorer");
    expect(within(nav).getByRole("link", { name: "Accounts" })).toHaveAttribute("href", "/accounts");
    expect(within(nav).getByRole("link", { name: "SQL" })).toHaveAttribute("href", "/sql");
    expect(within(nav).getByRole("link", { name: "Actions" })).toHaveAttribute("href", "/actions");
    expect(within(nav).getByRole("link", { name: "Savings" })).toHaveAttribute("href", "/savings");
    expect(within(nav).getByRole("link", { name: "Audit" })).toHaveAttribute("href", "/audit");
    expect(within(nav).queryByRole("link", { name: "Admin" })).toBeNull();
  });

  it("tells a viewer who opens Admin that the role does not allow it, and asks for no user", async () => {
    const { requests } = await renderPage("/admin", asRole("viewer", api));
    expect(await screen.findByTestId("forbidden")).toHaveTextContent(
      "This page needs the “admin” permission; you are signed in as viewer.",
    );
    expect(screen.queryByTestId("users-table")).toBeNull();
    expect(requests.map((url) => url.pathname)).not.toContain("/api/v1/admin/users");
  });
});

describe("the CSRF header", () => {
  it("goes with every state-changing request, taken from the finops_csrf cookie", async () => {
    document.cookie = "finops_csrf=tok-42; path=/";
    try {
      let budgets = [...budgetsFixture.data];
      const route: FakeRoute = (url, call?: FakeCall) => {
        if (call?.method === "DELETE") {
          budgets = budgets.filter((budget) => url.pathname !== `/api/v1/budgets/${budget.id}`);
          return { status: 204 };
        }
        return url.pathname === "/api/v1/budgets"
          ? { body: { data: budgets, count: budgets.length } }
          : api(url, call);
      };
      const { calls } = await renderPage("/forecasts", asRole("admin", route));
      const first = budgetsFixture.data[0];
      if (first === undefined) {
        throw new Error("the budgets fixture is empty");
      }
      await userEvent.click(await screen.findByRole("button", { name: `Delete budget ${first.name}` }));
      await userEvent.click(screen.getByRole("button", { name: "Yes, delete" }));
      await waitFor(() => {
        expect(screen.getAllByTestId("budget-row")).toHaveLength(budgetsFixture.data.length - 1);
      });

      const deletes = calls.filter((call) => call.method === "DELETE");
      expect(deletes.map((call) => call.url.pathname)).toEqual([`/api/v1/budgets/${first.id}`]);
      expect(deletes[0]?.headers.get("X-CSRF-Token")).toBe("tok-42");
      const reads = calls.filter((call) => call.method === "GET");
      expect(reads.length).toBeGreaterThan(2);
      expect(reads.filter((call) => call.headers.has("X-CSRF-Token"))).toEqual([]);
    } finally {
      document.cookie = "finops_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/";
    }
  });
});

describe("an empty budget list", () => {
  it.each<[Role, string, string]>([
    ["admin", "Admin", "No budgets yet. Create one with New budget."],
    ["viewer", "Viewer", "No budgets yet."],
  ])("points a %s to New budget only when they may create one", async (role, label, message) => {
    await renderPage(
      "/forecasts",
      asRole(role, (url) =>
        url.pathname === "/api/v1/budgets" ? { body: { data: [], count: 0 } } : api(url),
      ),
    );
    await signedInAs(label);
    const empty = await screen.findByText(/^No budgets yet\./);
    expect(empty.textContent).toBe(message);
  });
});
