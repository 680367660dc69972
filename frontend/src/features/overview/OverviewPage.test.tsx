import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { addressSearch, type FakeRoute, renderPage } from "../../test/fakeApi";
import { filtersFixture, kpiFixture, trendFixture } from "../../test/fixtures";

const SERIES_BY_DIMENSION: Record<string, string[]> = {
  service_name: ["Amazon Elastic Compute Cloud", "Amazon Simple Storage Service"],
  region_id: ["us-east-1", "eu-west-1", "ap-southeast-2"],
};

const healthyApi: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case "/api/v1/kpi/summary":
      return { body: kpiFixture };
    case "/api/v1/spend/trend": {
      const dimension = url.searchParams.get("dimension") ?? "service_name";
      return { body: trendFixture(dimension, SERIES_BY_DIMENSION[dimension] ?? []) };
    }
    default:
      return undefined;
  }
};

function seriesKeys(): unknown {
  return JSON.parse(screen.getByTestId("trend-chart").getAttribute("data-series-keys") ?? "null");
}

describe("OverviewPage", () => {
  it("shows the KPIs rounded half-up to cents", async () => {
    await renderPage("/", healthyApi);

    expect(await screen.findByTestId("kpi-total-cost")).toHaveTextContent("$123,456.79");
    expect(screen.getByTestId("kpi-mtd")).toHaveTextContent("$3,210.50");
    expect(screen.getByTestId("kpi-previous-month")).toHaveTextContent("$41,000.00");
    expect(screen.getByText("Feb 2025, full month")).toBeInTheDocument();
    expect(screen.getByTestId("kpi-mom")).toHaveTextContent("+10.7%");
    expect(screen.getByTestId("kpi-mom")).toHaveAttribute("data-trend", "up");
    // realized savings from the KPI summary (kpiFixture: 12.4 this month, 310.75 to date)
    expect(screen.getByTestId("kpi-realized-month")).toHaveTextContent("$12.40");
    expect(screen.getByTestId("kpi-realized-to-date")).toHaveTextContent("$310.75");
    expect(screen.getByText("+$310.25 vs same days last month")).toBeInTheDocument();
    const services = within(screen.getByTestId("top-services"));
    expect(services.getByText("Amazon Elastic Compute Cloud")).toBeInTheDocument();
    expect(services.getByText("$80,000.00")).toBeInTheDocument();
    expect(services.getByText("64.8%")).toBeInTheDocument();
  });

  it("redraws the trend when the dimension changes", async () => {
    const { requests } = await renderPage("/", healthyApi);
    await waitFor(() => {
      expect(seriesKeys()).toEqual(SERIES_BY_DIMENSION["service_name"]);
    });

    await userEvent.selectOptions(screen.getByTestId("dimension-select"), "region_id");

    await waitFor(() => {
      expect(screen.getByTestId("trend-chart")).toHaveAttribute("data-dimension", "region_id");
    });
    expect(seriesKeys()).toEqual(SERIES_BY_DIMENSION["region_id"]);
    // The SVG legend is in the DOM, so the drawn chart itself shows the new breakdown.
    const chart = within(screen.getByTestId("trend-chart"));
    await waitFor(() => {
      expect(chart.getByRole("img")).toHaveAttribute(
        "data-rendered-key",
        JSON.stringify(SERIES_BY_DIMENSION["region_id"]),
      );
    });
    expect(chart.getByText("eu-west-1")).toBeInTheDocument();
    expect(chart.queryByText("Amazon Simple Storage Service")).not.toBeInTheDocument();
    const trendQueries = requests.filter((url) => url.pathname === "/api/v1/spend/trend");
    expect(trendQueries.at(-1)?.searchParams.get("dimension")).toBe("region_id");
    expect(trendQueries.at(-1)?.searchParams.get("top")).toBe("8");
  });

  it("sends the selected filters to every query", async () => {
    const { requests } = await renderPage("/", healthyApi);
    await screen.findByTestId("kpi-total-cost");

    await userEvent.selectOptions(screen.getByTestId("billing-period-select"), "2025-02");
    await userEvent.selectOptions(screen.getByTestId("account-select"), "222222222222");
    await userEvent.selectOptions(screen.getByTestId("cost-metric-select"), "effective_cost");

    await waitFor(() => {
      const last = requests.filter((url) => url.pathname === "/api/v1/kpi/summary").at(-1);
      expect(last?.searchParams.get("cost_metric")).toBe("effective_cost");
    });
    for (const path of ["/api/v1/kpi/summary", "/api/v1/spend/trend"]) {
      const last = requests.filter((url) => url.pathname === path).at(-1);
      expect(Object.fromEntries(last?.searchParams ?? [])).toMatchObject({
        billing_period: "2025-02",
        account_id: "222222222222",
        cost_metric: "effective_cost",
      });
    }
  });

  it("labels a closed month as the month, compared with the whole month before", async () => {
    const closedMonth = {
      ...kpiFixture,
      as_of: "2025-02-28",
      period_kind: "month",
      period_label: "February 2025",
      complete: true,
      period_start: "2025-02-01",
      period_end: "2025-02-28",
      previous_period_start: "2025-01-01",
      previous_period_end: "2025-01-31",
      period_cost: "45000",
      previous_period_cost: "41000",
      previous_month: "41000",
      change: "4000",
      change_pct: 9.7561,
    };
    const { requests } = await renderPage("/?period=2025-02", (url) =>
      url.pathname === "/api/v1/kpi/summary" ? { body: closedMonth } : healthyApi(url),
    );

    const card = await screen.findByTestId("kpi-mtd");
    expect(card).toHaveTextContent("$45,000.00");
    expect(screen.queryByText("Month to date")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Feb 2025" })).toBeInTheDocument();
    expect(screen.getByText("Whole month (closed) · previous month: $41,000.00")).toBeVisible();
    expect(screen.getByTestId("kpi-previous-month")).toHaveTextContent("$41,000.00");
    expect(screen.getByText("Jan 2025, full month")).toBeInTheDocument();
    expect(screen.getByTestId("kpi-mom")).toHaveTextContent("+9.8%");
    expect(screen.getByText("+$4,000.00 vs Jan 2025")).toBeInTheDocument();
    expect(screen.getByTestId("billing-period-select")).toHaveValue("2025-02");
    const kpi = requests.find((url) => url.pathname === "/api/v1/kpi/summary");
    expect(kpi?.searchParams.get("billing_period")).toBe("2025-02");
  });

  it("compares a date range with as many days before it, the range kept in the URL", async () => {
    const range = {
      ...kpiFixture,
      as_of: "2025-02-14",
      period_kind: "range",
      period_label: "2025-02-01 to 2025-02-14",
      complete: true,
      period_start: "2025-02-01",
      period_end: "2025-02-14",
      previous_period_start: "2025-01-18",
      previous_period_end: "2025-01-31",
      period_cost: "1400",
      previous_period_cost: "1500",
      change: "-100",
      change_pct: -6.6667,
    };
    const { requests } = await renderPage("/", (url) =>
      url.pathname === "/api/v1/kpi/summary" && url.searchParams.has("start")
        ? { body: range }
        : healthyApi(url),
    );
    await screen.findByTestId("kpi-total-cost");

    fireEvent.change(screen.getByTestId("range-start"), { target: { value: "2025-02-01" } });
    fireEvent.change(screen.getByTestId("range-end"), { target: { value: "2025-02-14" } });

    expect(await screen.findByText("Selected range")).toBeInTheDocument();
    expect(window.location.search).toBe("?start=2025-02-01&end=2025-02-14");
    expect(screen.getByText("Feb 1, 2025 to Feb 14, 2025 (14 days)")).toBeVisible();
    expect(screen.getByRole("heading", { name: "Previous period" })).toBeInTheDocument();
    expect(screen.getByTestId("kpi-previous-month")).toHaveTextContent("$1,500.00");
    expect(screen.getByText("The 14 days before: Jan 18, 2025 to Jan 31, 2025")).toBeVisible();
    expect(screen.getByText("-$100.00 vs the 14 days before")).toBeVisible();
    expect(screen.getByTestId("kpi-mom")).toHaveAttribute("data-trend", "down");
    for (const path of ["/api/v1/kpi/summary", "/api/v1/spend/trend"]) {
      const last = requests.filter((url) => url.pathname === path).at(-1);
      expect(last?.searchParams.get("start")).toBe("2025-02-01");
      expect(last?.searchParams.get("end")).toBe("2025-02-14");
      expect(last?.searchParams.has("billing_period")).toBe(false);
    }

    // choosing a billing period replaces the range
    await userEvent.selectOptions(screen.getByTestId("billing-period-select"), "2025-01");
    expect(window.location.search).toBe("?period=2025-01");
    expect(screen.getByTestId("range-start")).toHaveValue("");
  });

  it("omits filters set to All", async () => {
    const { requests } = await renderPage("/", healthyApi);
    await screen.findByTestId("kpi-total-cost");

    const kpi = requests.find((url) => url.pathname === "/api/v1/kpi/summary");
    expect(kpi?.searchParams.has("billing_period")).toBe(false);
    expect(kpi?.searchParams.has("account_id")).toBe(false);
    expect(kpi?.searchParams.get("cost_metric")).toBe("billed_cost");
  });

  it("shows the API's detail message when a query is rejected", async () => {
    await renderPage("/", (url) =>
      url.pathname === "/api/v1/kpi/summary"
        ? {
            status: 422,
            body: {
              detail: [
                { loc: ["query", "billing_period"], msg: "no billing data", type: "value_error" },
              ],
            },
          }
        : healthyApi(url),
    );

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the cost summary");
    expect(alert).toHaveTextContent("billing_period: no billing data");
    expect(screen.queryByTestId("kpi-total-cost")).not.toBeInTheDocument();
  });

  it("shows a loading state until the filters arrive", async () => {
    await renderPage("/", healthyApi);
    expect(screen.getByRole("status")).toHaveTextContent("Loading filters…");
  });

  it("restores every filter and the breakdown from the URL", async () => {
    const { requests } = await renderPage(
      "/?period=2025-02&account=222222222222&metric=effective_cost&dimension=region_id",
      healthyApi,
    );
    await screen.findByTestId("kpi-total-cost");
    await waitFor(() => {
      expect(seriesKeys()).toEqual(SERIES_BY_DIMENSION["region_id"]);
    });

    expect(screen.getByTestId("billing-period-select")).toHaveValue("2025-02");
    expect(screen.getByTestId("account-select")).toHaveValue("222222222222");
    expect(screen.getByTestId("cost-metric-select")).toHaveValue("effective_cost");
    expect(screen.getByTestId("dimension-select")).toHaveValue("region_id");
    const filters = {
      billing_period: "2025-02",
      account_id: "222222222222",
      cost_metric: "effective_cost",
    };
    // the first request of each kind already carries the URL's filters: nothing unfiltered
    for (const path of ["/api/v1/kpi/summary", "/api/v1/spend/trend"]) {
      const sent = requests.filter((url) => url.pathname === path);
      expect(sent.length).toBeGreaterThan(0);
      for (const url of sent) {
        expect(Object.fromEntries(url.searchParams)).toMatchObject(filters);
      }
    }
    expect(
      requests.filter((url) => url.pathname === "/api/v1/spend/trend").at(0)?.searchParams.get(
        "dimension",
      ),
    ).toBe("region_id");
  });

  it("writes each change into the URL, and back undoes it", async () => {
    const { requests } = await renderPage("/", healthyApi);
    await screen.findByTestId("kpi-total-cost");

    await userEvent.selectOptions(screen.getByTestId("account-select"), "222222222222");
    expect(addressSearch()).toEqual({ account: "222222222222" });
    await userEvent.selectOptions(screen.getByTestId("cost-metric-select"), "list_cost");
    await userEvent.selectOptions(screen.getByTestId("dimension-select"), "region_id");
    expect(addressSearch()).toEqual({
      account: "222222222222",
      metric: "list_cost",
      dimension: "region_id",
    });
    // choosing the default again leaves the key out
    await userEvent.selectOptions(screen.getByTestId("cost-metric-select"), "billed_cost");
    expect(addressSearch()).toEqual({ account: "222222222222", dimension: "region_id" });

    window.history.back();
    await waitFor(() => {
      expect(screen.getByTestId("cost-metric-select")).toHaveValue("list_cost");
    });
    expect(addressSearch()).toEqual({
      account: "222222222222",
      metric: "list_cost",
      dimension: "region_id",
    });
    await waitFor(() => {
      const last = requests.filter((url) => url.pathname === "/api/v1/kpi/summary").at(-1);
      expect(last?.searchParams.get("cost_metric")).toBe("list_cost");
    });
  });

  it("ignores malformed values in the URL", async () => {
    const { requests } = await renderPage(
      "/?period=Feb%202025&metric=blended&dimension=colour&start=yesterday",
      healthyApi,
    );
    await screen.findByTestId("kpi-total-cost");
    const kpi = requests.find((url) => url.pathname === "/api/v1/kpi/summary");
    expect(Object.fromEntries(kpi?.searchParams ?? [])).toEqual({ cost_metric: "billed_cost" });
    expect(screen.getByTestId("billing-period-select")).toHaveValue("");
    expect(screen.getByTestId("dimension-select")).toHaveValue("service_name");
  });
});
