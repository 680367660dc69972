import type { ChartOption } from "../../charts/echarts";
import { SERIES_COLORS } from "../../charts/colors";
import { CHART_BASE, chartGrid, moneyAxis } from "../../charts/frame";
import { moneyToNumber } from "../../lib/money";
import type { Answer } from "./queries";

export type ChartKind = "line" | "bar";

/** Dimensions whose rows are periods in order (a time series: drawn as a line). */
const TIME_DIMENSIONS = new Set(["day", "month"]);
/** Intents whose rows are (label, amount) pairs that read well as bars. */
const CHARTED_INTENTS = new Set(["breakdown", "movers", "change", "savings", "why"]);

function isAmount(value: unknown): boolean {
  return (typeof value === "string" || typeof value === "number") && /^-?\d+(\.\d+)?$/.test(String(value));
}

/** Which chart fits the answer, or `null`: a time series is a line, a breakdown (by service,
 * account, movers, the two months of a change) bars; anything else (one number, anomalies,
 * a refusal) has no chart. Needs at least two rows of (label, amount). */
export function chartKind(answer: Answer): ChartKind | null {
  const intent = typeof answer.plan?.["intent"] === "string" ? answer.plan["intent"] : "";
  if (answer.refused || !CHARTED_INTENTS.has(intent) || answer.rows.length < 2) {
    return null;
  }
  if (!answer.rows.every((row) => row.length >= 2 && isAmount(row[1]))) {
    return null;
  }
  const dim = answer.plan?.["dim"];
  return typeof dim === "string" && TIME_DIMENSIONS.has(dim) ? "line" : "bar";
}

/** The answer's (label, amount) rows drawn as `kind`: labels along x, money up y. */
export function buildAskOption(answer: Answer, kind: ChartKind): ChartOption {
  const labels = answer.rows.map((row) => String(row[0]));
  const values = answer.rows.map((row) => moneyToNumber(String(row[1])));
  const color = SERIES_COLORS[0] ?? "#0ea5e9";
  const name = answer.columns[1] ?? "amount";
  return {
    ...CHART_BASE,
    grid: chartGrid(16),
    tooltip: { trigger: "axis", confine: true },
    xAxis: {
      type: "category",
      data: labels,
      axisLabel: { color: "#64748b", hideOverlap: true },
      axisTick: { show: false },
    },
    yAxis: moneyAxis("USD"),
    series:
      kind === "line"
        ? [{ type: "line", name, data: values, color, showSymbol: labels.length <= 40 }]
        : [{ type: "bar", name, data: values, color, barMaxWidth: 48 }],
  };
}
