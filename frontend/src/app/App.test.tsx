import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderPage } from "../test/fakeApi";
import { filtersFixture, kpiFixture, trendFixture } from "../test/fixtures";
import { anomaliesFixture, budgetsFixture, forecastsFixture } from "../test/intelligenceFixtures";
import {
  chargebackFixture,
  cohComparisonFixture,
  findingsFixture,
  findingsSummaryFixture,
} from "../test/optimizationFixtures";
import { loadsFixture, qualityFixture, sourcesFixture } from "../test/sourcesFixtures";

function api(url: URL) {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case "/api/v1/kpi/summary":
      return { body: kpiFixture };
    case "/api/v1/spend/trend":
      return { body: trendFixture("service_name", ["Amazon Elastic Compute Cloud"]) };
    case "/api/v1/findings":
      return { body: findingsFixture };
    case "/api/v1/findings/summary":
      return { body: findingsSummaryFixture };
    case "/api/v1/optimization/coh-comparison":
      return { body: cohComparisonFixture };
    case "/api/v1/allocation/chargeback":
      return { body: chargebackFixture(url.searchParams.get("billing_period") ?? "2025-03") };
    case "/api/v1/anomalies":
      return { body: anomaliesFixture };
    case "/api/v1/forecasts":
      return { body: forecastsFixture("total") };
    case "/api/v1/budgets":
      return { body: budgetsFixture };
    case "/api/v1/sources":
      return { body: sourcesFixture };
    case "/api/v1/sources/loads":
      return { body: loadsFixture };
    case "/api/v1/sources/quality":
      return { body: qualityFixture };
    default:
      return undefined;
  }
}

describe("App navigation", () => {
  it("opens the page of the current path", async () => {
    await renderPage("/chargeback", api);
    expect(await screen.findByTestId("chargeback-total")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Chargeback" })).toHaveAttribute(
      "aria-current",
      "page",
    );
    expect(screen.getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current");
  });

  it("moves between pages with the nav links and the back button", async () => {
    await renderPage("/", api);
    expect(screen.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");

    await userEvent.click(screen.getByRole("link", { name: "Optimization" }));
    expect(window.location.pathname).toBe("/optimization");
    expect(await screen.findByTestId("findings-table")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current");

    await userEvent.click(screen.getByRole("link", { name: "Chargeback" }));
    expect(await screen.findByTestId("chargeback-table")).toBeInTheDocument();

    window.history.back();
    expect(await screen.findByTestId("findings-table")).toBeInTheDocument();
    await waitFor(() => {
      expect(window.location.pathname).toBe("/optimization");
    });

    await userEvent.click(screen.getByRole("link", { name: "Anomalies" }));
    expect(window.location.pathname).toBe("/anomalies");
    expect(await screen.findByTestId("anomalies-table")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("link", { name: "Forecasts & budgets" }));
    expect(window.location.pathname).toBe("/forecasts");
    expect(await screen.findByTestId("budgets-table")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("link", { name: "Data sources" }));
    expect(window.location.pathname).toBe("/sources");
    expect(await screen.findByTestId("sources-table")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("link", { name: "Overview" }));
    expect(window.location.pathname).toBe("/");
    expect(await screen.findByTestId("kpi-total-cost")).toBeInTheDocument();
  });

  it("links every page by its path, without the state of the page it leaves", async () => {
    await renderPage("/chargeback?period=2025-02", api);
    await screen.findByTestId("chargeback-total");
    const hrefs = screen
      .getAllByRole("link")
      .map((link) => link.getAttribute("href"));
    expect(hrefs).toEqual([
      "/",
      "/explorer",
      "/accounts",
      "/resources",
      "/commitments",
      "/optimization",
      "/chargeback",
      "/anomalies",
      "/forecasts",
      "/insights",
      "/sources",
      "/actions",
      "/savings",
      "/ask",
      "/sql",
      "/audit",
      "/admin",
    ]);
  });

  it("opens a page at a path with a trailing slash", async () => {
    await renderPage("/sources/", api);
    expect(await screen.findByTestId("sources-table")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Data sources" })).toHaveAttribute(
      "aria-current",
      "page",
    );
  });

  it("opens the Overview for an unknown path", async () => {
    await renderPage("/nowhere", api);
    expect(await screen.findByTestId("kpi-total-cost")).toBeInTheDocument();
    expect(window.location.pathname).toBe("/");
    expect(screen.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  });
});
