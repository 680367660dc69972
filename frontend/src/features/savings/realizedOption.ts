import type { SavingsCumulativePublic, SavingsRollupLinePublic } from "../../api/client";
import type { ChartOption } from "../../charts/echarts";
import { CHART_BASE, chartGrid, dataIndex, LEGEND_STYLE, moneyAxis } from "../../charts/frame";
import { tooltipHtml } from "../../charts/tooltip";
import { formatBillingPeriod } from "../../lib/dates";
import { formatMoney, moneyToNumber } from "../../lib/money";

export const REALIZED_COLOR = "#16a34a";
export const LIST_COLOR = "#0891b2";
export const ESTIMATED_COLOR = "#94a3b8";
export const CUMULATIVE_COLOR = "#2563eb";

/** One month's bars and the running total, as numbers for the chart. */
export interface RealizedSeries {
  months: string[];
  realized: number[];
  realizedList: number[];
  estimated: number[];
  cumulative: (number | null)[];
}

export function realizedSeries(
  months: readonly SavingsRollupLinePublic[],
  cumulative: SavingsCumulativePublic["data"],
): RealizedSeries {
  const running = new Map(cumulative.map((c) => [c.month, c.cumulative]));
  return {
    months: months.map((m) => m.key),
    realized: months.map((m) => moneyToNumber(m.realized_effective)),
    realizedList: months.map((m) => moneyToNumber(m.realized_list)),
    estimated: months.map((m) => moneyToNumber(m.estimated)),
    cumulative: months.map((m) => {
      const value = running.get(m.key);
      return value === undefined ? null : moneyToNumber(value);
    }),
  };
}

/** Realized savings (effective and list cost) beside the estimate, month by month, with the
 * cumulative realized savings as a line. */
export function buildRealizedOption(
  months: readonly SavingsRollupLinePublic[],
  cumulative: SavingsCumulativePublic["data"],
  currency: string,
): ChartOption {
  const s = realizedSeries(months, cumulative);
  const names = {
    realized: "Realized (effective cost)",
    list: "Realized (list price)",
    estimated: "Estimated",
    cumulative: "Cumulative realized",
  };
  const bar = (name: string, color: string, data: number[]) => ({
    type: "bar" as const,
    name,
    itemStyle: { color },
    barMaxWidth: 28,
    data,
  });
  return {
    ...CHART_BASE,
    legend: { data: Object.values(names), ...LEGEND_STYLE },
    grid: chartGrid(40),
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params) => {
        const index = dataIndex(params);
        const line = months[index];
        if (line === undefined) {
          return "";
        }
        const total = cumulative.find((c) => c.month === line.key)?.cumulative;
        return tooltipHtml({
          title: formatBillingPeriod(line.key),
          rows: [
            { key: names.realized, value: formatMoney(line.realized_effective, currency), color: REALIZED_COLOR },
            { key: names.list, value: formatMoney(line.realized_list, currency), color: LIST_COLOR },
            { key: names.estimated, value: formatMoney(line.estimated, currency), color: ESTIMATED_COLOR },
            ...(total === undefined
              ? []
              : [{ key: names.cumulative, value: formatMoney(total, currency), color: CUMULATIVE_COLOR }]),
          ],
        });
      },
    },
    xAxis: {
      type: "category",
      data: s.months,
      axisLabel: { color: "#64748b", formatter: (value: string) => formatBillingPeriod(value) },
      axisTick: { show: false },
    },
    yAxis: moneyAxis(currency),
    series: [
      bar(names.realized, REALIZED_COLOR, s.realized),
      bar(names.list, LIST_COLOR, s.realizedList),
      bar(names.estimated, ESTIMATED_COLOR, s.estimated),
      {
        type: "line",
        name: names.cumulative,
        symbol: "circle",
        lineStyle: { color: CUMULATIVE_COLOR, width: 2 },
        itemStyle: { color: CUMULATIVE_COLOR },
        data: s.cumulative,
      },
    ],
  };
}
