import type { FindingsSummaryPublic, FindingType } from "../api/client";
import { findingTypeLabel, isFindingType } from "../lib/findings";
import { formatMoney, moneyToNumber } from "../lib/money";

interface FindingSummaryCardsProps {
  summary: FindingsSummaryPublic;
  selected: FindingType | null;
  onSelect: (type: FindingType | null) => void;
}

/** One card per finding type (largest savings first); clicking a card filters the table to it. */
export function FindingSummaryCards({ summary, selected, onSelect }: FindingSummaryCardsProps) {
  if (summary.by_type.length === 0) {
    return (
      <article className="card">
        <p className="empty">
          No findings for this selection. Run the optimization jobs (finops run waste, rightsizing,
          allocation) to produce them.
        </p>
      </article>
    );
  }
  return (
    <section className="finding-cards" aria-label="Savings by finding type">
      {summary.by_type.map((row) => {
        const type = isFindingType(row.finding_type) ? row.finding_type : null;
        const active = type !== null && type === selected;
        const waste = moneyToNumber(row.commitment_waste) !== 0;
        return (
          <button
            key={row.finding_type}
            type="button"
            className={active ? "card finding-card finding-card-active" : "card finding-card"}
            data-testid={`finding-card-${row.finding_type}`}
            aria-pressed={active}
            disabled={type === null}
            onClick={() => {
              onSelect(active ? null : type);
            }}
          >
            <span className="finding-card-label">{findingTypeLabel(row.finding_type)}</span>
            <span className="finding-card-value">
              {formatMoney(waste ? row.commitment_waste : row.estimated_monthly_savings, summary.currency)}
              <span className="finding-card-unit">{waste ? "/mo unused commitment" : "/mo"}</span>
            </span>
            <span className="finding-card-caption">
              {row.count} {row.count === 1 ? "finding" : "findings"} ·{" "}
              {formatMoney(row.cost_30d, summary.currency)} last 30 days
            </span>
          </button>
        );
      })}
    </section>
  );
}
