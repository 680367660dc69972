import type { FindingsSummaryPublic } from "../../api/client";
import { Headline } from "../../components/ui";
import { formatLongDate } from "../../lib/dates";
import { formatMoney, moneyToNumber } from "../../lib/money";
import { text } from "../../components/styles";

/** Actionable savings at the price paid, with what they sum named, and commitment waste apart:
 * unused commitment is paid whatever is done this month, so it is never added to savings. */
export function SavingsHeadline({ summary }: { summary: FindingsSummaryPublic }) {
  const { currency } = summary;
  const hasWaste = moneyToNumber(summary.total_commitment_waste) !== 0;
  return (
    <>
      <Headline
        label="Actionable savings"
        value={formatMoney(summary.total_estimated_monthly_savings, currency)}
        unit="/ month"
        testId="savings-headline"
      >
        <span className={text.muted} data-testid="savings-basis">
          At the price paid (effective cost over the last 30 days, after Savings Plan and RI
          discounts) · {formatMoney(summary.total_on_demand_monthly_savings, currency)} at
          on-demand prices · commitment waste not included
        </span>
        <span className={text.muted}>
          {summary.count} findings
          {summary.as_of === null ? "" : ` · jobs as of ${formatLongDate(summary.as_of)}`}
        </span>
      </Headline>
      {hasWaste && (
        <Headline
          label="Commitment waste"
          value={formatMoney(summary.total_commitment_waste, currency)}
          unit="/ month"
          testId="commitment-waste"
        >
          <span className={text.muted}>{summary.commitment_waste_advice}</span>
        </Headline>
      )}
    </>
  );
}
