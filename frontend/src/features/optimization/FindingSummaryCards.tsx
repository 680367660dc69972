import type { FindingsSummaryPublic, FindingType } from "../../api/client";
import { Card, Empty } from "../../components/ui";
import { findingTypeLabel, isFindingType } from "../../lib/findings";
import { formatMoney, moneyToNumber } from "../../lib/money";
import { cx } from "../../components/styles";

const CARD =
  "flex min-w-0 cursor-pointer flex-col gap-1 rounded-card border bg-white px-4 py-3.5 text-left shadow-card transition-[border-color,box-shadow] hover:border-blue-300 disabled:cursor-default";

interface FindingSummaryCardsProps {
  summary: FindingsSummaryPublic;
  selected: FindingType | null;
  onSelect: (type: FindingType | null) => void;
}

/** One card per finding type (largest savings first); clicking a card filters the table to it. */
export function FindingSummaryCards({ summary, selected, onSelect }: FindingSummaryCardsProps) {
  if (summary.by_type.length === 0) {
    return (
      <Card>
        <Empty>
          No findings for this selection. Run the optimization jobs (finops run waste, rightsizing,
          allocation) to produce them.
        </Empty>
      </Card>
    );
  }
  return (
    <section
      className="grid grid-cols-[repeat(auto-fill,minmax(220px,1fr))] gap-3"
      aria-label="Savings by finding type"
    >
      {summary.by_type.map((row) => {
        const type = isFindingType(row.finding_type) ? row.finding_type : null;
        const active = type !== null && type === selected;
        const waste = moneyToNumber(row.commitment_waste) !== 0;
        return (
          <button
            key={row.finding_type}
            type="button"
            className={cx(
              CARD,
              active ? "border-blue-600 ring-1 ring-blue-600" : "border-slate-200",
            )}
            data-testid={`finding-card-${row.finding_type}`}
            aria-pressed={active}
            disabled={type === null}
            onClick={() => {
              onSelect(active ? null : type);
            }}
          >
            <span className="text-[13px] font-medium text-slate-500">{findingTypeLabel(row.finding_type)}</span>
            <span className="text-[22px] font-[650] tabular-nums">
              {formatMoney(waste ? row.commitment_waste : row.estimated_monthly_savings, summary.currency)}
              <span className="ml-0.5 text-[13px] font-medium text-slate-500">{waste ? "/mo unused commitment" : "/mo"}</span>
            </span>
            <span className="text-xs text-slate-500">
              {row.count} {row.count === 1 ? "finding" : "findings"} ·{" "}
              {formatMoney(row.cost_30d, summary.currency)} last 30 days
            </span>
          </button>
        );
      })}
    </section>
  );
}
