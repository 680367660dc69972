import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import { App } from "./App";
import { pageForPath } from "./lib/router";
import { renderWithApi } from "./test/fakeApi";
import { filtersFixture } from "./test/fixtures";
import { anomaliesFixture, budgetsFixture, forecastsFixture } from "./test/intelligenceFixtures";
import {
  chargebackFixture,
  findingsFixture,
  findingsSummaryFixture,
} from "./test/optimizationFixtures";

function api(url: URL) {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case "/api/v1/findings":
      return { body: findingsFixture };
    case "/api/v1/findings/summary":
      return { body: findingsSummaryFixture };
    case "/api/v1/allocation/chargeback":
      return { body: chargebackFixture("2025-03") };
    case "/api/v1/anomalies":
      return { body: anomaliesFixture };
    case "/api/v1/forecasts":
      return { body: forecastsFixture("total") };
    case "/api/v1/budgets":
      return { body: budgetsFixture };
    default:
      return undefined;
  }
}

afterEach(() => {
  window.history.replaceState(null, "", "/");
});

describe("App navigation", () => {
  it("opens the page of the current path", async () => {
    window.history.replaceState(null, "", "/chargeback");
    renderWithApi(<App />, api);
    expect(await screen.findByTestId("chargeback-total")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Chargeback" })).toHaveAttribute(
      "aria-current",
      "page",
    );
  });

  it("moves between pages with the nav links and the back button", async () => {
    renderWithApi(<App />, api);
    expect(screen.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");

    await userEvent.click(screen.getByRole("link", { name: "Optimization" }));
    expect(window.location.pathname).toBe("/optimization");
    expect(await screen.findByTestId("findings-table")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current");

    await userEvent.click(screen.getByRole("link", { name: "Chargeback" }));
    expect(await screen.findByTestId("chargeback-table")).toBeInTheDocument();

    window.history.back();
    expect(await screen.findByTestId("findings-table")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("link", { name: "Anomalies" }));
    expect(window.location.pathname).toBe("/anomalies");
    expect(await screen.findByTestId("anomalies-table")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("link", { name: "Forecasts & budgets" }));
    expect(window.location.pathname).toBe("/forecasts");
    expect(await screen.findByTestId("budgets-table")).toBeInTheDocument();
  });

  it("maps paths to pages", () => {
    expect(pageForPath("/optimization/")).toBe("/optimization");
    expect(pageForPath("/chargeback")).toBe("/chargeback");
    expect(pageForPath("/anomalies/")).toBe("/anomalies");
    expect(pageForPath("/forecasts")).toBe("/forecasts");
    expect(pageForPath("/sources/")).toBe("/sources");
    expect(pageForPath("/nowhere")).toBe("/");
    expect(pageForPath("/")).toBe("/");
  });
});
