import { describe, expect, it } from "vitest";

import { trendFixture } from "../../test/fixtures";
import { buildTrendOption, trendTooltipHtml } from "./trendOption";

describe("buildTrendOption", () => {
  it("stacks one bar series per key with numeric points", () => {
    const option = buildTrendOption(trendFixture("region_id", ["us-east-1", "eu-west-1"]));
    const series = option.series;
    expect(Array.isArray(series)).toBe(true);
    expect(series).toMatchObject([
      { type: "bar", name: "us-east-1", stack: "cost", data: [10, 10, 10] },
      { type: "bar", name: "eu-west-1", stack: "cost", data: [20, 20, 20] },
    ]);
    expect(option.xAxis).toMatchObject({ data: ["2025-03-01", "2025-03-02", "2025-03-03"] });
  });
});

describe("trendTooltipHtml", () => {
  it("lists the day's costs largest first with an exact total", () => {
    const trend = trendFixture("service_name", ["S3", "EC2"]);
    trend.series[0] = { key: "S3", total: "0.3", points: ["0.1", "0.1", "0.1"] };
    trend.series[1] = { key: "EC2", total: "0.6", points: ["0.2", "0.2", "0.2"] };
    const html = trendTooltipHtml(trend, 1);
    expect(html).toContain("Mar 2, 2025");
    expect(html.indexOf("EC2")).toBeLessThan(html.indexOf("S3"));
    expect(html).toMatch(/>Total<\/span><span [^>]*data-tooltip-value>\$0\.30</);
  });

  it("escapes series keys", () => {
    const html = trendTooltipHtml(trendFixture("tag", ['<img src=x onerror="alert(1)">']), 0);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("is empty outside the date range", () => {
    expect(trendTooltipHtml(trendFixture("service_name", ["S3"]), 7)).toBe("");
  });
});
