import type { SpendTrendPublic } from "../../api/client";
import { formatDayLabel, formatLongDate } from "../../lib/dates";
import { formatCompactMoney, formatMoney, moneyToNumber, sumMoney } from "../../lib/money";
import type { ChartOption } from "../../charts/echarts";
import { CHART_FONT_FAMILY, tooltipHtml } from "../../charts/tooltip";

export const SERIES_COLORS = [
  "#2563eb",
  "#0d9488",
  "#f59e0b",
  "#db2777",
  "#7c3aed",
  "#16a34a",
  "#ea580c",
  "#0891b2",
  "#64748b",
  "#a16207",
];

/** The tooltip for one day: every non-zero series, largest first, then the day's total. */
export function trendTooltipHtml(trend: SpendTrendPublic, dayIndex: number): string {
  const date = trend.dates[dayIndex];
  if (date === undefined) {
    return "";
  }
  const rows = trend.series
    .map((series, seriesIndex) => ({
      key: series.key,
      cost: series.points[dayIndex] ?? "0",
      color: SERIES_COLORS[seriesIndex % SERIES_COLORS.length] ?? "#64748b",
    }))
    .filter((row) => moneyToNumber(row.cost) !== 0)
    .sort((a, b) => moneyToNumber(b.cost) - moneyToNumber(a.cost));
  const total = sumMoney(rows.map((row) => row.cost));
  return tooltipHtml({
    title: formatLongDate(date),
    rows: rows.map((row) => ({
      key: row.key,
      value: formatMoney(row.cost, trend.currency),
      color: row.color,
    })),
    total: { key: "Total", value: formatMoney(total, trend.currency) },
  });
}

function firstDataIndex(params: unknown): number {
  const first: unknown = Array.isArray(params) ? params[0] : params;
  if (typeof first === "object" && first !== null && "dataIndex" in first) {
    const { dataIndex } = first;
    if (typeof dataIndex === "number") {
      return dataIndex;
    }
  }
  return -1;
}

/** A stacked daily bar chart, one series per dimension value, in the API's order. */
export function buildTrendOption(trend: SpendTrendPublic): ChartOption {
  return {
    color: SERIES_COLORS,
    animationDuration: 300,
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    legend: {
      type: "scroll",
      top: 0,
      left: 0,
      icon: "roundRect",
      itemWidth: 12,
      itemHeight: 12,
      textStyle: { color: "#334155", fontSize: 12 },
    },
    grid: {
      top: 44,
      left: 8,
      right: 16,
      bottom: 8,
      outerBoundsMode: "same",
      outerBoundsContain: "axisLabel",
    },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      confine: true,
      formatter: (params) => trendTooltipHtml(trend, firstDataIndex(params)),
    },
    xAxis: {
      type: "category",
      data: trend.dates,
      axisLabel: { color: "#64748b", formatter: (value: string) => formatDayLabel(value) },
      axisLine: { lineStyle: { color: "#cbd5e1" } },
      axisTick: { show: false },
    },
    yAxis: {
      type: "value",
      axisLabel: {
        color: "#64748b",
        formatter: (value: number) => formatCompactMoney(value, trend.currency),
      },
      splitLine: { lineStyle: { color: "#e2e8f0" } },
    },
    series: trend.series.map((series) => ({
      type: "bar",
      name: series.key,
      stack: "cost",
      barMaxWidth: 28,
      data: series.points.map(moneyToNumber),
    })),
  };
}
