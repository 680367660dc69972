import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { type FakeRoute, renderPage } from "../../test/fakeApi";
import { filtersFixture, kpiFixture, trendFixture } from "../../test/fixtures";
import type { InsightPublic } from "./queries";

function insight(id: number, scopeKind: "total" | "account", start: string, body: string): InsightPublic {
  return {
    id,
    scope_kind: scopeKind,
    scope: scopeKind === "total" ? {} : { account: "111111111111" },
    scope_key: scopeKind === "total" ? "total:" : "account:account=111111111111",
    period_kind: "week",
    period_start: start,
    period_end: start,
    as_of: start,
    currency: "USD",
    title: `Weekly spend summary for ${scopeKind === "total" ? "the whole bill" : "account 111111111111"}, week of ${start}`,
    body,
    facts: {},
    provider: id === 2 ? "openai" : "template",
    provider_note: null,
    created_at: "2026-10-15T06:00:00Z",
  };
}

const LATEST =
  "Spend this week (2026-10-12 to 2026-10-15, 4 days) was 1,579.48 USD, up 22.00 USD.\n\n" +
  "**Main movers**\n\n- service Amazon EC2: up 20.00 USD (100.00 USD to 120.00 USD)\n" +
  "- account 111111111111: up 2.00 USD (1.00 USD to 3.00 USD)\n\n" +
  "**Savings**\n\n2 open findings could save 30.00 USD a month; the largest:\n" +
  "- idle_instance i-0abc (account 111111111111): 20.00 USD a month\n" +
  "No realized savings measured yet.\n";
const WEEKLY = [
  insight(3, "account", "2026-10-12", "Account text"),
  insight(2, "total", "2026-10-12", LATEST),
  insight(1, "total", "2026-10-05", "Spend the week before was 1,557.48 USD."),
];

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case "/api/v1/kpi/summary":
      return { body: kpiFixture };
    case "/api/v1/spend/trend":
      return { body: trendFixture("service_name", []) };
    case "/api/v1/insights": {
      const offset = Number(url.searchParams.get("offset") ?? "0");
      const limit = Number(url.searchParams.get("limit") ?? "50");
      return { body: { data: WEEKLY.slice(offset, offset + limit), count: WEEKLY.length } };
    }
    default:
      return undefined;
  }
};

describe("InsightCard", () => {
  it("shows the whole bill's latest weekly summary on the Overview", async () => {
    const { requests } = await renderPage("/", api);
    const card = within(await screen.findByTestId("insight-card"));
    expect(
      card.getByText("Weekly spend summary for the whole bill, week of 2026-10-12"),
    ).toBeInTheDocument();
    expect(card.getByText(/was 1,579.48 USD, up 22.00 USD/)).toBeInTheDocument();
    expect(card.getByText("Main movers").tagName).toBe("STRONG");
    expect(card.getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "service Amazon EC2: up 20.00 USD (100.00 USD to 120.00 USD)",
      "account 111111111111: up 2.00 USD (1.00 USD to 3.00 USD)",
      "idle_instance i-0abc (account 111111111111): 20.00 USD a month",
    ]);
    // a list inside a section: the lines around it stay paragraphs of their own
    expect(card.getByText("No realized savings measured yet.").tagName).toBe("P");
    expect(card.getAllByRole("list")).toHaveLength(2);
    expect(card.getByText("Rephrased by openai; the numbers are checked.")).toBeInTheDocument();
    const asked = requests.find((u) => u.pathname === "/api/v1/insights");
    expect(asked?.searchParams.get("period")).toBe("week");
    expect(card.getByTestId("insights-link")).toHaveAttribute("href", "/insights");
  });

  it("links to the previous summaries", async () => {
    await renderPage("/", api);
    await userEvent.click(await screen.findByTestId("insights-link"));
    const list = within(await screen.findByTestId("insights-list"));
    expect(list.getByText(/1,557.48 USD/)).toBeInTheDocument();
    expect(list.getByTestId("pager-range")).toHaveTextContent("1–3 of 3");
  });

  it("says so when no summary is written", async () => {
    await renderPage("/", (url) =>
      url.pathname === "/api/v1/insights" ? { body: { data: [], count: 0 } } : api(url),
    );
    const card = within(await screen.findByTestId("insight-card"));
    expect(card.getByText("No spend summary written yet (finops run insights).")).toBeInTheDocument();
  });
});
