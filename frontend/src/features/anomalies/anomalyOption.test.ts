import { describe, expect, it } from "vitest";

import { anomalyDetailFixture } from "../../test/intelligenceFixtures";
import { buildAnomalyOption, anomalyTooltipHtml } from "./anomalyOption";
import { band } from "../../charts/bands";

describe("band", () => {
  it("is the lower bound (never below zero) plus the width to the upper bound", () => {
    expect(band(["10", "-3", null], ["14.5", "2", "5"])).toEqual({
      base: [10, 0, null],
      width: [4.5, 2, null],
    });
  });
});

describe("buildAnomalyOption", () => {
  it("draws actual bars, red on the incident, against the expected line and its range", () => {
    const option = buildAnomalyOption(anomalyDetailFixture);
    expect(option.xAxis).toMatchObject({
      data: ["2026-03-18", "2026-03-19", "2026-03-20", "2026-03-21"],
    });
    const series = option.series as { name: string; data: unknown[] }[];
    expect(series.map((s) => s.name)).toEqual([
      "Normal range (base)",
      "Normal range",
      "Actual",
      "Expected",
    ]);
    expect(series[0]?.data).toEqual([null, 0, 17.41, 17.5]);
    expect(series[1]?.data).toEqual([null, 22.3, 21.91 - 17.41, 22.3 - 17.5]);
    expect(series[3]?.data).toEqual([null, 19.9, 19.66, 19.9]);
    const bars = series[2]?.data as { value: number; itemStyle: { color: string } }[];
    expect(bars.map((b) => b.value)).toEqual([20.1, 20.1, 216.4358, 20.1]);
    expect(bars.map((b) => b.itemStyle.color)).toEqual([
      "#64748b",
      "#64748b",
      "#dc2626",
      "#64748b",
    ]);
  });
});

describe("anomalyTooltipHtml", () => {
  it("shows the day's actual, expected and normal range", () => {
    const html = anomalyTooltipHtml(anomalyDetailFixture, 2);
    expect(html).toContain("Mar 20, 2026");
    expect(html).toContain("$216.44");
    expect(html).toContain("$17.41 – $21.91");
    expect(html).toContain("Anomalous");
    expect(anomalyTooltipHtml(anomalyDetailFixture, 0)).toContain("not judged");
    expect(anomalyTooltipHtml(anomalyDetailFixture, 9)).toBe("");
  });
});
