import { useAccountLabel } from "../../api/accounts";
import type { Agreement, CohComparisonRowPublic } from "../../api/client";
import { DataTable } from "../../components/DataTable";
import { QueryView } from "../../components/QueryStatus";
import { Badge, CardHeader, CardSection, Empty, type Tone } from "../../components/ui";
import { findingTypeLabel, isFindingType } from "../../lib/findings";
import { formatMoney } from "../../lib/money";
import { useCohComparison } from "./queries";
import { AGREEMENTS } from "./search";
import { cx, text } from "../../components/styles";

const AGREEMENT_TONES: Record<Agreement, Tone> = {
  agree: "success",
  disagree_action: "warning",
  disagree_savings: "warning",
  coh_only: "neutral",
  platform_only: "neutral",
};

const CHIP =
  "cursor-pointer rounded-full border border-slate-200 bg-slate-50 px-2.5 py-1 text-xs aria-pressed:border-blue-300 aria-pressed:bg-blue-100 aria-pressed:text-blue-700";

function agreementLabel(value: Agreement): string {
  return AGREEMENTS.find((a) => a.value === value)?.label ?? value;
}

function money(value: string | null, currency: string | null): string {
  return value === null || currency === null ? "—" : formatMoney(value, currency);
}

function platformLabel(row: CohComparisonRowPublic): string {
  const type = row.platform_finding_type;
  if (type === null) {
    return "—";
  }
  const label = isFindingType(type) ? findingTypeLabel(type) : type;
  return `${label} (${row.platform_action_type ?? "?"})`;
}

function ComparisonRow({ row }: { row: CohComparisonRowPublic }) {
  const accountLabel = useAccountLabel();
  return (
    <tr data-testid="coh-row">
      <td>
        <div className={cx(text.main, text.mono)}>{row.resource_id}</div>
        <div className={text.sub}>
          {[accountLabel(row.account_id), row.region].filter((part) => part !== null).join(" · ")}
        </div>
      </td>
      <td>
        <Badge tone={AGREEMENT_TONES[row.agreement]}>{agreementLabel(row.agreement)}</Badge>
      </td>
      <td>{row.coh_action_type ?? "—"}</td>
      <td className={text.num}>{money(row.coh_monthly_savings, row.coh_currency)}</td>
      <td>{platformLabel(row)}</td>
      <td className={text.num}>{money(row.platform_monthly_savings, row.platform_currency)}</td>
      <td className={text.num}>
        {money(row.savings_difference, row.coh_currency ?? row.platform_currency)}
      </td>
    </tr>
  );
}

/** AWS Cost Optimization Hub's recommendations beside the platform's own open findings,
 * filtered by the comparison's outcome (`agreement`, kept in the URL by the page). */
export function CohComparison({
  outcome: agreement,
  onOutcomeChange: setAgreement,
}: {
  outcome: Agreement | null;
  onOutcomeChange: (outcome: Agreement | null) => void;
}) {
  const comparison = useCohComparison({ agreement: agreement === null ? null : [agreement] });

  return (
    <CardSection className="pb-3" aria-labelledby="coh-heading" data-testid="coh-comparison">
      <CardHeader
        title="Compared with AWS Cost Optimization Hub"
        titleId="coh-heading"
        subtitle={`Matched by resource and action; savings within ${
          comparison.data?.savings_tolerance_pct ?? "10"
        }% agree`}
      />
      <QueryView query={comparison} loading="Loading the Cost Optimization Hub comparison…" failed="Could not load the Cost Optimization Hub comparison">
        {(data) => (
          <>
            <div className="flex flex-wrap gap-2 px-3 pb-3" role="group" aria-label="Comparison outcome">
              <button
                type="button"
                className={CHIP}
                aria-pressed={agreement === null}
                onClick={() => { setAgreement(null); }}
              >
                All
              </button>
              {AGREEMENTS.map((a) => (
                <button
                  key={a.value}
                  type="button"
                  className={CHIP}
                  data-testid={`coh-count-${a.value}`}
                  aria-pressed={agreement === a.value}
                  onClick={() => { setAgreement(a.value); }}
                >
                  {a.label} · {data.counts[a.value] ?? 0}
                </button>
              ))}
            </div>
            {data.coh_recommendations === 0 ? (
              <Empty>
                Nothing to compare: load a Cost Optimization Hub export with{" "}
                <code>finops ingest coh</code>.
              </Empty>
            ) : data.count === 0 ? (
              <Empty>No resources with this outcome.</Empty>
            ) : (
              <DataTable data-testid="coh-table">
                <thead>
                  <tr>
                    <th>Resource</th>
                    <th>Outcome</th>
                    <th>Hub action</th>
                    <th className={text.num}>Hub savings / mo</th>
                    <th>Platform finding</th>
                    <th className={text.num}>Platform savings / mo</th>
                    <th className={text.num}>Difference</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.map((row) => (
                    <ComparisonRow
                      key={`${row.resource_id}-${row.coh_recommendation_id ?? ""}-${row.platform_fingerprint ?? ""}`}
                      row={row}
                    />
                  ))}
                </tbody>
              </DataTable>
            )}
          </>
        )}
      </QueryView>
    </CardSection>
  );
}
