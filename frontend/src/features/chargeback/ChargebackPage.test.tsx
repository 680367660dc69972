import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderPage } from "../../test/fakeApi";
import { chargebackFixture } from "../../test/optimizationFixtures";

function chargebackApi(url: URL) {
  if (url.pathname !== "/api/v1/allocation/chargeback") {
    return undefined;
  }
  return { body: chargebackFixture(url.searchParams.get("billing_period") ?? "2025-03") };
}

describe("ChargebackPage", () => {
  it("shows each cost center, unallocated last, with shares adding up to 100%", async () => {
    await renderPage("/chargeback", chargebackApi);

    expect(await screen.findByTestId("chargeback-total")).toHaveTextContent("$1,000.00");
    expect(screen.getByTestId("chargeback-unallocated")).toHaveTextContent("$100.01");
    expect(screen.getByTestId("chargeback-coverage")).toHaveTextContent("85.00%");
    expect(screen.getByTestId("chargeback-invalid-tag")).toHaveTextContent("$50.00");
    expect(screen.getByText("5.00% tagged CC-9999, not allowed by the tag policy")).toBeVisible();
    const rows = screen.getAllByTestId("chargeback-row");
    expect(rows.map((row) => row.firstElementChild?.textContent)).toEqual([
      "CC-1",
      "CC-2",
      "Invalid tag (CC-9999)",
      "Unallocated",
    ]);
    const first = within(rows[0] as HTMLElement);
    expect(first.getByText("$450.00")).toBeInTheDocument();
    expect(first.getByText("$100.01")).toBeInTheDocument();
    expect(first.getByText("$550.01")).toBeInTheDocument();
    expect(first.getByText("55.00%")).toBeInTheDocument();
    expect(first.getByText("$500.00")).toBeInTheDocument();
    expect(first.getByTestId("chargeback-change")).toHaveTextContent("+$50.01");
    expect(within(rows[1] as HTMLElement).getByTestId("chargeback-change")).toHaveTextContent(
      "-$20.02",
    );
    expect(rows[2]).toHaveAttribute("data-tone", "warning");
    expect(rows[3]).toHaveAttribute("data-tone", "warning");
    expect(screen.getByTestId("chargeback-total-caption")).toHaveTextContent(
      "Mar 2025 · Feb 2025: $900.00",
    );
    expect(screen.getByTestId("chargeback-table-total")).toHaveTextContent("$1,000.00");
    expect(screen.getByText("100.00%")).toBeInTheDocument();
  });

  it("asks for the latest report first, then the period chosen", async () => {
    const { requests } = await renderPage("/chargeback", chargebackApi);
    await screen.findByTestId("chargeback-total");
    expect(requests[0]?.searchParams.has("billing_period")).toBe(false);
    expect(screen.getByTestId("chargeback-period-select")).toHaveValue("2025-03");

    await userEvent.selectOptions(screen.getByTestId("chargeback-period-select"), "2025-02");

    await waitFor(() => {
      expect(requests.at(-1)?.searchParams.get("billing_period")).toBe("2025-02");
    });
    await waitFor(() => {
      expect(screen.getByTestId("chargeback-period-select")).toHaveValue("2025-02");
    });
    // the period is in the URL: a link or a reload opens the same report
    expect(window.location.search).toBe("?period=2025-02");
    expect(screen.getByTestId("chargeback-total-caption")).toHaveTextContent(
      "Feb 2025 · no report for the month before",
    );
  });

  it("opens the period the URL names", async () => {
    const { requests } = await renderPage("/chargeback?period=2025-02", chargebackApi);
    await screen.findByTestId("chargeback-total");
    const chargeback = requests.find((url) => url.pathname === "/api/v1/allocation/chargeback");
    expect(chargeback?.searchParams.get("billing_period")).toBe("2025-02");
    expect(screen.getByTestId("chargeback-period-select")).toHaveValue("2025-02");
  });

  it("says how to produce a report when there is none", async () => {
    await renderPage("/chargeback", () => ({
      status: 404,
      body: { detail: "no chargeback report in the warehouse yet (run: finops run allocation)" },
    }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("finops run allocation");
  });

  it("goes back to the report the URL named before", async () => {
    const { requests } = await renderPage("/chargeback?period=2025-03", chargebackApi);
    await screen.findByTestId("chargeback-total");
    await userEvent.selectOptions(screen.getByTestId("chargeback-period-select"), "2025-02");
    expect(window.location.search).toBe("?period=2025-02");

    window.history.back();
    await waitFor(() => {
      expect(window.location.search).toBe("?period=2025-03");
    });
    await waitFor(() => {
      expect(screen.getByTestId("chargeback-period-select")).toHaveValue("2025-03");
    });
    expect(requests.at(-1)?.searchParams.get("billing_period")).toBe("2025-03");
  });
});
