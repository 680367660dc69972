import type { UtilizationDayPublic } from "../../api/client";
import type { ChartOption } from "../../charts/echarts";
import { CHART_BASE, chartGrid, dataIndex, dayAxis, LEGEND_STYLE } from "../../charts/frame";
import { tooltipHtml } from "../../charts/tooltip";
import { formatLongDate } from "../../lib/dates";

const COLORS = ["#2563eb", "#7c3aed", "#0891b2", "#ea580c"];

/** One line per metric and statistic ("CPUUtilization average"), one point a day. */
export interface UtilizationLine {
  name: string;
  color: string;
  dashed: boolean;
  values: (number | null)[];
}

export interface UtilizationSeries {
  days: string[];
  lines: UtilizationLine[];
}

function formatValue(value: number | null): string {
  return value === null ? "no data" : value.toFixed(2);
}

/** The evidence's utilization rows as lines over the days they cover, in day order. */
export function utilizationSeries(rows: readonly UtilizationDayPublic[]): UtilizationSeries {
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const metrics = [...new Set(rows.map((r) => r.metric))].sort();
  const lines = metrics.flatMap((metric, index): UtilizationLine[] => {
    const color = COLORS[index % COLORS.length] ?? "#2563eb";
    const byDay = new Map(rows.filter((r) => r.metric === metric).map((r) => [r.day, r]));
    return [
      {
        name: `${metric} average`,
        color,
        dashed: false,
        values: days.map((day) => byDay.get(day)?.average ?? null),
      },
      {
        name: `${metric} maximum`,
        color,
        dashed: true,
        values: days.map((day) => byDay.get(day)?.maximum ?? null),
      },
    ];
  });
  return { days, lines };
}

/** The resource's daily utilization (average solid, maximum dashed) over the evidence window. */
export function buildUtilizationOption(rows: readonly UtilizationDayPublic[]): ChartOption {
  const { days, lines } = utilizationSeries(rows);
  return {
    ...CHART_BASE,
    legend: { data: lines.map((l) => l.name), ...LEGEND_STYLE },
    grid: chartGrid(40),
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params) => {
        const index = dataIndex(params);
        const day = days[index];
        if (day === undefined) {
          return "";
        }
        return tooltipHtml({
          title: formatLongDate(day),
          rows: lines.map((l) => ({ key: l.name, value: formatValue(l.values[index] ?? null), color: l.color })),
        });
      },
    },
    xAxis: dayAxis(days, false),
    yAxis: {
      type: "value",
      min: 0,
      axisLabel: { color: "#64748b" },
      splitLine: { lineStyle: { color: "#e2e8f0" } },
    },
    series: lines.map((line) => ({
      type: "line",
      name: line.name,
      symbol: "none",
      connectNulls: false,
      lineStyle: { color: line.color, width: 2, type: line.dashed ? "dashed" : "solid" },
      itemStyle: { color: line.color },
      data: line.values,
    })),
  };
}
