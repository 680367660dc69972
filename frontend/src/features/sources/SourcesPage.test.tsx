import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { addressSearch, type FakeRoute, renderPage } from "../../test/fakeApi";
import { loadsFixture, qualityFixture, sourcesFixture } from "../../test/sourcesFixtures";
import { LOADS_PAGE_SIZE } from "./SourcesPage";

const api: FakeRoute = (url) => {
  switch (url.pathname) {
    case "/api/v1/sources":
      return { body: sourcesFixture };
    case "/api/v1/sources/loads":
      return { body: loadsFixture };
    case "/api/v1/sources/quality":
      return { body: qualityFixture };
    default:
      return undefined;
  }
};

function lastRequest(requests: URL[], path: string): URL | undefined {
  return requests.filter((url) => url.pathname === path).at(-1);
}

function row(rows: HTMLElement[], index: number) {
  const element = rows[index];
  if (element === undefined) {
    throw new Error(`no row ${index}`);
  }
  return within(element);
}

const restores: (() => void)[] = [];

/** Replaces a static of `URL` (jsdom has no object URLs) until the test ends. */
function stubUrl(name: "createObjectURL" | "revokeObjectURL", value: unknown) {
  const before = Object.getOwnPropertyDescriptor(URL, name);
  Object.defineProperty(URL, name, { configurable: true, writable: true, value });
  restores.push(() => {
    if (before === undefined) {
      Reflect.deleteProperty(URL, name);
    } else {
      Object.defineProperty(URL, name, before);
    }
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  restores.splice(0).forEach((restore) => {
    restore();
  });
});

describe("SourcesPage", () => {
  it("shows every source with its identity, periods, rows, cost per currency and quality", async () => {
    await renderPage("/sources", api);

    const rows = await screen.findAllByTestId("source-row");
    expect(rows).toHaveLength(3);
    expect(screen.getByTestId("sources-headline")).toHaveTextContent("3");
    expect(screen.getByTestId("sources-headline")).toHaveTextContent("4 data-quality findings");

    const cur = row(rows, 0);
    expect(cur.getByRole("button", { name: "cur2:cur-prod" })).toBeInTheDocument();
    expect(cur.getByText("export cur-prod")).toBeInTheDocument();
    expect(cur.getByText("cur2")).toBeInTheDocument();
    expect(cur.getByText("123456789012")).toBeInTheDocument();
    expect(cur.getByText("/exports/cur/cur-prod")).toBeInTheDocument();
    expect(cur.getByText("Feb 2026 – Mar 2026 (2)")).toBeInTheDocument();
    expect(cur.getByText("$18.33")).toBeInTheDocument();
    expect(cur.getByText("2026-12-03 04:35 UTC")).toBeInTheDocument();
    expect(cur.getByText("clean")).toHaveAttribute("data-tone", "success");

    // a source billed in two currencies shows both, never a sum
    const mixed = row(rows, 1);
    expect(mixed.getByText("€7.50")).toBeInTheDocument();
    expect(mixed.getByText("$30.00")).toBeInTheDocument();

    const sample = row(rows, 2);
    expect(sample.getByText("AWS, Microsoft, Oracle")).toBeInTheDocument();
    expect(sample.getByText("1234567890123")).toBeInTheDocument();
    expect(sample.getByText("+1 more")).toBeInTheDocument();
    expect(sample.queryByText("99999")).not.toBeInTheDocument();
    expect(sample.getByText("1,000")).toBeInTheDocument();
    expect(sample.getByText("$20.52")).toBeInTheDocument();
    expect(sample.getByText("4 findings")).toHaveAttribute("data-tone", "warning");
  });

  it("shows the latest loads with their status and error", async () => {
    const { requests } = await renderPage("/sources", api);

    const loads = await screen.findAllByTestId("load-row");
    expect(loads).toHaveLength(4);
    const succeeded = row(loads, 0);
    expect(succeeded.getByText("succeeded")).toHaveAttribute("data-tone", "success");
    expect(succeeded.getByText("Feb 2026")).toBeInTheDocument();
    expect(succeeded.getByText("$13.75")).toBeInTheDocument();
    const failed = row(loads, 1);
    expect(failed.getByText("failed")).toHaveAttribute("data-tone", "danger");
    expect(
      failed.getByText(
        "/exports/cur/cur-prod/data/BILLING_PERIOD=2026-01/cur-prod-00001.snappy.parquet: " +
          "not a readable parquet file",
      ),
    ).toBeVisible();
    const sample = row(loads, 3);
    expect(sample.getAllByText("999")).toHaveLength(2); // line items and rows
    expect(sample.getByText("$20.28")).toBeInTheDocument();
    expect(sample.getByText("2 rules")).toBeInTheDocument();

    const request = lastRequest(requests, "/api/v1/sources/loads");
    expect(request?.searchParams.get("limit")).toBe(String(LOADS_PAGE_SIZE));
    expect(request?.searchParams.get("offset")).toBe("0");
    expect(request?.searchParams.has("source_id")).toBe(false);
    expect(request?.searchParams.has("status")).toBe(false);
  });

  it("shows the data-quality findings and their example rows on demand", async () => {
    await renderPage("/sources", api);

    const findings = await screen.findAllByTestId("quality-row");
    expect(findings).toHaveLength(4);
    expect(screen.getByTestId("quality-total")).toHaveTextContent("4 findings · 14 line items");
    const first = row(findings, 0);
    expect(first.getByText("ContractedCost.not_null")).toBeInTheDocument();
    expect(first.getByText("column ContractedCost")).toBeInTheDocument();
    expect(first.getByText("error")).toHaveAttribute("data-tone", "danger");
    expect(first.getByText("Oct 2024")).toBeInTheDocument();
    expect(row(findings, 1).getByText("warning")).toHaveAttribute("data-tone", "warning");
    const september = row(findings, 2);
    expect(september.getByText("6")).toBeInTheDocument();
    expect(
      september.getByText("ContractedCost MUST NOT be null; the rows are kept with NULL"),
    ).toBeInTheDocument();
    expect(screen.queryByTestId("quality-examples")).not.toBeInTheDocument();

    const toggle = september.getByRole("button", { name: "Show 2 examples" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await userEvent.click(toggle);
    const examples = screen.getByTestId("quality-examples");
    const exampleRows = within(examples).getAllByRole("row");
    expect(exampleRows).toHaveLength(3); // header + two example rows
    expect(within(examples).getByRole("columnheader", { name: "resource_id" })).toBeVisible();
    expect(within(examples).getByText("ocid1.instance.oc1.iad.def")).toBeVisible();
    expect(within(examples).getByText("0.0612")).toBeVisible();
    expect(within(examples).getAllByText("NULL")).toHaveLength(2); // charge_description
    expect(toggle).toHaveAttribute("aria-expanded", "true");

    await userEvent.click(september.getByRole("button", { name: "Hide examples" }));
    expect(screen.queryByTestId("quality-examples")).not.toBeInTheDocument();
  });

  it("filters every table by source, kept in the address bar", async () => {
    const { requests } = await renderPage("/sources", api);
    await screen.findAllByTestId("source-row");

    await userEvent.selectOptions(screen.getByTestId("source-select"), "focus:focus_sample");
    expect(new URLSearchParams(window.location.search).get("source")).toBe("focus:focus_sample");
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/sources/loads")?.searchParams.get("source_id")).toBe(
        "focus:focus_sample",
      );
    });
    expect(lastRequest(requests, "/api/v1/sources/quality")?.searchParams.get("source_id")).toBe(
      "focus:focus_sample",
    );
    const rows = screen.getAllByTestId("source-row");
    expect(rows).toHaveLength(1);
    expect(row(rows, 0).getByRole("button", { name: "focus:focus_sample" })).toHaveAttribute(
      "aria-pressed",
      "true",
    );

    // the source's name toggles the filter off again
    await userEvent.click(row(rows, 0).getByRole("button", { name: "focus:focus_sample" }));
    expect(window.location.search).toBe("");
    expect(await screen.findAllByTestId("source-row")).toHaveLength(3);
  });

  it("opens with the filters of a shared link", async () => {
    const { requests } = await renderPage("/sources?source=cur2%3Acur-prod&status=failed", api);

    expect(await screen.findAllByTestId("source-row")).toHaveLength(1);
    expect(screen.getByTestId("source-select")).toHaveValue("cur2:cur-prod");
    expect(screen.getByTestId("load-status-select")).toHaveValue("failed");
    await screen.findAllByTestId("load-row");
    const loads = lastRequest(requests, "/api/v1/sources/loads");
    expect(loads?.searchParams.get("source_id")).toBe("cur2:cur-prod");
    expect(loads?.searchParams.get("status")).toBe("failed");
  });

  it("pages through the loads and filters the findings by severity", async () => {
    const many = { ...loadsFixture, count: 45 };
    const { requests } = await renderPage("/sources", (url) =>
      url.pathname === "/api/v1/sources/loads" ? { body: many } : api(url),
    );
    await screen.findAllByTestId("load-row");

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/sources/loads")?.searchParams.get("offset")).toBe(
        String(LOADS_PAGE_SIZE),
      );
    });
    expect(new URLSearchParams(window.location.search).get("offset")).toBe(
      String(LOADS_PAGE_SIZE),
    );

    await userEvent.selectOptions(screen.getByTestId("severity-select"), "warning");
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/sources/quality")?.searchParams.get("severity")).toBe(
        "warning",
      );
    });
    // a new status filter starts the log from its first page
    await userEvent.selectOptions(screen.getByTestId("load-status-select"), "succeeded");
    await waitFor(() => {
      expect(lastRequest(requests, "/api/v1/sources/loads")?.searchParams.get("status")).toBe(
        "succeeded",
      );
    });
    expect(lastRequest(requests, "/api/v1/sources/loads")?.searchParams.get("offset")).toBe("0");
  });

  it("downloads each table as CSV with exact amounts", async () => {
    const files: Blob[] = [];
    const names: string[] = [];
    stubUrl("createObjectURL", (blob: Blob) => {
      files.push(blob);
      return `blob:finops/${files.length}`;
    });
    stubUrl("revokeObjectURL", () => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });
    await renderPage("/sources", api);
    await screen.findAllByTestId("quality-row");

    for (const button of screen.getAllByRole("button", { name: /^Download/ })) {
      await userEvent.click(button);
    }
    expect(names).toEqual(["billing-sources.csv", "billing-loads.csv", "data-quality.csv"]);
    const [sources, loads, quality] = await Promise.all(files.map((file) => file.text()));
    const sourceLines = sources?.split("\r\n") ?? [];
    expect(sourceLines[0]).toBe(
      "source_id,source_format,provider_names,billing_account_ids,export_name,location," +
        "billing_periods,rows,billed_cost,last_loaded_at,quality_findings",
    );
    expect(sourceLines).toHaveLength(5); // header, three sources, the final line end
    expect(sourceLines[2]).toContain("2026-08;2026-09,6,7.5 EUR;30.000000000000003 USD,");
    expect(sourceLines[3]).toContain("1000,20.52022672899 USD,2026-12-03T04:35:38Z,4");
    expect(loads?.split("\r\n")[2]).toContain(
      "BILLING_PERIOD=2026-01/cur-prod-00001.snappy.parquet: not a readable parquet file",
    );
    const qualityLines = quality?.split("\r\n") ?? [];
    expect(qualityLines).toHaveLength(6);
    expect(qualityLines[3]).toMatch(
      /^focus:focus_sample,2024-09,error,ContractedCost\.not_null,ContractedCost,6,/,
    );
    expect(qualityLines[3]).toContain('""resource_id"":""ocid1.instance.oc1.iad.def""');
  });

  it("shows the API's message when a filter names no source", async () => {
    await renderPage("/sources", (url) =>
      url.pathname === "/api/v1/sources/loads"
        ? {
            status: 404,
            body: { detail: "source_id: no billing source named 'gone'; known: cur2:cur-prod" },
          }
        : api(url),
    );
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the ingest log");
    expect(alert).toHaveTextContent("source_id: no billing source named 'gone'");
  });

  it("restores the loads' page and the severity from the URL, and back undoes a filter", async () => {
    const many = { ...loadsFixture, count: 45 };
    const { requests } = await renderPage("/sources?offset=20&severity=warning", (url) =>
      url.pathname === "/api/v1/sources/loads" ? { body: many } : api(url),
    );
    await screen.findAllByTestId("load-row");
    expect(screen.getByTestId("severity-select")).toHaveValue("warning");
    expect(lastRequest(requests, "/api/v1/sources/loads")?.searchParams.get("offset")).toBe("20");
    expect(lastRequest(requests, "/api/v1/sources/quality")?.searchParams.get("severity")).toBe(
      "warning",
    );

    await userEvent.selectOptions(screen.getByTestId("load-status-select"), "failed");
    expect(addressSearch()).toEqual({ severity: "warning", status: "failed" });
    window.history.back();
    await waitFor(() => {
      expect(screen.getByTestId("load-status-select")).toHaveValue("");
    });
    expect(addressSearch()).toEqual({ offset: "20", severity: "warning" });
  });
});
