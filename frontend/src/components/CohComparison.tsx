import { useState } from "react";

import type { Agreement, CohComparisonRowPublic } from "../api/client";
import { useCohComparison } from "../api/queries";
import { findingTypeLabel, isFindingType } from "../lib/findings";
import { formatMoney } from "../lib/money";
import { ErrorMessage, Loading } from "./QueryStatus";

const AGREEMENTS: readonly { value: Agreement; label: string }[] = [
  { value: "agree", label: "Agree" },
  { value: "disagree_action", label: "Different action" },
  { value: "disagree_savings", label: "Different savings" },
  { value: "coh_only", label: "Only Cost Optimization Hub" },
  { value: "platform_only", label: "Only this platform" },
];

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
  return (
    <tr data-testid="coh-row">
      <td>
        <div className="cell-main mono">{row.resource_id}</div>
        <div className="cell-sub">
          {[row.account_id, row.region].filter((part) => part !== null).join(" · ")}
        </div>
      </td>
      <td>
        <span className={`badge badge-${row.agreement}`}>{agreementLabel(row.agreement)}</span>
      </td>
      <td>{row.coh_action_type ?? "—"}</td>
      <td className="num">{money(row.coh_monthly_savings, row.coh_currency)}</td>
      <td>{platformLabel(row)}</td>
      <td className="num">{money(row.platform_monthly_savings, row.platform_currency)}</td>
      <td className="num">
        {money(row.savings_difference, row.coh_currency ?? row.platform_currency)}
      </td>
    </tr>
  );
}

/** AWS Cost Optimization Hub's recommendations beside the platform's own open findings. */
export function CohComparison() {
  const [agreement, setAgreement] = useState<Agreement | null>(null);
  const comparison = useCohComparison({ agreement: agreement === null ? null : [agreement] });

  return (
    <section className="card table-card" aria-labelledby="coh-heading" data-testid="coh-comparison">
      <header className="card-header">
        <div>
          <h2 className="card-title" id="coh-heading">
            Compared with AWS Cost Optimization Hub
          </h2>
          <span className="card-subtitle">
            Matched by resource and action; savings within{" "}
            {comparison.data?.savings_tolerance_pct ?? "10"}% agree
          </span>
        </div>
      </header>
      {comparison.isPending ? (
        <Loading label="Loading the Cost Optimization Hub comparison…" />
      ) : comparison.isError ? (
        <ErrorMessage
          title="Could not load the Cost Optimization Hub comparison"
          error={comparison.error}
          onRetry={() => void comparison.refetch()}
        />
      ) : (
        <>
          <div className="coh-outcomes" role="group" aria-label="Comparison outcome">
            <button
              type="button"
              className="chip"
              aria-pressed={agreement === null}
              onClick={() => { setAgreement(null); }}
            >
              All
            </button>
            {AGREEMENTS.map((a) => (
              <button
                key={a.value}
                type="button"
                className="chip"
                data-testid={`coh-count-${a.value}`}
                aria-pressed={agreement === a.value}
                onClick={() => { setAgreement(a.value); }}
              >
                {a.label} · {comparison.data.counts[a.value] ?? 0}
              </button>
            ))}
          </div>
          {comparison.data.coh_recommendations === 0 ? (
            <p className="empty">
              Nothing to compare: load a Cost Optimization Hub export with{" "}
              <code>finops ingest coh</code>.
            </p>
          ) : comparison.data.count === 0 ? (
            <p className="empty">No resources with this outcome.</p>
          ) : (
            <div className="table-scroll">
            <table className="data-table" data-testid="coh-table">
              <thead>
                <tr>
                  <th>Resource</th>
                  <th>Outcome</th>
                  <th>Hub action</th>
                  <th className="num">Hub savings / mo</th>
                  <th>Platform finding</th>
                  <th className="num">Platform savings / mo</th>
                  <th className="num">Difference</th>
                </tr>
              </thead>
              <tbody>
                {comparison.data.data.map((row) => (
                  <ComparisonRow
                    key={`${row.resource_id}-${row.coh_recommendation_id ?? ""}-${row.platform_fingerprint ?? ""}`}
                    row={row}
                  />
                ))}
              </tbody>
            </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
