import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { type FakeRoute, renderPage } from "../../test/fakeApi";
import { filtersFixture } from "../../test/fixtures";
import { coverageFixture, list, recommendationFixture, utilizationFixture } from "../../test/inventoryFixtures";
import { coverageByPeriod } from "./commitments";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case "/api/v1/discounts/utilization":
      return { body: list([utilizationFixture("2025-02-01", "87.5"), utilizationFixture("2025-03-01", null)]) };
    case "/api/v1/discounts/coverage":
      return {
        body: list([
          coverageFixture("2025-02-01", "AmazonEC2", "300", "150"),
          coverageFixture("2025-02-01", "AWSLambda", "100", "50.125"),
          coverageFixture("2025-03-01", "AmazonEC2", "0", "0"),
        ]),
      };
    case "/api/v1/discounts/recommendations":
      return { body: list([recommendationFixture]) };
    default:
      return undefined;
  }
};

describe("CommitmentsPage", () => {
  it("shows utilization and coverage by period and the purchase recommendations", async () => {
    const user = userEvent.setup();
    const { requests } = await renderPage("/commitments", api);
    const utilization = await screen.findAllByTestId("utilization-row");
    // newest first
    expect(within(utilization[0] as HTMLElement).getByTestId("utilization-pct")).toHaveTextContent("n/a");
    expect(within(utilization[1] as HTMLElement).getByTestId("utilization-pct")).toHaveTextContent("87.5%");
    expect(within(utilization[1] as HTMLElement).getByTestId("utilization-unused")).toHaveTextContent("$12.50");
    expect(utilization[1]).toHaveTextContent("Feb 2025");

    const coverage = await screen.findAllByTestId("coverage-row");
    expect(within(coverage[0] as HTMLElement).getByTestId("coverage-pct")).toHaveTextContent("n/a");
    expect(within(coverage[1] as HTMLElement).getByTestId("coverage-pct")).toHaveTextContent("50.0%");
    expect(coverage[1]).toHaveTextContent("$400.00");
    expect(coverage[1]).toHaveTextContent("$200.13");

    const [recommendation] = await screen.findAllByTestId("recommendation-row");
    expect(within(recommendation as HTMLElement).getByTestId("recommendation-savings")).toHaveTextContent("$27.38");
    expect(recommendation).toHaveTextContent("1 year");
    expect(screen.getByTestId("commitments-chart")).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("commitments-granularity"), "daily");
    await waitFor(() => {
      expect(requests.filter((url) => url.pathname === "/api/v1/discounts/utilization").at(-1)?.searchParams.get("granularity")).toBe("daily");
    });
  });

  it("adds coverage up per period exactly", () => {
    const periods = coverageByPeriod([
      coverageFixture("2025-02-01", "AmazonEC2", "0.1", "0.1"),
      coverageFixture("2025-02-01", "AWSLambda", "0.2", "0"),
    ]);
    expect(periods).toEqual([
      { period: "2025-02-01", currency: "USD", eligible: "0.3", covered: "0.1", onDemand: "0.2", pct: (0.1 / 0.3) * 100 },
    ]);
  });
});
