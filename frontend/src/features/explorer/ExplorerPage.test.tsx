import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { type FakeRoute, renderPage } from "../../test/fakeApi";
import { explorerDimensionsFixture, explorerFixture } from "../../test/explorerFixtures";
import { filtersFixture } from "../../test/fixtures";

const EXPLORER = "/api/v1/explorer";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case EXPLORER:
      return { body: explorerFixture };
    case `${EXPLORER}/dimensions`:
      return { body: explorerDimensionsFixture };
    case `${EXPLORER}/values`:
      return {
        body: {
          dimension: url.searchParams.get("dimension"),
          values: url.searchParams.get("dimension")?.startsWith("tag:")
            ? [
                { value: "data", label: "data" },
                { value: "", label: "(none)" },
              ]
            : [
                { value: "111111111111", label: "production" },
                { value: "222222222222", label: "222222222222" },
              ],
        },
      };
    default:
      return undefined;
  }
};

function explorerCalls(requests: URL[]): URL[] {
  return requests.filter((url) => url.pathname === EXPLORER);
}

const PATH =
  "/explorer?start=2025-01-01&end=2025-03-03&group_by=service_name&group_by=region_id&account_id=111111111111&tag=team:data";

describe("ExplorerPage", () => {
  it("asks the API with the URL's own parameters and shows the groups with their totals", async () => {
    const { requests } = await renderPage(PATH, api);
    const rows = await screen.findAllByTestId("explorer-row");
    const call = explorerCalls(requests).at(-1);
    expect(call?.searchParams.getAll("group_by")).toEqual(["service_name", "region_id"]);
    expect(call?.searchParams.getAll("account_id")).toEqual(["111111111111"]);
    expect(call?.searchParams.getAll("tag")).toEqual(["team:data"]);
    expect(call?.searchParams.get("start")).toBe("2025-01-01");
    expect(call?.searchParams.get("end")).toBe("2025-03-03");

    expect(rows).toHaveLength(3);
    const first = rows[0] as HTMLElement;
    expect(within(first).getAllByTestId("explorer-row-label").map((c) => c.textContent)).toEqual([
      "AmazonEC2",
      "us-east-1",
    ]);
    expect(within(first).getByTestId("explorer-row-total")).toHaveTextContent("$1,000.01");
    expect(within(first).getByTestId("explorer-row-share")).toHaveTextContent("81.0%");
    expect(within(rows[1] as HTMLElement).getByTestId("explorer-row-total")).toHaveTextContent("$200.56");
    expect(within(rows[1] as HTMLElement).getAllByTestId("explorer-row-label")[1]).toHaveTextContent("(none)");
    expect(within(rows[2] as HTMLElement).getByTestId("explorer-row-share")).toHaveTextContent("2.8%");
    expect(screen.getByTestId("explorer-total")).toHaveTextContent("$1,234.57");
    expect(screen.getByTestId("explorer-total").dataset["value"]).toBe("1234.5675");
    expect(screen.getByTestId("explorer-headline")).toHaveTextContent("$1,234.57");
    expect(screen.getByTestId("explorer-groups-count")).toHaveTextContent("3 groups");
    expect(screen.getByTestId("explorer-chart")).toBeInTheDocument();

    // the filters read as names, the date range as the URL's
    const chips = screen.getAllByTestId("explorer-filter");
    expect(chips.map((chip) => chip.textContent)).toEqual(["Account: production×", "Tag: team: data×"]);
    expect(screen.getByTestId("explorer-start")).toHaveValue("2025-01-01");
    expect(screen.getByTestId("explorer-preset")).toHaveValue("3m");
    expect(screen.getByTestId("explorer-group-0")).toHaveValue("service_name");
    expect(screen.getByTestId("explorer-group-1")).toHaveValue("region_id");

    const csv = screen.getByTestId("explorer-csv");
    const href = new URL(csv.getAttribute("href") ?? "", "http://finops.test");
    expect(href.pathname).toBe(EXPLORER);
    expect(href.searchParams.get("format")).toBe("csv");
    expect(href.searchParams.getAll("group_by")).toEqual(["service_name", "region_id"]);
    expect(href.searchParams.getAll("account_id")).toEqual(["111111111111"]);
  });

  it("drills down from a row: its keys become filters and the view groups by usage type", async () => {
    const user = userEvent.setup();
    const { requests } = await renderPage(PATH, api);
    const rows = await screen.findAllByTestId("explorer-row");
    await user.click(rows[1] as HTMLElement);
    await waitFor(() => {
      expect(new URLSearchParams(window.location.search).getAll("group_by")).toEqual(["usage_type"]);
    });
    const address = new URLSearchParams(window.location.search);
    expect(address.getAll("service_name")).toEqual(["AmazonS3"]);
    expect(address.getAll("region_id")).toEqual([""]);
    expect(address.getAll("account_id")).toEqual(["111111111111"]);
    await waitFor(() => {
      expect(explorerCalls(requests).at(-1)?.searchParams.getAll("group_by")).toEqual(["usage_type"]);
    });
    expect(explorerCalls(requests).at(-1)?.searchParams.getAll("service_name")).toEqual(["AmazonS3"]);
  });

  it("changes the grouping, the range preset and the filters through the URL", async () => {
    const user = userEvent.setup();
    await renderPage("/explorer", api);
    await screen.findAllByTestId("explorer-row");
    await user.selectOptions(screen.getByTestId("explorer-group-0"), "tag:team");
    await waitFor(() => {
      expect(new URLSearchParams(window.location.search).getAll("group_by")).toEqual(["tag:team"]);
    });
    await user.selectOptions(screen.getByTestId("explorer-preset"), "mtd");
    await waitFor(() => {
      expect(new URLSearchParams(window.location.search).get("start")).toBe("2025-03-01");
    });
    expect(new URLSearchParams(window.location.search).get("end")).toBe("2025-03-03");

    await user.selectOptions(screen.getByTestId("explorer-filter-dimension"), "account_id");
    await waitFor(() => {
      expect(screen.getByTestId("explorer-filter-value")).toHaveValue("111111111111");
    });
    await user.selectOptions(screen.getByTestId("explorer-filter-value"), "222222222222");
    await user.click(screen.getByTestId("explorer-filter-add"));
    await waitFor(() => {
      expect(new URLSearchParams(window.location.search).getAll("account_id")).toEqual(["222222222222"]);
    });
    await user.click(screen.getByRole("button", { name: "Remove the filter Account: 222222222222" }));
    await waitFor(() => {
      expect(new URLSearchParams(window.location.search).getAll("account_id")).toEqual([]);
    });
  });

  it("filters on cost without a tag through its (none) value", async () => {
    const user = userEvent.setup();
    const { requests } = await renderPage("/explorer?group_by=service_name", api);
    await screen.findAllByTestId("explorer-row");
    await user.selectOptions(screen.getByTestId("explorer-filter-dimension"), "tag:team");
    await waitFor(() => {
      expect(screen.getByTestId("explorer-filter-value")).toHaveValue("data");
    });
    await user.selectOptions(screen.getByTestId("explorer-filter-value"), "(none)");
    await user.click(screen.getByTestId("explorer-filter-add"));
    await waitFor(() => {
      expect(new URLSearchParams(window.location.search).getAll("tag")).toEqual(["team:"]);
    });
    await waitFor(() => {
      expect(explorerCalls(requests).at(-1)?.searchParams.getAll("tag")).toEqual(["team:"]);
    });
    expect(screen.getAllByTestId("explorer-filter").map((chip) => chip.textContent)).toEqual(["Tag: team: (none)×"]);
  });
});
