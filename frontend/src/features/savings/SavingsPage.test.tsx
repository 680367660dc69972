import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { addressSearch, type FakeRoute, renderPage } from "../../test/fakeApi";
import {
  cumulativeFixture,
  measurementDetailFixture,
  measurementFixture,
  measurementsFixture,
  rollupFixture,
  rollupLine,
} from "../../test/savingsFixtures";

const MEASUREMENTS = "/api/v1/savings/measurements";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/savings/rollup": {
      const by = url.searchParams.get("by");
      if (by === "month") {
        return {
          body: rollupFixture("month", [
            rollupLine("2026-03"),
            rollupLine("2026-04", { realized_effective: "44.00", realized_list: "44.00", estimated: "46.67" }),
          ]),
        };
      }
      if (by === "account") {
        return {
          body: rollupFixture("account", [
            rollupLine("123456789012", { realized_effective: "132.00", spend: "185.80", share_of_spend: "0.4153" }),
          ]),
        };
      }
      if (by === "cost_center") {
        return { body: rollupFixture("cost_center", [rollupLine("CC-1001"), rollupLine("unallocated", { realized_effective: "44.00" })]) };
      }
      return {
        body: rollupFixture("action", [
          rollupLine("outside the platform", { realized_effective: "60.00", realization_rate: null }),
          rollupLine("stop_instance", { realized_effective: "72.00" }),
        ]),
      };
    }
    case "/api/v1/savings/cumulative":
      return { body: cumulativeFixture };
    case MEASUREMENTS: {
      const status = url.searchParams.getAll("status");
      const all = [
        measurementFixture(),
        measurementFixture({
          id: 4,
          action: null,
          policy: null,
          resource_id: "i-gone",
          status: "confirmed",
          confidence: "low",
          realized_monthly_effective: "62.00",
          estimated_monthly_savings: "50.00",
        }),
      ];
      return { body: measurementsFixture(all.filter((m) => status.length === 0 || status.includes(m.status))) };
    }
    case `${MEASUREMENTS}/3`:
      return { body: measurementDetailFixture() };
    default:
      return undefined;
  }
};

function lastList(requests: URL[]): URL | undefined {
  return requests.filter((url) => url.pathname === MEASUREMENTS).at(-1);
}

describe("SavingsPage", () => {
  it("shows realized vs estimated savings, by team and by action type", async () => {
    await renderPage("/savings", api);
    expect(await screen.findByTestId("savings-realized")).toHaveTextContent("$132.00");
    expect(screen.getByTestId("savings-realized-list")).toHaveTextContent("$140.00");
    expect(screen.getByTestId("savings-estimated")).toHaveTextContent("$137.10");
    expect(screen.getByTestId("savings-rate")).toHaveTextContent("96.3%");
    expect(await screen.findByTestId("savings-chart")).toBeInTheDocument();

    const teams = await screen.findByTestId("savings-by-team");
    const teamRows = within(teams).getAllByTestId("rollup-row");
    expect(teamRows.map((row) => row.dataset["key"])).toEqual(["CC-1001", "unallocated"]);
    expect(within(teamRows[1] as HTMLElement).getByTestId("rollup-realized")).toHaveTextContent("$44.00");
    expect(within(teamRows[0] as HTMLElement).getByTestId("rollup-rate")).toHaveTextContent("97.4%");
    expect(within(teams).getByRole("button", { name: "Download CSV" })).toBeEnabled();

    const actions = screen.getByTestId("savings-by-action");
    const actionRows = within(actions).getAllByTestId("rollup-row");
    expect(actionRows.map((row) => (row as HTMLTableRowElement).cells[0]?.textContent)).toEqual([
      "Fixed outside the platform",
      "Stop instance",
    ]);
    expect(within(actionRows[0] as HTMLElement).getByTestId("rollup-rate")).toHaveTextContent("n/a");
    expect(within(actions).getByRole("button", { name: "Download CSV" })).toBeEnabled();
    expect(within(actions).queryAllByTestId("rollup-spend")).toHaveLength(0);

    const accounts = screen.getByTestId("savings-by-account");
    const [account] = within(accounts).getAllByTestId("rollup-row");
    expect(within(account as HTMLElement).getByTestId("rollup-realized")).toHaveTextContent("$132.00");
    expect(within(account as HTMLElement).getByTestId("rollup-spend")).toHaveTextContent("$185.80");
    expect(within(account as HTMLElement).getByTestId("rollup-share")).toHaveTextContent("41.5%");
  });

  it("lists the measurements and opens one with its windows, confidence and chart", async () => {
    const user = userEvent.setup();
    await renderPage("/savings", api);
    const rows = await screen.findAllByTestId("measurement-row");
    expect(rows.map((row) => row.dataset["id"])).toEqual(["3", "4"]);
    expect(within(rows[1] as HTMLElement).getByTestId("measurement-realized")).toHaveTextContent("$62.00");
    expect(rows[1]).toHaveTextContent("Fixed outside the platform");
    expect(screen.getByTestId("measurements-count")).toHaveTextContent("2 measurements");

    await user.click(rows[0] as HTMLElement);
    const detail = await screen.findByTestId("measurement-detail");
    expect(addressSearch()).toMatchObject({ id: "3" });
    expect(within(detail).getByTestId("detail-realized")).toHaveTextContent("$74.40");
    expect(within(detail).getByTestId("detail-estimated")).toHaveTextContent("$70.00");
    expect(within(detail).getByTestId("detail-daily")).toHaveTextContent("$2.40 → $0.00");
    expect(within(detail).getByTestId("detail-windows")).toHaveTextContent(
      "Baseline 2026-02-25 – 2026-03-10 (14 days) · after 2026-03-12 – 2026-03-14 (3 days)",
    );
    const reasons = within(detail).getByTestId("savings-reasons");
    expect(within(reasons).getByText("commitment_freed")).toBeInTheDocument();
    expect(reasons).toHaveTextContent("25% of the baseline's list cost was covered by a Savings Plan");
    expect(within(detail).getByTestId("savings-confidence")).toHaveTextContent("Confidence medium");
    expect(within(detail).getByTestId("before-after-chart")).toBeInTheDocument();
  });

  it("keeps its filters in the URL and sends them to the API", async () => {
    const user = userEvent.setup();
    const { requests } = await renderPage("/savings?offset=25", api);
    await screen.findAllByTestId("measurement-row");
    expect(lastList(requests)?.searchParams.get("offset")).toBe("25");
    await user.selectOptions(screen.getByTestId("savings-status"), "confirmed");
    await waitFor(() => {
      expect(lastList(requests)?.searchParams.getAll("status")).toEqual(["confirmed"]);
    });
    expect(addressSearch()).toEqual({ status: "confirmed" });
    await user.selectOptions(screen.getByTestId("savings-action"), "outside");
    await waitFor(() => {
      expect(lastList(requests)?.searchParams.get("action")).toBe("outside");
    });
    expect(addressSearch()).toEqual({ status: "confirmed", action: "outside" });
  });

  it("opens a linked measurement directly", async () => {
    await renderPage("/savings?id=3", api);
    const detail = await screen.findByTestId("measurement-detail");
    expect(detail.dataset["id"]).toBe("3");
  });
});
