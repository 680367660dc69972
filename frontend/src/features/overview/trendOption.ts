import type { SpendTrendPublic } from "../../api/client";
import { formatLongDate } from "../../lib/dates";
import { formatMoney, moneyToNumber, sumMoney } from "../../lib/money";
import type { ChartOption } from "../../charts/echarts";
import {
  CHART_BASE,
  chartGrid,
  dataIndex,
  dayAxis,
  LEGEND_STYLE,
  moneyAxis,
} from "../../charts/frame";
import { SERIES_COLORS } from "../../charts/colors";
import { tooltipHtml } from "../../charts/tooltip";

export { SERIES_COLORS } from "../../charts/colors";

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

/** A stacked daily bar chart, one series per dimension value, in the API's order. */
export function buildTrendOption(trend: SpendTrendPublic): ChartOption {
  return {
    color: SERIES_COLORS,
    ...CHART_BASE,
    legend: {
      type: "scroll",
      ...LEGEND_STYLE,
    },
    grid: chartGrid(44),
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      confine: true,
      formatter: (params) => trendTooltipHtml(trend, dataIndex(params)),
    },
    xAxis: dayAxis(trend.dates),
    yAxis: moneyAxis(trend.currency),
    series: trend.series.map((series) => ({
      type: "bar",
      name: series.key,
      stack: "cost",
      barMaxWidth: 28,
      data: series.points.map(moneyToNumber),
    })),
  };
}
