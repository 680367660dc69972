import type { ForecastPublic } from "../../api/client";
import { formatLongDate } from "../../lib/dates";
import { formatMoney, moneyToNumber } from "../../lib/money";
import { band, bandSeries } from "../../charts/bands";
import type { ChartOption } from "../../charts/echarts";
import {
  axisValue,
  CHART_BASE,
  chartGrid,
  dayAxis,
  LEGEND_STYLE,
  moneyAxis,
} from "../../charts/frame";
import { tooltipHtml } from "../../charts/tooltip";

const ACTUAL_COLOR = "#0f172a";
const FORECAST_COLOR = "#2563eb";
const BAND_80_COLOR = "rgba(37, 99, 235, 0.22)";
const BAND_95_COLOR = "rgba(37, 99, 235, 0.10)";

export const FORECAST_LEGEND = ["Actual", "Forecast", "80% interval", "95% interval"];

/** Every day of the chart: the actual days, then the forecast days (ISO dates sort as text). */
export function forecastDays(forecast: ForecastPublic): string[] {
  const days = new Set([
    ...forecast.actuals.map((a) => a.day),
    ...forecast.points.map((p) => p.day),
  ]);
  return [...days].sort();
}

/** The tooltip for one day: its actual cost and the forecast with both intervals, if any. */
export function forecastTooltipHtml(
  forecast: ForecastPublic,
  day: string | undefined,
  currency: string,
): string {
  if (day === undefined) {
    return "";
  }
  const money = (value: string) => formatMoney(value, currency);
  const actual = forecast.actuals.find((a) => a.day === day);
  const point = forecast.points.find((p) => p.day === day);
  const rows: [string, string][] = [];
  if (actual !== undefined) {
    rows.push(["Actual", money(actual.cost)]);
  }
  if (point !== undefined) {
    rows.push(["Forecast", money(point.yhat)]);
    rows.push(["80% interval", `${money(point.lower80)} – ${money(point.upper80)}`]);
    rows.push(["95% interval", `${money(point.lower95)} – ${money(point.upper95)}`]);
  }
  return tooltipHtml({
    title: formatLongDate(day),
    rows: rows.map(([key, value]) => ({ key, value })),
  });
}

/** Actual daily cost, then the forecast with its 80% and 95% intervals as shaded bands. */
export function buildForecastOption(forecast: ForecastPublic, currency: string): ChartOption {
  const days = forecastDays(forecast);
  const points = new Map(forecast.points.map((p) => [p.day, p]));
  const actuals = new Map(forecast.actuals.map((a) => [a.day, a.cost]));
  const column = (pick: (p: ForecastPublic["points"][number]) => string) =>
    days.map((day) => {
      const point = points.get(day);
      return point === undefined ? null : pick(point);
    });
  const outer = band(column((p) => p.lower95), column((p) => p.upper95));
  const inner = band(column((p) => p.lower80), column((p) => p.upper80));
  return {
    ...CHART_BASE,
    legend: {
      data: FORECAST_LEGEND,
      ...LEGEND_STYLE,
    },
    grid: chartGrid(40),
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params) => forecastTooltipHtml(forecast, axisValue(params), currency),
    },
    xAxis: dayAxis(days, false),
    yAxis: moneyAxis(currency),
    series: [
      ...bandSeries("95% interval", "band95", outer, BAND_95_COLOR),
      ...bandSeries("80% interval", "band80", inner, BAND_80_COLOR),
      {
        type: "line",
        name: "Forecast",
        symbol: "none",
        lineStyle: { color: FORECAST_COLOR, type: "dashed", width: 2 },
        itemStyle: { color: FORECAST_COLOR },
        data: column((p) => p.yhat).map((v) => (v === null ? null : moneyToNumber(v))),
      },
      {
        type: "line",
        name: "Actual",
        symbol: "none",
        lineStyle: { color: ACTUAL_COLOR, width: 2 },
        itemStyle: { color: ACTUAL_COLOR },
        data: days.map((day) => {
          const cost = actuals.get(day);
          return cost === undefined ? null : moneyToNumber(cost);
        }),
      },
    ],
  };
}
