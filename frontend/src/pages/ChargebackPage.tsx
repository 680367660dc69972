import type { ChargebackCostCenterPublic, ChargebackPublic } from "../api/client";
import { useChargeback } from "../api/queries";
import { ErrorMessage, Loading } from "../components/QueryStatus";
import { formatBillingPeriod } from "../lib/dates";
import { formatMoney, subtractMoney, sumMoney } from "../lib/money";
import { setSearchParams, useSearch } from "../lib/router";

const UNALLOCATED = "unallocated";
const INVALID_TAG = "invalid-tag";
const NOT_COST_CENTERS: readonly string[] = [UNALLOCATED, INVALID_TAG];
const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function centerLabel(row: ChargebackCostCenterPublic): string {
  if (row.cost_center === UNALLOCATED) {
    return "Unallocated";
  }
  if (row.cost_center === INVALID_TAG) {
    const values = row.allocations.map((a) => a.allocation.split(":").slice(1).join(":"));
    return `Invalid tag (${values.filter((v) => v !== "").join(", ")})`;
  }
  return row.cost_center;
}

function changeLabel(cost: string, previous: string | null | undefined, currency: string): string {
  if (previous === null || previous === undefined) {
    return "—";
  }
  const diff = formatMoney(subtractMoney(cost, previous), currency);
  return diff.startsWith("-") ? diff : `+${diff}`;
}

export function ChargebackPage() {
  // the billing period lives in the URL (?period=2026-09), so a report can be linked
  const search = useSearch();
  const requested = new URLSearchParams(search).get("period");
  const period = requested !== null && ISO_MONTH.test(requested) ? requested : null;
  const setPeriod = (next: string) => {
    setSearchParams({ period: next });
  };
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
  const owned = report.data.filter((row) => !NOT_COST_CENTERS.includes(row.cost_center));
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
          <p className="kpi-caption" data-testid="chargeback-total-caption">
            {report.previous_billing_period === null || report.previous_total === null
              ? `${formatBillingPeriod(report.billing_period)} · no report for the month before`
              : `${formatBillingPeriod(report.billing_period)} · ${formatBillingPeriod(
                  report.previous_billing_period,
                )}: ${formatMoney(report.previous_total, currency)}`}
          </p>
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
          <h2 className="kpi-label">Invalid tag</h2>
          <p className="kpi-value kpi-up" data-testid="chargeback-invalid-tag">
            {formatMoney(report.invalid_tag, currency)}
          </p>
          <p className="kpi-caption">
            {report.invalid_tag_values.length === 0
              ? "No cost tagged with a cost center the tag policy forbids"
              : `${report.invalid_tag_share_pct}% tagged ${report.invalid_tag_values.join(", ")}, not allowed by the tag policy`}
          </p>
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
          className={
            NOT_COST_CENTERS.includes(row.cost_center) ? "share-fill share-fill-warn" : "share-fill"
          }
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
              <th scope="col" className="num">
                {report.previous_billing_period === null
                  ? "Previous month"
                  : formatBillingPeriod(report.previous_billing_period)}
              </th>
              <th scope="col" className="num">
                Change
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
                className={NOT_COST_CENTERS.includes(row.cost_center) ? "row-warn" : undefined}
              >
                <td className="cell-main">{centerLabel(row)}</td>
                <td className="num">{formatMoney(row.direct_cost, currency)}</td>
                <td className="num">{formatMoney(row.shared_cost, currency)}</td>
                <td className="num strong">{formatMoney(row.cost, currency)}</td>
                <td className="num">
                  {row.previous_cost === null || row.previous_cost === undefined
                    ? "—"
                    : formatMoney(row.previous_cost, currency)}
                </td>
                <td className="num" data-testid="chargeback-change">
                  {changeLabel(row.cost, row.previous_cost, currency)}
                </td>
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
              <td className="num">
                {report.previous_total === null ? "—" : formatMoney(report.previous_total, currency)}
              </td>
              <td className="num">{changeLabel(report.total, report.previous_total, currency)}</td>
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
