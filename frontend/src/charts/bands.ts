import type { LineSeriesOption } from "echarts/charts";

import { moneyToNumber } from "../lib/money";

/** A shaded range between two bounds, drawn as two stacked lines: an invisible base at the lower
 *  bound and a filled width on top of it. Cost is never negative, so the base is clamped at 0
 *  (a lower bound below zero only says that any cost down to zero is normal). */
export interface Band {
  base: (number | null)[];
  width: (number | null)[];
}

export function band(lower: readonly (string | null)[], upper: readonly (string | null)[]): Band {
  const base: (number | null)[] = [];
  const width: (number | null)[] = [];
  lower.forEach((low, index) => {
    const high = upper[index] ?? null;
    if (low === null || high === null) {
      base.push(null);
      width.push(null);
      return;
    }
    const bottom = Math.max(0, moneyToNumber(low));
    base.push(bottom);
    width.push(Math.max(0, moneyToNumber(high) - bottom));
  });
  return { base, width };
}

/** The two line series of a band; `name` is the visible (legend) one. */
export function bandSeries(name: string, stack: string, values: Band, color: string) {
  const hidden = { opacity: 0 };
  const base: LineSeriesOption = {
    type: "line",
    name: `${name} (base)`,
    stack,
    data: values.base,
    symbol: "none",
    lineStyle: hidden,
    silent: true,
    tooltip: { show: false },
  };
  const width: LineSeriesOption = {
    type: "line",
    name,
    stack,
    data: values.width,
    symbol: "none",
    lineStyle: hidden,
    areaStyle: { color },
    itemStyle: { color },
    silent: true,
  };
  return [base, width];
}
