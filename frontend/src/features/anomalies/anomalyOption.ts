import type { AnomalyDetailPublic } from "../../api/client";
import { formatLongDate } from "../../lib/dates";
import { formatMoney, moneyToNumber } from "../../lib/money";
import { band, bandSeries } from "../../charts/bands";
import type { ChartOption } from "../../charts/echarts";
import {
  CHART_BASE,
  chartGrid,
  dataIndex,
  dayAxis,
  LEGEND_STYLE,
  moneyAxis,
} from "../../charts/frame";
import { tooltipHtml } from "../../charts/tooltip";

const ACTUAL_COLOR = "#64748b";
const ANOMALY_COLOR = "#dc2626";
const EXPECTED_COLOR = "#2563eb";
const RANGE_COLOR = "rgba(37, 99, 235, 0.14)";

export const ANOMALY_LEGEND = ["Actual", "Expected", "Normal range"];

/** The tooltip for one day: actual cost, the detector's expected cost and normal range. */
export function anomalyTooltipHtml(detail: AnomalyDetailPublic, dayIndex: number): string {
  const day = detail.series[dayIndex];
  if (day === undefined) {
    return "";
  }
  const money = (value: string) => formatMoney(value, detail.currency);
  const rows: [string, string][] = [
    ["Actual", money(day.actual)],
    ["Expected", day.expected === null ? "not judged" : money(day.expected)],
  ];
  if (day.lower !== null && day.upper !== null) {
    rows.push(["Normal range", `${money(day.lower)} – ${money(day.upper)}`]);
  }
  return tooltipHtml({
    title: formatLongDate(day.day),
    rows: rows.map(([key, value]) => ({ key, value })),
    ...(day.anomalous ? { flag: "Anomalous" } : {}),
  });
}

/** Daily actual cost (bars, red on anomalous days) against the expected cost and its range. */
export function buildAnomalyOption(detail: AnomalyDetailPublic): ChartOption {
  const { series } = detail;
  const range = band(
    series.map((d) => d.lower),
    series.map((d) => d.upper),
  );
  return {
    ...CHART_BASE,
    legend: {
      data: ANOMALY_LEGEND,
      ...LEGEND_STYLE,
    },
    grid: chartGrid(40),
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params) => anomalyTooltipHtml(detail, dataIndex(params)),
    },
    xAxis: dayAxis(series.map((d) => d.day)),
    yAxis: moneyAxis(detail.currency),
    series: [
      ...bandSeries("Normal range", "range", range, RANGE_COLOR),
      {
        type: "bar",
        name: "Actual",
        barMaxWidth: 18,
        itemStyle: { color: ACTUAL_COLOR },
        data: series.map((d) => ({
          value: moneyToNumber(d.actual),
          itemStyle: { color: d.anomalous || d.in_incident ? ANOMALY_COLOR : ACTUAL_COLOR },
        })),
      },
      {
        type: "line",
        name: "Expected",
        symbol: "none",
        lineStyle: { color: EXPECTED_COLOR, type: "dashed", width: 2 },
        itemStyle: { color: EXPECTED_COLOR },
        data: series.map((d) => (d.expected === null ? null : moneyToNumber(d.expected))),
      },
    ],
  };
}
