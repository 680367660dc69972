import type { KpiSummaryPublic } from "../../api/client";
import { formatBillingPeriod, formatLongDate } from "../../lib/dates";
import { formatMoney } from "../../lib/money";

/** What the KPI cards call the selected period, its comparison and the change between them.
 * A closed month is never "month to date"; a range is compared with as many days before it. */
export interface KpiLabels {
  period: string;
  periodCaption: string;
  previous: string;
  previousValue: string;
  previousCaption: string;
  change: string;
  changeCaption: string;
}

function signed(amount: string): string {
  return amount.startsWith("-") ? amount : `+${amount}`;
}

function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1;
}

export function kpiLabels(summary: KpiSummaryPublic): KpiLabels {
  const { currency } = summary;
  const change = signed(formatMoney(summary.change, currency));
  const before = formatMoney(summary.previous_period_cost, currency);
  const prevStart = summary.previous_period_start;
  const prevEnd = summary.previous_period_end;
  const prevMonth = prevStart === null ? null : formatBillingPeriod(prevStart.slice(0, 7));
  const fullPrevious = {
    previous: "Previous month",
    previousValue: summary.previous_month,
    previousCaption: prevMonth === null ? "Full calendar month" : `${prevMonth}, full month`,
  };
  if (summary.period_kind === "range" && summary.period_start !== null && prevStart !== null) {
    const days = summary.period_end === null ? 0 : daysBetween(summary.period_start, summary.period_end);
    return {
      period: "Selected range",
      periodCaption: `${formatLongDate(summary.period_start)} to ${formatLongDate(
        summary.period_end ?? summary.period_start,
      )} (${days} days)`,
      previous: "Previous period",
      previousValue: summary.previous_period_cost,
      previousCaption: `The ${days} days before: ${formatLongDate(prevStart)} to ${formatLongDate(
        prevEnd ?? prevStart,
      )}`,
      change: "Change vs previous period",
      changeCaption: `${change} vs the ${days} days before`,
    };
  }
  if (summary.period_kind === "month" && summary.period_start !== null) {
    return {
      period: formatBillingPeriod(summary.period_start.slice(0, 7)),
      periodCaption: `Whole month (closed) · previous month: ${before}`,
      ...fullPrevious,
      change: "Month-over-month change",
      changeCaption: `${change} vs ${prevMonth ?? "the previous month"}`,
    };
  }
  return {
    period: "Month to date",
    periodCaption: `Same days last month: ${before}`,
    ...fullPrevious,
    change: "Month-over-month change",
    changeCaption: `${change} vs same days last month`,
  };
}
