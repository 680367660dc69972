import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { meFixture } from "../../test/authFixtures";
import { type FakeRoute, renderPage } from "../../test/fakeApi";
import { filtersFixture } from "../../test/fixtures";
import type { AccountRowPublic } from "./types";

function accountFixture(overrides: Partial<AccountRowPublic> = {}): AccountRowPublic {
  return {
    account_id: "111111111111",
    account_name: "production",
    currency: "USD",
    first_day: "2025-01-01",
    last_day: "2025-03-03",
    cost_30d: "1234.565",
    cost_total: "9876.5",
    team: "web",
    cost_center: "CC-100",
    ...overrides,
  };
}

const ACCOUNTS = [
  accountFixture(),
  accountFixture({
    account_id: "222222222222",
    account_name: null,
    currency: "EUR",
    first_day: "2025-02-01",
    cost_30d: "8",
    cost_total: "40.004",
    team: null,
    cost_center: null,
  }),
];

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case "/api/v1/accounts":
      return { body: { items: ACCOUNTS, total: 30, limit: 25, offset: Number(url.searchParams.get("offset") ?? 0) } };
    default:
      return undefined;
  }
};

function accountCalls(requests: URL[]): URL[] {
  return requests.filter((url) => url.pathname === "/api/v1/accounts");
}

describe("AccountsPage", () => {
  it("lists the accounts with team, cost center, both costs in the bill's currency and their days", async () => {
    const { requests } = await renderPage("/accounts", api);
    const rows = await screen.findAllByTestId("account-row");
    expect(rows.map((row) => row.dataset["id"])).toEqual(["111111111111", "222222222222"]);
    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(within(first).getByTestId("account-explorer-link")).toHaveTextContent("production");
    expect(first).toHaveTextContent("111111111111");
    expect(within(first).getByTestId("account-team")).toHaveTextContent("web");
    expect(within(first).getByTestId("account-cost-center")).toHaveTextContent("CC-100");
    expect(within(first).getByTestId("account-cost-30d")).toHaveTextContent("$1,234.57");
    expect(within(first).getByTestId("account-cost-total")).toHaveTextContent("$9,876.50");
    expect(within(first).getByTestId("account-first-day")).toHaveTextContent("2025-01-01");
    expect(within(first).getByTestId("account-last-day")).toHaveTextContent("2025-03-03");

    // no name: the id is the link; no team or cost center: a dash
    expect(within(second).getByTestId("account-explorer-link")).toHaveTextContent("222222222222");
    expect(within(second).getByTestId("account-team")).toHaveTextContent(/^—$/);
    expect(within(second).getByTestId("account-cost-center")).toHaveTextContent(/^—$/);
    expect(within(second).getByTestId("account-cost-30d")).toHaveTextContent("€8.00");
    expect(within(second).getByTestId("account-cost-total")).toHaveTextContent("€40.00");

    expect(screen.getByTestId("accounts-count")).toHaveTextContent("30 accounts");
    expect(screen.getByTestId("pager-range")).toHaveTextContent("1–2 of 30");
    expect(screen.getByTestId("sort-cost_30d").closest("th")).toHaveAttribute("aria-sort", "descending");
    const call = accountCalls(requests)[0];
    expect(call?.searchParams.get("limit")).toBe("25");
    expect(call?.searchParams.get("offset")).toBe("0");
    expect(call?.searchParams.has("sort")).toBe(false);
    expect(screen.getByTestId("accounts-csv")).toHaveAttribute("href", "/api/v1/accounts?format=csv");
  });

  it("opens the Explorer on an account, and its resources", async () => {
    await renderPage("/accounts", api);
    const [first] = await screen.findAllByTestId("account-row");
    const row = first as HTMLElement;
    expect(within(row).getByTestId("account-explorer-link")).toHaveAttribute(
      "href",
      "/explorer?account_id=111111111111&group_by=service_name",
    );
    expect(within(row).getByTestId("account-resources-link")).toHaveAttribute(
      "href",
      "/resources?account_id=111111111111",
    );

    await userEvent.click(within(row).getByTestId("account-explorer-link"));
    await waitFor(() => {
      expect(window.location.pathname).toBe("/explorer");
    });
    const search = new URLSearchParams(window.location.search);
    expect(search.getAll("account_id")).toEqual(["111111111111"]);
    expect(search.getAll("group_by")).toEqual(["service_name"]);
  });

  it("sorts by a column header into the URL, the other way round on a second click", async () => {
    const user = userEvent.setup();
    const { requests } = await renderPage("/accounts?offset=25", api);
    await screen.findAllByTestId("account-row");
    expect(accountCalls(requests).at(-1)?.searchParams.get("offset")).toBe("25");

    await user.click(screen.getByTestId("sort-team"));
    await waitFor(() => {
      expect(window.location.search).toBe("?sort=team");
    });
    await waitFor(() => {
      expect(accountCalls(requests).at(-1)?.searchParams.get("sort")).toBe("team");
    });
    expect(accountCalls(requests).at(-1)?.searchParams.get("offset")).toBe("0");
    expect(screen.getByTestId("sort-team").closest("th")).toHaveAttribute("aria-sort", "ascending");
    expect(screen.getByTestId("accounts-csv")).toHaveAttribute("href", "/api/v1/accounts?sort=team&format=csv");

    await user.click(screen.getByTestId("sort-team"));
    await waitFor(() => {
      expect(window.location.search).toBe("?sort=-team");
    });
    expect(screen.getByTestId("sort-team").closest("th")).toHaveAttribute("aria-sort", "descending");

    // an amount sorts largest first; the API's own order is never written
    await user.click(screen.getByTestId("sort-cost_total"));
    await waitFor(() => {
      expect(window.location.search).toBe("?sort=-cost_total");
    });
    await user.click(screen.getByTestId("sort-cost_30d"));
    await waitFor(() => {
      expect(window.location.search).toBe("");
    });
  });

  it("ignores a sort it does not know and pages with the pager", async () => {
    const user = userEvent.setup();
    const { requests } = await renderPage("/accounts?sort=password&offset=-3", api);
    await screen.findAllByTestId("account-row");
    const call = accountCalls(requests)[0];
    expect(call?.searchParams.has("sort")).toBe(false);
    expect(call?.searchParams.get("offset")).toBe("0");

    await user.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => {
      expect(new URLSearchParams(window.location.search).get("offset")).toBe("25");
    });
    await waitFor(() => {
      expect(accountCalls(requests).at(-1)?.searchParams.get("offset")).toBe("25");
    });
  });

  it("offers the CSV download to a role that may export only", async () => {
    await renderPage("/accounts", (url) =>
      url.pathname === "/api/v1/auth/me" ? { body: meFixture("viewer") } : api(url),
    );
    await screen.findAllByTestId("account-row");
    await screen.findByText("Viewer User");
    expect(screen.queryByTestId("accounts-csv")).toBeNull();
  });
});
