import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { addressSearch, type FakeRoute, renderPage } from "../../test/fakeApi";
import { filtersFixture } from "../../test/fixtures";
import {
  cohComparisonFixture,
  findingsFixture,
  findingsSummaryFixture,
} from "../../test/optimizationFixtures";
import { FINDINGS_PAGE_SIZE } from "./OptimizationPage";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/filters":
      return { body: filtersFixture };
    case "/api/v1/findings/summary":
      return { body: findingsSummaryFixture };
    case "/api/v1/findings":
      return { body: findingsFixture };
    case "/api/v1/optimization/coh-comparison":
      return { body: cohComparisonFixture };
    default:
      return undefined;
  }
};

function lastRequest(requests: URL[], path: string): URL | undefined {
  return requests.filter((url) => url.pathname === path).at(-1);
}

describe("OptimizationPage", () => {
  it("shows savings per type and the findings, money rounded half-up", async () => {
    await renderPage("/optimization", api);

    const idle = await screen.findByTestId("finding-card-idle_instance");
    expect(idle).toHaveTextContent("Idle EC2 instance");
    expect(idle).toHaveTextContent("$140.17/mo");
    expect(idle).toHaveTextContent("1 finding · $99.53 last 30 days");
    expect(screen.getByTestId("savings-headline")).toHaveTextContent("$148.17 / month");
    expect(screen.getByTestId("savings-headline")).toHaveTextContent("jobs as of Mar 3, 2025");

    const rows = await screen.findAllByTestId("finding-row");
    expect(rows).toHaveLength(3);
    const first = within(rows[0] as HTMLElement);
    expect(first.getByText("i-0abc")).toBeInTheDocument();
    expect(first.getByText("production")).toBeInTheDocument();
    expect(first.getByText("$140.17")).toBeInTheDocument();
    expect(first.getByText("$210.24 on demand")).toBeInTheDocument();
    expect(first.getByText("$99.53")).toBeInTheDocument();
    expect(first.getByText("m5.xlarge · peak CPU 2.5% · 0.89 Mbit/s")).toBeInTheDocument();
    expect(first.getByText("stop or terminate")).toBeInTheDocument();
    const second = within(rows[1] as HTMLElement);
    expect(second.getByText("222222222222")).toBeInTheDocument();
    expect(second.getByText("400 GB · gp2 → gp3")).toBeInTheDocument();
    expect(second.getByText("open")).toHaveAttribute("data-tone", "warning");
    expect(screen.getByTestId("findings-total")).toHaveTextContent(
      "3 findings · $148.17/mo savings · $2,917.66/mo commitment waste (not savings)",
    );
  });

  it("keeps commitment waste out of the savings headline, with its own advice", async () => {
    await renderPage("/optimization", api);

    const headline = await screen.findByTestId("savings-headline");
    expect(headline).toHaveTextContent("Actionable savings$148.17 / month");
    expect(headline).not.toHaveTextContent("2,917.66");
    expect(screen.getByTestId("savings-basis")).toHaveTextContent(
      "At the price paid (effective cost over the last 30 days, after Savings Plan and RI " +
        "discounts) · $218.24 at on-demand prices · commitment waste not included",
    );
    const waste = screen.getByTestId("commitment-waste");
    expect(waste).toHaveTextContent("Commitment waste$2,917.66 / month");
    expect(waste).toHaveTextContent("hold new commitment purchases");
    expect(screen.getByTestId("finding-card-underused_savings_plan")).toHaveTextContent(
      "$2,917.66/mo unused commitment",
    );
    const rows = await screen.findAllByTestId("finding-row");
    const plan = within(rows[2] as HTMLElement);
    expect(plan.getByTestId("finding-savings")).toHaveTextContent(
      "—$2,917.66/mo commitment waste",
    );
  });

  it("shows Cost Optimization Hub's recommendations beside the findings", async () => {
    const { requests } = await renderPage("/optimization", api);

    const rows = await screen.findAllByTestId("coh-row");
    expect(rows).toHaveLength(2);
    const agreed = within(rows[0] as HTMLElement);
    expect(agreed.getByText("Agree")).toHaveAttribute("data-tone", "success");
    expect(agreed.getByText("Idle EC2 instance (Stop)")).toBeInTheDocument();
    expect(agreed.getAllByText("$140.17")).toHaveLength(2);
    const hubOnly = within(rows[1] as HTMLElement);
    expect(hubOnly.getByText("Only Cost Optimization Hub")).toBeInTheDocument();
    expect(hubOnly.getByText("Rightsize")).toBeInTheDocument();
    expect(hubOnly.getByText("$12.26")).toBeInTheDocument();
    expect(screen.getByTestId("coh-count-coh_only")).toHaveTextContent(
      "Only Cost Optimization Hub · 1",
    );

    await userEvent.click(screen.getByTestId("coh-count-disagree_action"));
    await waitFor(() => {
      expect(
        lastRequest(requests, "/api/v1/optimization/coh-comparison")?.searchParams.getAll(
          "agreement",
        ),
      ).toEqual(["disagree_action"]);
    });
  });

  it("asks for a Cost Optimization Hub export when none is loaded", async () => {
    const none = {
      ...cohComparisonFixture,
      data: [],
      count: 0,
      counts: { agree: 0, disagree_action: 0, disagree_savings: 0, coh_only: 0, platform_only: 0 },
      coh_recommendations: 0,
    };
    await renderPage("/optimization", (url) =>
      url.pathname === "/api/v1/optimization/coh-comparison" ? { body: none } : api(url),
    );
    const section = await screen.findByTestId("coh-comparison");
    await waitFor(() => {
      expect(section).toHaveTextContent("Nothing to compare: load a Cost Optimization Hub export");
    });
    expect(within(section).queryAllByTestId("coh-row")).toHaveLength(0);
  });

  it("asks for findings that need action by default, a page at a time", async () => {
    const { requests } = await renderPage("/optimization", api);
    await screen.findAllByTestId("finding-row");

    const list = lastRequest(requests, "/api/v1/findings");
    expect(list?.searchParams.getAll("status")).toEqual(["new", "open"]);
    expect(list?.searchParams.get("limit")).toBe(String(FINDINGS_PAGE_SIZE));
    expect(list?.searchParams.get("offset")).toBe("0");
    expect(list?.searchParams.has("finding_type")).toBe(false);
    const summary = lastRequest(requests, "/api/v1/findings/summary");
    expect(summary?.searchParams.getAll("status")).toEqual(["new", "open"]);
  });

  it("opens one finding from its own URL, its detail shown, and leaves it for every finding", async () => {
    const one: FakeRoute = (url) => {
      if (url.pathname === "/api/v1/findings" && url.searchParams.has("fingerprint")) {
        const wanted = url.searchParams.getAll("fingerprint");
        const data = findingsFixture.data.filter((f) => wanted.includes(f.fingerprint));
        return { body: { ...findingsFixture, data, count: data.length } };
      }
      return api(url);
    };
    const user = userEvent.setup();
    const { requests } = await renderPage("/optimization?finding=f2", one);
    const rows = await screen.findAllByTestId("finding-row");
    expect(rows).toHaveLength(1);
    const list = lastRequest(requests, "/api/v1/findings");
    expect(list?.searchParams.getAll("fingerprint")).toEqual(["f2"]);
    expect(list?.searchParams.has("status")).toBe(false);
    expect(list?.searchParams.has("account_id")).toBe(false);
    expect(screen.getByTestId("finding-detail")).toHaveTextContent("modify-volume to gp3");

    await user.click(screen.getByTestId("findings-show-all"));
    await waitFor(() => {
      expect(screen.getAllByTestId("finding-row").length).toBe(findingsFixture.data.length);
    });
    expect(new URLSearchParams(window.location.search).has("finding")).toBe(false);
    expect(lastRequest(requests, "/api/v1/findings")?.searchParams.getAll("status")).toEqual(["new", "open"]);
  });

  it("filters by type, account and status", async () => {
    const { requests } = await renderPage("/optimization", api);
    await screen.findAllByTestId("finding-row");

    await userEvent.click(screen.getByTestId("finding-card-gp2_volume"));
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/findings")?.searchParams.get("finding_type")).toBe(
        "gp2_volume",
      );
    });
    expect(screen.getByTestId("finding-card-gp2_volume")).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("finding-type-select")).toHaveValue("gp2_volume");

    await userEvent.selectOptions(screen.getByTestId("finding-account-select"), "222222222222");
    await userEvent.selectOptions(screen.getByTestId("finding-status-select"), "resolved");
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/findings")?.searchParams.getAll("status")).toEqual([
        "resolved",
      ]);
    });
    const list = lastRequest(requests, "/api/v1/findings");
    expect(list?.searchParams.get("account_id")).toBe("222222222222");
    expect(list?.searchParams.get("finding_type")).toBe("gp2_volume");
    const summary = lastRequest(requests, "/api/v1/findings/summary");
    expect(summary?.searchParams.get("account_id")).toBe("222222222222");
    expect(summary?.searchParams.has("finding_type")).toBe(false);

    await userEvent.selectOptions(screen.getByTestId("finding-status-select"), "All statuses");
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/findings")?.searchParams.has("status")).toBe(false);
    });
  });

  it("pages through the findings", async () => {
    const many = { ...findingsFixture, count: 60 };
    const { requests } = await renderPage("/optimization", (url) =>
      url.pathname === "/api/v1/findings" ? { body: many } : api(url),
    );
    await screen.findAllByTestId("finding-row");
    expect(screen.getByRole("button", { name: "Previous" })).toBeDisabled();

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/findings")?.searchParams.get("offset")).toBe(
        String(FINDINGS_PAGE_SIZE),
      );
    });
    expect(screen.getByRole("button", { name: "Previous" })).toBeEnabled();
  });

  it("shows the API's message when the findings cannot be read", async () => {
    await renderPage("/optimization", (url) =>
      url.pathname === "/api/v1/findings"
        ? { status: 400, body: { detail: "findings are in several currencies ['EUR', 'USD']" } }
        : api(url),
    );
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the findings");
    expect(alert).toHaveTextContent("several currencies");
  });

  it("restores the filters, the page and the comparison outcome from the URL", async () => {
    const many = { ...findingsFixture, count: 60 };
    const { requests } = await renderPage(
      "/optimization?type=gp2_volume&account=222222222222&status=resolved&offset=25&outcome=coh_only",
      (url) => (url.pathname === "/api/v1/findings" ? { body: many } : api(url)),
    );
    await screen.findAllByTestId("finding-row");
    await screen.findAllByTestId("coh-row");

    expect(screen.getByTestId("finding-type-select")).toHaveValue("gp2_volume");
    expect(screen.getByTestId("finding-account-select")).toHaveValue("222222222222");
    expect(screen.getByTestId("finding-status-select")).toHaveValue("resolved");
    expect(screen.getByTestId("finding-card-gp2_volume")).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("coh-count-coh_only")).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("pager-range")).toHaveTextContent("26–28 of 60");
    const list = requests.filter((url) => url.pathname === "/api/v1/findings");
    expect(list).toHaveLength(1);
    expect(Object.fromEntries(list[0]?.searchParams ?? [])).toEqual({
      account_id: "222222222222",
      status: "resolved",
      finding_type: "gp2_volume",
      limit: String(FINDINGS_PAGE_SIZE),
      offset: "25",
    });
    expect(
      lastRequest(requests, "/api/v1/optimization/coh-comparison")?.searchParams.getAll(
        "agreement",
      ),
    ).toEqual(["coh_only"]);
  });

  it("writes filters and paging into the URL; a new filter starts from the first page", async () => {
    const many = { ...findingsFixture, count: 60 };
    const { requests } = await renderPage("/optimization", (url) =>
      url.pathname === "/api/v1/findings" ? { body: many } : api(url),
    );
    await screen.findAllByTestId("finding-row");

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(addressSearch()).toEqual({ offset: "25" });
    await userEvent.selectOptions(screen.getByTestId("finding-status-select"), "All statuses");
    expect(addressSearch()).toEqual({ status: "all" });
    await userEvent.click(screen.getByTestId("finding-card-idle_instance"));
    expect(addressSearch()).toEqual({ status: "all", type: "idle_instance" });
    await userEvent.click(screen.getByTestId("coh-count-agree"));
    expect(addressSearch()).toEqual({ status: "all", type: "idle_instance", outcome: "agree" });

    window.history.back();
    await waitFor(() => {
      expect(screen.getByTestId("coh-count-agree")).toHaveAttribute("aria-pressed", "false");
    });
    window.history.back();
    await waitFor(() => {
      expect(screen.getByTestId("finding-type-select")).toHaveValue("");
    });
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/findings")?.searchParams.has("finding_type")).toBe(
        false,
      );
    });
    expect(lastRequest(requests, "/api/v1/findings")?.searchParams.has("status")).toBe(false);
  });
});
