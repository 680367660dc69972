import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { type FakeRoute, renderWithApi } from "../test/fakeApi";
import { budgetsFixture, forecastsFixture } from "../test/intelligenceFixtures";
import { FORECAST_HISTORY_DAYS, ForecastsPage } from "./ForecastsPage";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/forecasts":
      return { body: forecastsFixture(url.searchParams.get("scope_kind") ?? "total") };
    case "/api/v1/budgets":
      return { body: budgetsFixture };
    default:
      return undefined;
  }
};

function lastRequest(requests: URL[], path: string): URL | undefined {
  return requests.filter((url) => url.pathname === path).at(-1);
}

describe("ForecastsPage", () => {
  it("shows the whole bill's projections, model, accuracy and chart", async () => {
    const { requests } = renderWithApi(<ForecastsPage />, api);

    expect(await screen.findByTestId("forecast-month-end")).toHaveTextContent("$3,892.93");
    expect(screen.getByText(/80%: \$3,890\.32 – \$3,895\.54/)).toBeInTheDocument();
    expect(screen.getByTestId("forecast-quarter-end")).toHaveTextContent("$9,976.64");
    expect(screen.getByText("Month end (Mar 31)")).toBeInTheDocument();
    expect(screen.getByTestId("forecast-model")).toHaveTextContent("ets");
    expect(screen.getByTestId("forecast-mase")).toHaveTextContent("MASE 0.069");
    expect(screen.getByText(/sMAPE 0\.64%/)).toBeInTheDocument();
    expect(screen.queryByTestId("forecast-scope-select")).toBeNull();
    const chart = screen.getByTestId("forecast-chart");
    await waitFor(() => {
      expect(within(chart).getByText("95% interval")).toBeInTheDocument();
    });
    expect(within(chart).getByText("80% interval")).toBeInTheDocument();

    const query = lastRequest(requests, "/api/v1/forecasts")?.searchParams;
    expect(query?.get("scope_kind")).toBe("total");
    expect(query?.get("horizon")).toBe("30");
    expect(query?.get("history_days")).toBe(String(FORECAST_HISTORY_DAYS));
  });

  it("picks a scope of another kind and another horizon", async () => {
    const { requests } = renderWithApi(<ForecastsPage />, api);
    await screen.findByTestId("forecast-month-end");

    await userEvent.selectOptions(screen.getByTestId("forecast-kind-select"), "account");
    const scopes = await screen.findByTestId("forecast-scope-select");
    expect(within(scopes).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "222222222222",
      "333333333333",
    ]);
    expect(screen.getByTestId("forecast-model")).toHaveTextContent("seasonal_naive");

    await userEvent.selectOptions(scopes, "account:account=333333333333");
    expect(screen.getByTestId("forecast-model")).toHaveTextContent("ensemble");
    expect(screen.getByText("ets 75%, moving_average 25%")).toBeInTheDocument();
    expect(screen.getByTestId("forecast-month-end")).toHaveTextContent("$1,254.69");
    expect(screen.getByTestId("forecast-chart")).toHaveAttribute(
      "data-scope-key",
      "account:account=333333333333",
    );

    await userEvent.selectOptions(screen.getByTestId("forecast-horizon-select"), "90");
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/forecasts")?.searchParams.get("horizon")).toBe("90");
    });
    expect(lastRequest(requests, "/api/v1/forecasts")?.searchParams.get("scope_kind")).toBe(
      "account",
    );
  });

  it("lists budgets with actual and forecast against the amount and the alerts fired", async () => {
    renderWithApi(<ForecastsPage />, api);
    const rows = await screen.findAllByTestId("budget-row");
    expect(rows.map((r) => r.firstElementChild?.firstElementChild?.textContent)).toEqual([
      "Data team",
      "Whole bill",
      "New budget",
    ]);
    const whole = within(rows[1] as HTMLElement);
    expect(whole.getByText("Mar 2026")).toBeInTheDocument();
    expect(whole.getByText("$1,000.00")).toBeInTheDocument();
    expect(whole.getByText("$3,652.79")).toBeInTheDocument();
    expect(whole.getByText("$3,892.93")).toBeInTheDocument();
    expect(whole.getByText("389.29% of amount")).toBeInTheDocument();
    expect(whole.getByText("365.28%")).toBeInTheDocument();
    expect(whole.getByText("actual ≥ 80.00%, forecast ≥ 100.00%")).toBeInTheDocument();
    expect(rows[1]).toHaveClass("row-warn");
    const data = within(rows[0] as HTMLElement);
    expect(data.getByText("Jan 1 – Mar 31, 2026")).toBeInTheDocument();
    expect(data.getByText("$1,000,000.00")).toBeInTheDocument();
    expect(rows[0]).not.toHaveClass("row-warn");
    expect(within(rows[2] as HTMLElement).getByText("not evaluated yet")).toBeInTheDocument();
  });

  it("says how to make forecasts when there are none", async () => {
    renderWithApi(<ForecastsPage />, (url) =>
      url.pathname === "/api/v1/forecasts"
        ? { body: { data: [], count: 0, currency: "USD", horizon: 30 } }
        : api(url),
    );
    expect(await screen.findByText(/finops run forecasts/)).toBeInTheDocument();
  });
});
