import { describe, expect, it } from "vitest";

import { toCsv } from "../../lib/csv";
import { cumulativeFixture, measurementDetailFixture, rollupLine } from "../../test/savingsFixtures";
import { buildBeforeAfterOption, windowsOf } from "./beforeAfterOption";
import { realizedSeries } from "./realizedOption";
import { changeLabel, formatRate, rollupCsv } from "./savings";
import { validateSavingsSearch } from "./search";

describe("savings helpers", () => {
  it("formats the realization rate from the exact ratio", () => {
    expect(formatRate("0.9742857142857142857142857143")).toBe("97.4%");
    expect(formatRate("1.25")).toBe("125.0%");
    expect(formatRate(null)).toBe("n/a");
  });

  it("labels a change by its action, or as a fix outside the platform", () => {
    expect(changeLabel({ action: "resize_instance" })).toBe("Resize instance");
    expect(changeLabel({ action: null })).toBe("Fixed outside the platform");
  });

  it("writes a rollup as CSV with every figure exact", () => {
    const csv = toCsv(rollupCsv("cost_center"), [rollupLine("CC-1001"), rollupLine("unallocated", { realization_rate: null })]);
    expect(csv.split("\r\n")).toEqual([
      "cost_center,measurements,realized_effective,realized_list,estimated,realization_rate,spend,share_of_spend",
      "CC-1001,1,88.00,96.00,90.3225806451612903225806451,0.9742857142857142857142857143,,",
      "unallocated,1,88.00,96.00,90.3225806451612903225806451,,,",
      "",
    ]);
  });

  it("keeps only valid filters from the address bar", () => {
    expect(validateSavingsSearch({ status: "confirmed", confidence: "low", id: "12", offset: "25" })).toEqual({
      status: "confirmed",
      confidence: "low",
      account: undefined,
      action: undefined,
      offset: 25,
      id: 12,
    });
    expect(validateSavingsSearch({ status: "done", confidence: "sure", id: "-1" })).toMatchObject({
      status: undefined,
      confidence: undefined,
      id: undefined,
    });
  });
});

describe("savings charts", () => {
  it("puts the monthly bars beside the running total", () => {
    const months = [rollupLine("2026-03"), rollupLine("2026-04", { realized_effective: "44.00", realized_list: "48.00", estimated: "46.67" })];
    expect(realizedSeries(months, cumulativeFixture.data)).toEqual({
      months: ["2026-03", "2026-04"],
      realized: [88, 44],
      realizedList: [96, 48],
      estimated: [Number("90.3225806451612903225806451"), 46.67],
      cumulative: [88, 132],
    });
  });

  it("marks the baseline and after windows and the change day on the before/after chart", () => {
    const m = measurementDetailFixture();
    expect(windowsOf(m)).toEqual({
      baseline: ["2026-02-25", "2026-03-10"],
      change: "2026-03-11",
      after: ["2026-03-12", "2026-03-14"],
    });
    const option = buildBeforeAfterOption(m);
    const series = option.series as { name: string; data: number[]; markArea?: { data: unknown[] }; markLine?: { data: unknown[] } }[];
    expect(series.map((s) => s.name)).toEqual(["Effective cost", "List cost"]);
    expect(series[0]?.data).toEqual([2.4, 2.4, 1.2, 0, 0, 0]);
    expect(series[0]?.markArea?.data).toEqual([
      [{ name: "Baseline: $2.40/day", xAxis: "2026-02-25" }, { xAxis: "2026-03-10" }],
      [{ name: "After: $0.00/day", xAxis: "2026-03-12" }, { xAxis: "2026-03-14" }],
    ]);
    expect(series[0]?.markLine?.data).toEqual([{ xAxis: "2026-03-11" }]);
  });

  it("marks only the baseline while the measurement awaits its bills", () => {
    const option = buildBeforeAfterOption(measurementDetailFixture({ after_end: null, after_daily_effective: null }));
    const [effective] = option.series as { markArea: { data: unknown[] } }[];
    expect(effective?.markArea.data).toHaveLength(1);
  });
});
