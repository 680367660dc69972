import type { FindingPublic, FindingsPublic } from "../api/client";
import { findingTypeLabel, keyDetails, recommendedAction } from "../lib/findings";
import { formatMoney, moneyToNumber } from "../lib/money";
import { Pager } from "./Pager";

/** The savings method of an under-used commitment (`optimization/findings.py`). */
const COMMITMENT_WASTE = "commitment_waste_30d";

interface FindingsTableProps {
  findings: FindingsPublic;
  offset: number;
  pageSize: number;
  accountNames: ReadonlyMap<string, string>;
  onOffsetChange: (offset: number) => void;
}

function shortResource(finding: FindingPublic): string {
  const id = finding.resource_id ?? "—";
  // ARNs are long; their last segment names the resource
  return id.startsWith("arn:") ? (id.split(/[:/]/).at(-1) ?? id) : id;
}

function FindingRow({
  finding,
  accountNames,
}: {
  finding: FindingPublic;
  accountNames: ReadonlyMap<string, string>;
}) {
  const action = recommendedAction(finding);
  const accountName = accountNames.get(finding.account_id);
  return (
    <tr data-testid="finding-row">
      <td>
        <div className="cell-main mono" title={finding.resource_id ?? undefined}>
          {shortResource(finding)}
        </div>
        <div className="cell-sub">
          {[finding.resource_type, finding.region].filter((part) => part !== null).join(" · ")}
        </div>
      </td>
      <td>
        <div className="cell-main">{accountName ?? finding.account_id}</div>
        {accountName !== undefined && <div className="cell-sub mono">{finding.account_id}</div>}
      </td>
      <td>{findingTypeLabel(finding.finding_type)}</td>
      <td>
        <span className={`badge badge-${finding.status}`}>{finding.status}</span>
      </td>
      <td className="num strong" data-testid="finding-savings">
        {finding.savings_method === COMMITMENT_WASTE ? (
          <>
            —
            <div className="cell-sub">
              {formatMoney(finding.commitment_waste, finding.currency)}/mo commitment waste
            </div>
          </>
        ) : (
          <>
            {formatMoney(finding.estimated_monthly_savings, finding.currency)}
            {finding.on_demand_monthly_savings !== null && (
              <div className="cell-sub">
                {formatMoney(finding.on_demand_monthly_savings, finding.currency)} on demand
              </div>
            )}
          </>
        )}
      </td>
      <td className="num">
        {finding.cost_30d === null ? "—" : formatMoney(finding.cost_30d, finding.currency)}
      </td>
      <td className="details-cell">
        <div className="cell-main">{keyDetails(finding)}</div>
        {action !== null && <div className="cell-sub">{action}</div>}
      </td>
    </tr>
  );
}

export function FindingsTable({
  findings,
  offset,
  pageSize,
  accountNames,
  onOffsetChange,
}: FindingsTableProps) {
  return (
    <article className="card table-card">
      <header className="card-header">
        <div>
          <h2 className="card-title">Findings</h2>
          <span className="card-subtitle">Largest estimated monthly savings first</span>
        </div>
        <span className="card-subtitle" data-testid="findings-total">
          {findings.count} {findings.count === 1 ? "finding" : "findings"} ·{" "}
          {formatMoney(findings.total_estimated_monthly_savings, findings.currency)}/mo savings
          {moneyToNumber(findings.total_commitment_waste) !== 0 &&
            ` · ${formatMoney(findings.total_commitment_waste, findings.currency)}/mo commitment waste (not savings)`}
        </span>
      </header>
      {findings.data.length === 0 ? (
        <p className="empty">No findings match these filters.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="findings-table">
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Account</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Savings / month at the price paid
                </th>
                <th scope="col" className="num">
                  Cost, last 30 days
                </th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {findings.data.map((finding) => (
                <FindingRow
                  key={finding.fingerprint}
                  finding={finding}
                  accountNames={accountNames}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        offset={offset}
        pageSize={pageSize}
        shown={findings.data.length}
        count={findings.count}
        onOffsetChange={onOffsetChange}
      />
    </article>
  );
}
