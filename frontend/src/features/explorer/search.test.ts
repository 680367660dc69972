import { describe, expect, it } from "vitest";

import { parseSearch, stringifySearch } from "../../app/search";
import { explorerFixture } from "../../test/explorerFixtures";
import { explorerCsvUrl } from "./queries";
import { matchingPreset, presetRange } from "./range";
import { addFilter, apiQuery, drillDown, filterEntries, removeFilter, validateExplorerSearch } from "./search";
import { explorerTooltipHtml, periodLabel } from "./explorerOption";

const URL_QUERY =
  "start=2026-01-01&end=2026-03-31&granularity=daily&group_by=service_name&group_by=tag:team" +
  "&service_name=AmazonEC2&tag=team:data&metric=billed_cost";

describe("Explorer URL state", () => {
  it("reads the contract's query string and writes it back unchanged", () => {
    const search = validateExplorerSearch(parseSearch(URL_QUERY));
    expect(search).toMatchObject({
      start: "2026-01-01",
      end: "2026-03-31",
      granularity: "daily",
      group_by: ["service_name", "tag:team"],
      service_name: ["AmazonEC2"],
      tag: ["team:data"],
      metric: "billed_cost",
    });
    const params = new URLSearchParams(stringifySearch(search as Record<string, unknown>));
    expect(params.getAll("group_by")).toEqual(["service_name", "tag:team"]);
    expect(params.get("tag")).toBe("team:data");
    expect(apiQuery(search)).toEqual({
      start: "2026-01-01",
      end: "2026-03-31",
      granularity: "daily",
      metric: "billed_cost",
      group_by: ["service_name", "tag:team"],
      service_name: ["AmazonEC2"],
      tag: ["team:data"],
    });
  });

  it("ignores what is malformed: a third grouping, unknown dimensions, bad dates, a tag without a key", () => {
    const search = validateExplorerSearch(
      parseSearch("group_by=region_id&group_by=bogus&group_by=account_id&group_by=service_name&start=2026-13-01&tag=nokey&granularity=hourly"),
    );
    expect(search.group_by).toEqual(["region_id", "account_id"]);
    expect(search.start).toBeUndefined();
    expect(search.tag).toBeUndefined();
    expect(search.granularity).toBeUndefined();
  });

  it("adds and removes filters, an empty value meaning missing", () => {
    let search = addFilter({}, "account_id", "111111111111");
    search = addFilter(search, "tag:team", "");
    search = addFilter(search, "account_id", "222222222222");
    expect(filterEntries(search)).toEqual([
      { dimension: "account_id", value: "111111111111" },
      { dimension: "account_id", value: "222222222222" },
      { dimension: "tag:team", value: "" },
    ]);
    expect(new URLSearchParams(stringifySearch(search as Record<string, unknown>)).toString()).toBe(
      "account_id=111111111111&account_id=222222222222&tag=team%3A",
    );
    search = removeFilter(search, { dimension: "tag:team", value: "" });
    expect(search.tag).toBeUndefined();
  });

  it("drills into a group: its keys become filters and the next dimension groups", () => {
    expect(drillDown({ group_by: ["service_name"] }, ["AmazonEC2"])).toEqual({
      service_name: ["AmazonEC2"],
      group_by: ["usage_type"],
    });
    expect(drillDown({ group_by: ["account_id"] }, ["111111111111"])).toEqual({
      account_id: ["111111111111"],
      group_by: ["service_name"],
    });
    expect(drillDown({ group_by: ["region_id", "tag:team"], service_name: ["AmazonS3"] }, ["us-east-1", null])).toEqual({
      service_name: ["AmazonS3"],
      region_id: ["us-east-1"],
      tag: ["team:"],
      group_by: ["account_id"],
    });
    // a dimension already filtered to several values narrows to the clicked one
    expect(drillDown({ group_by: ["service_name"], service_name: ["AmazonEC2", "AmazonS3"] }, ["AmazonS3"])).toEqual({
      service_name: ["AmazonS3"],
      group_by: ["usage_type"],
    });
    // ungrouped: nothing to drill into
    expect(drillDown({}, [])).toEqual({});
  });

  it("builds the CSV download address from the same parameters", () => {
    const search = validateExplorerSearch(parseSearch(URL_QUERY));
    expect(explorerCsvUrl(search)).toBe(
      "/api/v1/explorer?start=2026-01-01&end=2026-03-31&granularity=daily&metric=billed_cost" +
        "&group_by=service_name&group_by=tag%3Ateam&tag=team%3Adata&service_name=AmazonEC2&format=csv",
    );
  });
});

describe("Explorer date presets and chart", () => {
  it("counts presets back from the last day with data", () => {
    expect(presetRange("3m", "2025-03-03")).toEqual({ start: "2025-01-01", end: "2025-03-03" });
    expect(presetRange("30d", "2025-03-03")).toEqual({ start: "2025-02-02", end: "2025-03-03" });
    expect(presetRange("12m", "2025-03-03")).toEqual({ start: "2024-04-01", end: "2025-03-03" });
    expect(presetRange("ytd", "2025-03-03")).toEqual({ start: "2025-01-01", end: "2025-03-03" });
    expect(matchingPreset({ start: "2025-03-01", end: "2025-03-03" }, "2025-03-03")).toBe("mtd");
    expect(matchingPreset({ start: "2025-03-02", end: "2025-03-03" }, "2025-03-03")).toBeUndefined();
  });

  it("labels periods and totals a period in the tooltip", () => {
    expect(periodLabel("2025-02-01", "monthly")).toBe("Feb 2025");
    expect(periodLabel("2025-02-07", "daily")).toBe("Feb 7");
    const html = explorerTooltipHtml(explorerFixture, 1);
    expect(html).toContain("Feb 2025");
    expect(html).toContain("$500.01");
    expect(html).toContain("$572.01");
  });
});
