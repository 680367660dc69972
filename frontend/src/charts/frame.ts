import { formatDayLabel } from "../lib/dates";
import { formatCompactMoney } from "../lib/money";
import { CHART_FONT_FAMILY } from "./tooltip";

/** The frame every daily cost chart shares: font, legend, grid and the two axes, so the
 * Overview, Anomalies and Forecasts charts look alike. */

export const CHART_BASE = {
  animationDuration: 300,
  textStyle: { fontFamily: CHART_FONT_FAMILY },
};

export const LEGEND_STYLE = {
  top: 0,
  left: 0,
  icon: "roundRect",
  itemWidth: 12,
  itemHeight: 12,
  textStyle: { color: "#334155", fontSize: 12 },
};

/** The plot area below the legend (`top` px), labels kept inside the chart's box. */
export function chartGrid(top: number) {
  return {
    top,
    left: 8,
    right: 16,
    bottom: 8,
    outerBoundsMode: "same" as const,
    outerBoundsContain: "axisLabel" as const,
  };
}

/** The x axis: one category a day, labelled "Mar 2". */
export function dayAxis(days: string[], boundaryGap = true) {
  return {
    type: "category" as const,
    data: days,
    boundaryGap,
    axisLabel: { color: "#64748b", formatter: (value: string) => formatDayLabel(value) },
    axisLine: { lineStyle: { color: "#cbd5e1" } },
    axisTick: { show: false },
  };
}

/** The y axis: money in `currency`, compact ("$1.2K"). */
export function moneyAxis(currency: string) {
  return {
    type: "value" as const,
    axisLabel: {
      color: "#64748b",
      formatter: (value: number) => formatCompactMoney(value, currency),
    },
    splitLine: { lineStyle: { color: "#e2e8f0" } },
  };
}

/** The first hovered point's field `key` from an axis tooltip's params (one or a list). */
function firstParam(params: unknown, key: "dataIndex" | "axisValue"): unknown {
  const first: unknown = Array.isArray(params) ? params[0] : params;
  return typeof first === "object" && first !== null && key in first
    ? (first as Record<string, unknown>)[key]
    : undefined;
}

/** The hovered day's index, or -1. */
export function dataIndex(params: unknown): number {
  const index = firstParam(params, "dataIndex");
  return typeof index === "number" ? index : -1;
}

/** The hovered category (a day), or `undefined`. */
export function axisValue(params: unknown): string | undefined {
  const value = firstParam(params, "axisValue");
  return typeof value === "string" ? value : undefined;
}
