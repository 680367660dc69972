import type { ChartOption } from "../../charts/echarts";
import { CHART_BASE, chartGrid, LEGEND_STYLE } from "../../charts/frame";
import { formatPeriod as periodLabel } from "../../lib/dates";
import type { PeriodCoverage } from "./commitments";
import type { UtilizationPublic } from "./types";

/** Utilization (one line per commitment type) and coverage (across services) in percent, by
 * period; a period without a figure leaves a gap. */
export function buildCommitmentsOption(
  utilization: readonly UtilizationPublic[],
  coverage: readonly PeriodCoverage[],
  granularity: "daily" | "monthly",
): ChartOption {
  const periods = [...new Set([...utilization.map((u) => u.period), ...coverage.map((c) => c.period)])].sort();
  const types = [...new Set(utilization.map((u) => u.commitment_type))].sort();
  const utilizationSeries = types.map((type) => {
    const byPeriod = new Map(
      utilization.filter((u) => u.commitment_type === type).map((u) => [u.period, u.utilization_pct]),
    );
    return {
      type: "line" as const,
      name: `${type} utilization`,
      connectNulls: false,
      data: periods.map((p) => {
        const value = byPeriod.get(p);
        return value === undefined || value === null ? null : Number(value);
      }),
    };
  });
  const coverageByPeriod = new Map(coverage.map((c) => [c.period, c.pct]));
  return {
    ...CHART_BASE,
    color: ["#2563eb", "#7c3aed", "#0d9488"],
    legend: { type: "scroll", ...LEGEND_STYLE },
    grid: chartGrid(44),
    tooltip: { trigger: "axis", valueFormatter: (value) => (typeof value === "number" ? `${value.toFixed(1)}%` : "n/a") },
    xAxis: {
      type: "category",
      data: periods,
      axisLabel: { color: "#64748b", formatter: (value: string) => periodLabel(value, granularity) },
    },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { color: "#64748b", formatter: "{value}%" } },
    series: [
      ...utilizationSeries,
      {
        type: "line",
        name: "Coverage",
        lineStyle: { type: "dashed" },
        data: periods.map((p) => coverageByPeriod.get(p) ?? null),
      },
    ],
  };
}
