import type { ChartOption } from "../../charts/echarts";
import { CHART_BASE, chartGrid, dataIndex, LEGEND_STYLE, moneyAxis } from "../../charts/frame";
import { tooltipHtml } from "../../charts/tooltip";
import { formatLongDate, formatPeriod } from "../../lib/dates";
import { formatMoney, moneyToNumber, sumMoney } from "../../lib/money";
import { SERIES_COLORS } from "../../charts/colors";
import type { ExplorerPublic, ExplorerSeriesPublic } from "./types";

const OTHER_COLOR = "#94a3b8";

/** A group's name: its labels joined ("AmazonEC2 · us-east-1"); the total when ungrouped. */
export function groupName(labels: readonly string[]): string {
  return labels.length === 0 ? "Total" : labels.join(" · ");
}

function seriesColor(series: ExplorerSeriesPublic, index: number): string {
  return series.other ? OTHER_COLOR : (SERIES_COLORS[index % SERIES_COLORS.length] ?? OTHER_COLOR);
}

export const periodLabel = formatPeriod;

/** The tooltip for one period: every non-zero group, largest first, then the period's total. */
export function explorerTooltipHtml(view: ExplorerPublic, index: number): string {
  const period = view.periods[index];
  if (period === undefined) {
    return "";
  }
  const currency = view.currency ?? "USD";
  const rows = view.series
    .map((series, seriesIndex) => ({
      key: groupName(series.labels),
      cost: series.points[index] ?? "0",
      color: seriesColor(series, seriesIndex),
    }))
    .filter((row) => moneyToNumber(row.cost) !== 0)
    .sort((a, b) => moneyToNumber(b.cost) - moneyToNumber(a.cost));
  return tooltipHtml({
    title: view.granularity === "monthly" ? periodLabel(period, "monthly") : formatLongDate(period),
    rows: rows.map((row) => ({ key: row.key, value: formatMoney(row.cost, currency), color: row.color })),
    total: { key: "Total", value: formatMoney(sumMoney(rows.map((row) => row.cost)), currency) },
  });
}

/** A stacked bar per period, one series per top group (then "Other"), in the API's order. */
export function buildExplorerOption(view: ExplorerPublic): ChartOption {
  const granularity = view.granularity;
  return {
    ...CHART_BASE,
    legend: { type: "scroll", ...LEGEND_STYLE },
    grid: chartGrid(44),
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      confine: true,
      formatter: (params) => explorerTooltipHtml(view, dataIndex(params)),
    },
    xAxis: {
      type: "category",
      data: view.periods,
      axisLabel: { color: "#64748b", formatter: (value: string) => periodLabel(value, granularity) },
      axisLine: { lineStyle: { color: "#cbd5e1" } },
      axisTick: { show: false },
    },
    yAxis: moneyAxis(view.currency ?? "USD"),
    series: view.series.map((series, index) => ({
      type: "bar",
      name: series.other ? "Other" : groupName(series.labels),
      stack: "cost",
      barMaxWidth: granularity === "monthly" ? 64 : 28,
      itemStyle: { color: seriesColor(series, index) },
      cursor: series.other ? "default" : "pointer",
      data: series.points.map(moneyToNumber),
    })),
  };
}
