import type { FiltersPublic } from "../api/client";
import { formatBillingPeriod } from "../lib/dates";
import { COST_METRICS, isCostMetric, type OverviewSelection } from "../lib/selection";

interface FilterBarProps {
  filters: FiltersPublic;
  selection: OverviewSelection;
  onChange: (selection: OverviewSelection) => void;
}

const ALL = "";

export function FilterBar({ filters, selection, onChange }: FilterBarProps) {
  return (
    <section className="filter-bar" aria-label="Filters">
      <label className="field">
        <span className="field-label">Billing period</span>
        <select
          data-testid="billing-period-select"
          value={selection.billingPeriod ?? ALL}
          onChange={(event) => {
            const value = event.target.value;
            onChange({
              ...selection,
              billingPeriod: value === ALL ? null : value,
              start: null,
              end: null,
            });
          }}
        >
          <option value={ALL}>{selection.start === null ? "Latest month" : "Date range"}</option>
          {filters.billing_periods.map((period) => (
            <option key={period} value={period}>
              {formatBillingPeriod(period)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">From</span>
        <input
          type="date"
          data-testid="range-start"
          value={selection.start ?? ""}
          min={filters.data_start ?? undefined}
          max={filters.data_end ?? undefined}
          onChange={(event) => {
            const value = event.target.value;
            onChange({ ...selection, billingPeriod: null, start: value === "" ? null : value });
          }}
        />
      </label>
      <label className="field">
        <span className="field-label">To</span>
        <input
          type="date"
          data-testid="range-end"
          value={selection.end ?? ""}
          min={selection.start ?? filters.data_start ?? undefined}
          max={filters.data_end ?? undefined}
          onChange={(event) => {
            const value = event.target.value;
            onChange({ ...selection, billingPeriod: null, end: value === "" ? null : value });
          }}
        />
      </label>
      <label className="field">
        <span className="field-label">Account</span>
        <select
          data-testid="account-select"
          value={selection.accountId ?? ALL}
          onChange={(event) => {
            const value = event.target.value;
            onChange({ ...selection, accountId: value === ALL ? null : value });
          }}
        >
          <option value={ALL}>All accounts</option>
          {filters.accounts.map((account) => (
            <option key={account.account_id} value={account.account_id}>
              {account.account_name === null
                ? account.account_id
                : `${account.account_name} (${account.account_id})`}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Cost metric</span>
        <select
          data-testid="cost-metric-select"
          value={selection.costMetric}
          onChange={(event) => {
            const value = event.target.value;
            if (isCostMetric(value)) {
              onChange({ ...selection, costMetric: value });
            }
          }}
        >
          {COST_METRICS.map((metric) => (
            <option key={metric.value} value={metric.value}>
              {metric.label}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
