import type { KpiSummaryPublic } from "../../api/client";
import { KpiCard, KpiGrid, type Trend } from "../../components/ui";
import { formatLongDate } from "../../lib/dates";
import { formatMoney, formatPercentChange, moneyToNumber } from "../../lib/money";
import { kpiLabels } from "./periods";

function changeTone(change: string): Trend {
  const amount = moneyToNumber(change);
  if (amount > 0) {
    return "up";
  }
  return amount < 0 ? "down" : "flat";
}

interface KpiCardsProps {
  summary: KpiSummaryPublic;
}

export function KpiCards({ summary }: KpiCardsProps) {
  const { currency } = summary;
  const asOf = summary.as_of === null ? "no data" : formatLongDate(summary.as_of);
  const labels = kpiLabels(summary);
  return (
    <KpiGrid label="Key figures">
      <KpiCard
        label="Total cost"
        value={formatMoney(summary.total_cost, currency)}
        testId="kpi-total-cost"
        caption={`All charges in the selection, through ${asOf}`}
      />
      <KpiCard
        label={labels.period}
        value={formatMoney(summary.period_cost, currency)}
        testId="kpi-mtd"
        caption={labels.periodCaption}
      />
      <KpiCard
        label={labels.previous}
        value={formatMoney(labels.previousValue, currency)}
        testId="kpi-previous-month"
        caption={labels.previousCaption}
      />
      <KpiCard
        label={labels.change}
        value={formatPercentChange(summary.change_pct)}
        testId="kpi-mom"
        caption={labels.changeCaption}
        trend={changeTone(summary.change)}
      />
      <KpiCard
        label="Realized savings this month"
        value={formatMoney(summary.realized_savings_month, currency)}
        testId="kpi-realized-month"
        caption={`Measured from the bill after each change, through ${asOf}`}
      />
      <KpiCard
        label="Realized savings to date"
        value={formatMoney(summary.realized_savings_to_date, currency)}
        testId="kpi-realized-to-date"
        caption="Since the first measured change (Savings page)"
      />
    </KpiGrid>
  );
}
