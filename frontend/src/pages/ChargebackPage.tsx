import { useState } from "react";

import type { ChargebackCostCenterPublic, ChargebackPublic } from "../api/client";
import { useChargeback } from "../api/queries";
import { ErrorMessage, Loading } from "../components/QueryStatus";
import { formatBillingPeriod } from "../lib/dates";
import { formatMoney, sumMoney } from "../lib/money";

const UNALLOCATED = "unallocated";

export function ChargebackPage() {
  const [period, setPeriod] = useState<string | null>(null);
  const chargeback = useChargeback({ billing_period: period });
  if (chargeback.isPending) {
    return <Loading label="Loading the chargeback report…" />;
  }
  if (chargeback.isError) {
    return (
      <ErrorMessage
        title="Could not load the chargeback report"
        error={chargeback.error}
        onRetry={() => void chargeback.refetch()}
      />
    );
  }
  return <Chargeback report={chargeback.data} onPeriodChange={setPeriod} />;
}

function Chargeback({
  report,
  onPeriodChange,
}: {
  report: ChargebackPublic;
  onPeriodChange: (period: string) => void;
}) {
  const { currency } = report;
  const owned = report.data.filter((row) => row.cost_center !== UNALLOCATED);
  const allocated = sumMoney(owned.map((row) => row.cost));
  const coverage = sumMoney(owned.map((row) => row.share_pct));
  const centers = owned.length;
  return (
    <>
      <div className="toolbar">
        <section className="filter-bar" aria-label="Filters">
          <label className="field">
            <span className="field-label">Billing period</span>
            <select
              data-testid="chargeback-period-select"
              value={report.billing_period}
              onChange={(event) => {
                onPeriodChange(event.target.value);
              }}
            >
              {report.billing_periods.map((p) => (
                <option key={p} value={p}>
                  {formatBillingPeriod(p)}
                </option>
              ))}
            </select>
          </label>
        </section>
        <span className="data-range">
          Amortized (effective) cost · shared costs split by the allocation rules · {currency}
        </span>
      </div>
      <section className="kpi-grid" aria-label="Chargeback totals">
        <article className="card kpi-card">
          <h2 className="kpi-label">Total bill</h2>
          <p className="kpi-value" data-testid="chargeback-total">
            {formatMoney(report.total, currency)}
          </p>
          <p className="kpi-caption">{formatBillingPeriod(report.billing_period)}</p>
        </article>
        <article className="card kpi-card">
          <h2 className="kpi-label">Allocated</h2>
          <p className="kpi-value">{formatMoney(allocated, currency)}</p>
          <p className="kpi-caption">
            {centers} cost {centers === 1 ? "center" : "centers"}
          </p>
        </article>
        <article className="card kpi-card">
          <h2 className="kpi-label">Unallocated</h2>
          <p className="kpi-value kpi-up" data-testid="chargeback-unallocated">
            {formatMoney(report.unallocated, currency)}
          </p>
          <p className="kpi-caption">{report.unallocated_share_pct}% of the bill has no owner</p>
        </article>
        <article className="card kpi-card">
          <h2 className="kpi-label">Allocation coverage</h2>
          <p className="kpi-value" data-testid="chargeback-coverage">
            {coverage}%
          </p>
          <p className="kpi-caption">Share of the bill charged to a cost center</p>
        </article>
      </section>
      <ChargebackTable report={report} />
    </>
  );
}

function ShareBar({ row }: { row: ChargebackCostCenterPublic }) {
  const width = Math.min(100, Math.max(0, Number(row.share_pct)));
  return (
    <div className="share">
      <div className="share-track" aria-hidden="true">
        <div
          className={row.cost_center === UNALLOCATED ? "share-fill share-fill-warn" : "share-fill"}
          style={{ width: `${width}%` }}
        />
      </div>
      <span className="share-pct">{row.share_pct}%</span>
    </div>
  );
}

function ChargebackTable({ report }: { report: ChargebackPublic }) {
  const { currency } = report;
  return (
    <article className="card table-card">
      <header className="card-header">
        <div>
          <h2 className="card-title">Cost centers</h2>
          <span className="card-subtitle">
            Direct cost from the cost-center tag and rules; shared pools (support, tax, unused
            commitments) split in proportion to direct cost
          </span>
        </div>
      </header>
      <div className="table-scroll">
        <table className="data-table" data-testid="chargeback-table">
          <thead>
            <tr>
              <th scope="col">Cost center</th>
              <th scope="col" className="num">
                Direct
              </th>
              <th scope="col" className="num">
                Shared
              </th>
              <th scope="col" className="num">
                Total
              </th>
              <th scope="col" className="share-col">
                Share of bill
              </th>
            </tr>
          </thead>
          <tbody>
            {report.data.map((row) => (
              <tr
                key={row.cost_center}
                data-testid="chargeback-row"
                className={row.cost_center === UNALLOCATED ? "row-warn" : undefined}
              >
                <td className="cell-main">
                  {row.cost_center === UNALLOCATED ? "Unallocated" : row.cost_center}
                </td>
                <td className="num">{formatMoney(row.direct_cost, currency)}</td>
                <td className="num">{formatMoney(row.shared_cost, currency)}</td>
                <td className="num strong">{formatMoney(row.cost, currency)}</td>
                <td className="share-col">
                  <ShareBar row={row} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td className="num">
                {formatMoney(sumMoney(report.data.map((r) => r.direct_cost)), currency)}
              </td>
              <td className="num">
                {formatMoney(sumMoney(report.data.map((r) => r.shared_cost)), currency)}
              </td>
              <td className="num strong" data-testid="chargeback-table-total">
                {formatMoney(report.total, currency)}
              </td>
              <td className="share-col">
                <span className="share-pct-total">
                  {sumMoney(report.data.map((r) => r.share_pct))}%
                </span>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </article>
  );
}
