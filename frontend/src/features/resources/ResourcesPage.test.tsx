import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { type FakeRoute, renderPage } from "../../test/fakeApi";
import { filtersFixture } from "../../test/fixtures";
import { list, resourceDetailFixture, resourceFixture, usageFixture } from "../../test/inventoryFixtures";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case "/api/v1/resources":
      return {
        body: list([
          resourceFixture(),
          resourceFixture({ resource_id: "vol-9", resource_type: "AWS::EC2::Volume", name: null, account_id: "222222222222", account_name: null, cost_30d: "8", cpu_p95_14d: null, open_findings: 0, anomalies: 0 }),
        ]),
      };
    case "/api/v1/usage":
      return {
        body: list([
          usageFixture("i-0abc", "2025-03-03", 6),
          usageFixture("i-0abc", "2025-03-02", 5),
          usageFixture("i-0abc", "2025-03-01", 4),
        ]),
      };
    case "/api/v1/resources/i-0abc":
      return { body: resourceDetailFixture };
    default:
      return undefined;
  }
};

describe("ResourcesPage", () => {
  it("lists the inventory with account names, 30-day cost, CPU and its sparkline", async () => {
    const { requests } = await renderPage("/resources?account_id=111111111111", api);
    const rows = await screen.findAllByTestId("resource-row");
    expect(rows.map((row) => row.dataset["id"])).toEqual(["i-0abc", "vol-9"]);
    const first = rows[0] as HTMLElement;
    expect(first).toHaveTextContent("web-1");
    expect(within(first).getByTestId("account-name")).toHaveTextContent("production111111111111");
    expect(within(first).getByTestId("resource-cost")).toHaveTextContent("$123.46");
    expect(within(first).getByTestId("resource-cpu")).toHaveTextContent("4.3%");
    expect(within(first).getByTestId("resource-findings")).toHaveTextContent("2");
    expect(within(first).getByTestId("resource-anomalies")).toHaveTextContent("1");
    await waitFor(() => {
      expect(within(first).getByTestId("resource-sparkline").dataset["points"]).toBe("3");
    });
    const second = rows[1] as HTMLElement;
    expect(within(second).getByTestId("account-name")).toHaveTextContent("222222222222");
    expect(within(second).getByTestId("resource-cpu")).toHaveTextContent("—");
    expect(within(second).getByTestId("resource-sparkline")).toHaveTextContent("no data");
    expect(screen.getByTestId("resources-count")).toHaveTextContent("2 resources");

    const listCall = requests.find((url) => url.pathname === "/api/v1/resources");
    expect(listCall?.searchParams.getAll("account_id")).toEqual(["111111111111"]);
    const usage = requests.find((url) => url.pathname === "/api/v1/usage");
    expect(usage?.searchParams.getAll("resource_id")).toEqual(["i-0abc", "vol-9"]);
    expect(usage?.searchParams.get("metric_name")).toBe("CPUUtilization");
  });

  it("opens a resource with its cost, utilization, findings and anomalies", async () => {
    const user = userEvent.setup();
    await renderPage("/resources", api);
    const [row] = await screen.findAllByTestId("resource-row");
    await user.click(row as HTMLElement);
    const detail = await screen.findByTestId("resource-detail");
    expect(new URLSearchParams(window.location.search).get("id")).toBe("i-0abc");
    expect(within(detail).getByTestId("resource-detail-cost")).toHaveTextContent("$30.75");
    expect(within(detail).getByTestId("resource-detail-cost-sparkline").dataset["points"]).toBe("3");
    expect(within(detail).getByTestId("resource-detail-cpu-sparkline").dataset["points"]).toBe("2");
    const findings = within(detail).getByTestId("resource-detail-findings");
    expect(findings).toHaveTextContent("Findings (1)");
    expect(findings).toHaveTextContent("$70.08/month");
    expect(within(findings).getByRole("link", { name: "idle instance" })).toHaveAttribute(
      "href",
      "/optimization?finding=f-1",
    );
    const anomalies = within(detail).getByTestId("resource-detail-anomalies");
    expect(within(anomalies).getByRole("link", { name: "2025-02-10 – 2025-02-11" })).toHaveAttribute(
      "href",
      "/anomalies?anomaly=a-1&status=all",
    );
    expect(within(detail).getByTestId("resource-detail-tags")).toHaveTextContent("team=web");
  });
});
