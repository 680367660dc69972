import type { SavingsMeasurementDetailPublic } from "../../api/client";
import type { ChartOption } from "../../charts/echarts";
import { CHART_BASE, chartGrid, dataIndex, dayAxis, LEGEND_STYLE, moneyAxis } from "../../charts/frame";
import { tooltipHtml } from "../../charts/tooltip";
import { formatLongDate } from "../../lib/dates";
import { formatMoney, moneyToNumber } from "../../lib/money";

const EFFECTIVE_COLOR = "#2563eb";
const LIST_COLOR = "#94a3b8";

/** The windows marked on the chart: the baseline, the change day and the after window. */
export interface Windows {
  baseline: [string, string];
  change: string;
  after: [string, string] | null;
}

export function windowsOf(m: SavingsMeasurementDetailPublic): Windows {
  return {
    baseline: [m.baseline_start, m.baseline_end],
    change: m.change_day,
    after: m.after_end === null ? null : [m.after_start, m.after_end],
  };
}

/** The measured resources' daily effective and list cost from the baseline's first day to the
 * after window's last, the baseline and after windows shaded with their daily averages and the
 * change day marked. */
export function buildBeforeAfterOption(m: SavingsMeasurementDetailPublic): ChartOption {
  const days = m.daily.map((d) => d.day);
  const money = (value: string | null) => (value === null ? "—" : formatMoney(value, m.currency));
  const w = windowsOf(m);
  const areas: [{ name: string; xAxis: string }, { xAxis: string }][] = [
    [{ name: `Baseline: ${money(m.baseline_daily_effective)}/day`, xAxis: w.baseline[0] }, { xAxis: w.baseline[1] }],
  ];
  if (w.after !== null) {
    areas.push([{ name: `After: ${money(m.after_daily_effective)}/day`, xAxis: w.after[0] }, { xAxis: w.after[1] }]);
  }
  return {
    ...CHART_BASE,
    legend: { data: ["Effective cost", "List cost"], ...LEGEND_STYLE },
    grid: chartGrid(56),
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params) => {
        const day = m.daily[dataIndex(params)];
        if (day === undefined) {
          return "";
        }
        return tooltipHtml({
          title: formatLongDate(day.day),
          rows: [
            { key: "Effective cost", value: money(day.effective_cost), color: EFFECTIVE_COLOR },
            { key: "List cost", value: money(day.list_cost), color: LIST_COLOR },
            { key: "Usage", value: day.usage },
          ],
        });
      },
    },
    xAxis: dayAxis(days, false),
    yAxis: { ...moneyAxis(m.currency), min: 0 },
    series: [
      {
        type: "line",
        name: "Effective cost",
        symbol: "none",
        step: "middle",
        lineStyle: { color: EFFECTIVE_COLOR, width: 2 },
        itemStyle: { color: EFFECTIVE_COLOR },
        data: m.daily.map((d) => moneyToNumber(d.effective_cost)),
        markArea: {
          silent: true,
          itemStyle: { color: "rgba(148, 163, 184, 0.15)" },
          label: { position: "top", color: "#334155", fontSize: 11 },
          data: areas,
        },
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { color: "#dc2626", type: "dashed" },
          label: { formatter: "Change", color: "#dc2626" },
          data: [{ xAxis: w.change }],
        },
      },
      {
        type: "line",
        name: "List cost",
        symbol: "none",
        step: "middle",
        lineStyle: { color: LIST_COLOR, width: 1.5, type: "dashed" },
        itemStyle: { color: LIST_COLOR },
        data: m.daily.map((d) => moneyToNumber(d.list_cost)),
      },
    ],
  };
}
