import type { KpiSummaryPublic } from "../api/client";
import { formatBillingPeriod, formatLongDate, previousBillingPeriod } from "../lib/dates";
import { formatMoney, formatPercentChange, moneyToNumber } from "../lib/money";

interface KpiCardProps {
  label: string;
  value: string;
  testId: string;
  caption: string;
  tone?: "up" | "down" | "flat";
}

function KpiCard({ label, value, testId, caption, tone }: KpiCardProps) {
  return (
    <article className="card kpi-card">
      <h2 className="kpi-label">{label}</h2>
      <p className={tone === undefined ? "kpi-value" : `kpi-value kpi-${tone}`} data-testid={testId}>
        {value}
      </p>
      <p className="kpi-caption">{caption}</p>
    </article>
  );
}

function changeTone(change: string): "up" | "down" | "flat" {
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
  const previousPeriod = summary.as_of === null ? null : previousBillingPeriod(summary.as_of);
  const change = formatMoney(summary.mom_change, currency);
  return (
    <section className="kpi-grid" aria-label="Key figures">
      <KpiCard
        label="Total cost"
        value={formatMoney(summary.total_cost, currency)}
        testId="kpi-total-cost"
        caption={`All charges in the selection, through ${asOf}`}
      />
      <KpiCard
        label="Month to date"
        value={formatMoney(summary.month_to_date, currency)}
        testId="kpi-mtd"
        caption={`Same days last month: ${formatMoney(summary.previous_month_to_date, currency)}`}
      />
      <KpiCard
        label="Previous month"
        value={formatMoney(summary.previous_month, currency)}
        testId="kpi-previous-month"
        caption={
          previousPeriod === null
            ? "Full calendar month"
            : `${formatBillingPeriod(previousPeriod)}, full month`
        }
      />
      <KpiCard
        label="Month-over-month change"
        value={formatPercentChange(summary.mom_change_pct)}
        testId="kpi-mom"
        caption={`${change.startsWith("-") ? "" : "+"}${change} vs same days last month`}
        tone={changeTone(summary.mom_change)}
      />
    </section>
  );
}
