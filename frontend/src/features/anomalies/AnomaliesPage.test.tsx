import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { AnomalyPublic } from "../../api/client";
import { addressSearch, type FakeCall, type FakeRoute, renderPage } from "../../test/fakeApi";
import { anomaliesFixture, anomaly, anomalyDetailFixture } from "../../test/intelligenceFixtures";
import { ANOMALIES_PAGE_SIZE } from "./AnomaliesPage";

const DETAIL = "/api/v1/anomalies/a1";

/** A fake API that applies status changes, so refetched lists and details show them. */
function statefulApi() {
  let status: AnomalyPublic["status"] = "open";
  let note: string | null = null;
  const route: FakeRoute = (url, call?: FakeCall) => {
    if (call?.method === "POST" && url.pathname === `${DETAIL}/status`) {
      const body = call.body as { status: AnomalyPublic["status"]; note: string | null };
      status = body.status;
      note = body.note;
      return { body: anomaly({ status, status_note: note }) };
    }
    switch (url.pathname) {
      case "/api/v1/anomalies":
        return {
          body: {
            ...anomaliesFixture,
            data: [anomaliesFixture.data[0], anomaly({ status, status_note: note })],
          },
        };
      case DETAIL:
        return { body: { ...anomalyDetailFixture, status, status_note: note } };
      default:
        return undefined;
    }
  };
  return route;
}

function lastRequest(requests: URL[], path: string): URL | undefined {
  return requests.filter((url) => url.pathname === path).at(-1);
}

describe("AnomaliesPage", () => {
  it("lists incidents with severity, scope, impact and status", async () => {
    await renderPage("/anomalies", statefulApi());

    const rows = await screen.findAllByTestId("anomaly-row");
    expect(rows.map((row) => row.dataset["fingerprint"])).toEqual(["a2", "a1"]);
    const first = within(rows[0] as HTMLElement);
    expect(first.getByText("medium")).toHaveAttribute("data-tone", "warning");
    expect(first.getByText("222222222222 · Amazon Relational Database Service")).toBeInTheDocument();
    expect(first.getByText("Account × service")).toBeInTheDocument();
    expect(first.getByText("$60.51 (201.97%)")).toBeInTheDocument();
    expect(first.getByText("Acknowledged")).toHaveAttribute("data-tone", "info");
    expect(first.getByText("Resource · 97.3%")).toBeInTheDocument();
    const second = within(rows[1] as HTMLElement);
    expect(second.getByText("high")).toHaveAttribute("data-tone", "danger");
    expect(second.getByText("Mar 20, 2026")).toBeInTheDocument();
    expect(second.getByText("$216.44")).toBeInTheDocument();
    expect(second.getByText("$19.66")).toBeInTheDocument();
    expect(second.getByText("i-batch-0001")).toBeInTheDocument();
    expect(screen.getByTestId("anomalies-total")).toHaveTextContent("2 incidents");
  });

  it("asks for incidents that need attention, a page at a time, and filters", async () => {
    const { requests } = await renderPage("/anomalies", statefulApi());
    await screen.findAllByTestId("anomaly-row");
    const list = lastRequest(requests, "/api/v1/anomalies");
    expect(list?.searchParams.getAll("status")).toEqual(["open", "acknowledged"]);
    expect(list?.searchParams.get("limit")).toBe(String(ANOMALIES_PAGE_SIZE));
    expect(list?.searchParams.has("severity")).toBe(false);

    await userEvent.selectOptions(screen.getByTestId("anomaly-severity-select"), "high");
    await userEvent.selectOptions(screen.getByTestId("anomaly-scope-select"), "resource");
    await userEvent.selectOptions(screen.getByTestId("anomaly-status-select"), "All statuses");
    await userEvent.type(screen.getByTestId("anomaly-start"), "2026-03-21");
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/anomalies")?.searchParams.get("start")).toBe(
        "2026-03-21",
      );
    });
    const filtered = lastRequest(requests, "/api/v1/anomalies");
    expect(filtered?.searchParams.getAll("severity")).toEqual(["high"]);
    expect(filtered?.searchParams.get("scope_kind")).toBe("resource");
    expect(filtered?.searchParams.has("status")).toBe(false);
    expect(filtered?.searchParams.has("end")).toBe(false);
  });

  it("shows the selected incident's root cause and daily chart", async () => {
    const { requests } = await renderPage("/anomalies", statefulApi());
    expect(await screen.findByText(/Select an incident/)).toBeInTheDocument();
    expect(requests.some((url) => url.pathname === DETAIL)).toBe(false);

    const rows = await screen.findAllByTestId("anomaly-row");
    await userEvent.click(rows[1] as HTMLElement);

    const detail = await screen.findByTestId("anomaly-detail");
    expect(detail).toHaveAttribute("data-fingerprint", "a1");
    expect(rows[1]).toHaveAttribute("aria-selected", "true");
    const causes = within(detail).getAllByTestId("root-cause-row");
    expect(causes).toHaveLength(2);
    expect(within(causes[0] as HTMLElement).getByText("i-batch-0001")).toBeInTheDocument();
    expect(within(causes[1] as HTMLElement).getByText("Usage type")).toBeInTheDocument();
    expect(within(detail).getByText("$196.78 (1000.92%)")).toBeInTheDocument();
    expect(within(detail).getByTestId("related-scopes")).toHaveTextContent(
      "Also seen in 1 other scope: Account 333333333333",
    );
    const chart = within(detail).getByTestId("anomaly-chart");
    await waitFor(() => {
      expect(chart.querySelector("svg")).not.toBeNull();
    });
    expect(within(chart).getByText("Normal range")).toBeInTheDocument();
    expect(within(chart).getByText("Expected")).toBeInTheDocument();
    const usage = within(detail).getByTestId("usage-incident-row");
    expect(within(usage).getByTestId("usage-incident-resource")).toHaveTextContent("i-batch-0001");
    expect(within(usage).getByTestId("usage-incident-resource")).toHaveAttribute(
      "href",
      "/resources?id=i-batch-0001",
    );
    expect(within(usage).getByText("Pinned")).toBeInTheDocument();
    expect(within(usage).getByText("2026-03-20 02:00 – 2026-03-20 05:00 UTC (3 h)")).toBeInTheDocument();
    expect(within(usage).getByTestId("usage-incident-peak")).toHaveTextContent("100.0% / 38.5%");
    const spark = within(usage).getByTestId("usage-incident-sparkline");
    expect(spark).toHaveAttribute("data-points", "5");
    expect(spark).toHaveAttribute("aria-label", "CPUUtilization of i-batch-0001 per hour, 3 hours in the incident");
  });

  it("acknowledges, resolves or marks false positive through the API", async () => {
    const { calls } = await renderPage("/anomalies", statefulApi());
    const rows = await screen.findAllByTestId("anomaly-row");
    await userEvent.click(rows[1] as HTMLElement);
    const detail = await screen.findByTestId("anomaly-detail");
    expect(within(detail).queryByTestId("anomaly-action-open")).toBeNull();

    await userEvent.type(within(detail).getByTestId("anomaly-note"), "batch rerun");
    await userEvent.click(within(detail).getByTestId("anomaly-action-acknowledged"));

    await waitFor(() => {
      expect(screen.getByTestId("anomaly-detail-status")).toHaveTextContent("Acknowledged");
    });
    const posts = calls.filter((call) => call.method === "POST");
    expect(posts.map((call) => [call.url.pathname, call.body])).toEqual([
      [`${DETAIL}/status`, { status: "acknowledged", note: "batch rerun" }],
    ]);
    // the list is read again and shows the new status
    await waitFor(() => {
      const updated = screen.getAllByTestId("anomaly-row")[1] as HTMLElement;
      expect(within(updated).getByText("Acknowledged")).toBeInTheDocument();
    });
    expect(within(detail).getByTestId("anomaly-note")).toHaveValue("");

    await userEvent.click(screen.getByTestId("anomaly-action-false_positive"));
    await waitFor(() => {
      expect(screen.getByTestId("anomaly-detail-status")).toHaveTextContent("False positive");
    });
    expect(calls.filter((call) => call.method === "POST").at(-1)?.body).toEqual({
      status: "false_positive",
      note: null,
    });
    expect(screen.getByTestId("anomaly-action-open")).toHaveTextContent("Reopen");
  });

  it("shows the API's message when a status change is refused", async () => {
    await renderPage("/anomalies", (url, call) =>
      call?.method === "POST"
        ? { status: 404, body: { detail: "no anomaly with fingerprint 'a1'" } }
        : statefulApi()(url, call),
    );
    const rows = await screen.findAllByTestId("anomaly-row");
    await userEvent.click(rows[1] as HTMLElement);
    await userEvent.click(await screen.findByTestId("anomaly-action-resolved"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not change the status");
    expect(alert).toHaveTextContent("no anomaly with fingerprint 'a1'");
  });

  it("opens the filters and the selected incident a link names", async () => {
    const { requests } = await renderPage(
      "/anomalies?status=all&severity=high&scope=resource&start=2026-03-01&end=2026-03-31&anomaly=a1",
      statefulApi(),
    );
    const detail = await screen.findByTestId("anomaly-detail");
    expect(detail).toHaveAttribute("data-fingerprint", "a1");
    const rows = await screen.findAllByTestId("anomaly-row");
    expect(rows[1]).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("anomaly-status-select")).toHaveValue("all");
    expect(screen.getByTestId("anomaly-severity-select")).toHaveValue("high");
    expect(screen.getByTestId("anomaly-scope-select")).toHaveValue("resource");
    expect(screen.getByTestId("anomaly-start")).toHaveValue("2026-03-01");
    expect(screen.getByTestId("anomaly-end")).toHaveValue("2026-03-31");
    const lists = requests.filter((url) => url.pathname === "/api/v1/anomalies");
    expect(lists).toHaveLength(1);
    expect(Object.fromEntries(lists[0]?.searchParams ?? [])).toEqual({
      severity: "high",
      scope_kind: "resource",
      start: "2026-03-01",
      end: "2026-03-31",
      limit: String(ANOMALIES_PAGE_SIZE),
      offset: "0",
    });
    expect(requests.some((url) => url.pathname === DETAIL)).toBe(true);
  });

  it("keeps the selected incident in the URL, and back returns to the one before", async () => {
    await renderPage("/anomalies", statefulApi());
    const rows = await screen.findAllByTestId("anomaly-row");
    await userEvent.click(rows[1] as HTMLElement);
    expect(addressSearch()).toEqual({ anomaly: "a1" });
    await userEvent.selectOptions(screen.getByTestId("anomaly-severity-select"), "medium");
    expect(addressSearch()).toEqual({ anomaly: "a1", severity: "medium" });

    window.history.back();
    await waitFor(() => {
      expect(screen.getByTestId("anomaly-severity-select")).toHaveValue("");
    });
    expect((await screen.findByTestId("anomaly-detail")).dataset["fingerprint"]).toBe("a1");
    window.history.back();
    expect(await screen.findByText(/Select an incident/)).toBeInTheDocument();
    expect(window.location.search).toBe("");
  });
});
