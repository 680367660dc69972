import type { FiltersPublic } from "../../api/client";
import { Field, FilterBar as Filters } from "../../components/ui";
import { formatBillingPeriod } from "../../lib/dates";
import { COST_METRICS, isCostMetric, type OverviewSelection } from "./selection";

interface FilterBarProps {
  filters: FiltersPublic;
  selection: OverviewSelection;
  /** the fields that change (a period clears the range, a range clears the period) */
  onChange: (changes: Partial<OverviewSelection>) => void;
}

const ALL = "";

export function FilterBar({ filters, selection, onChange }: FilterBarProps) {
  return (
    <Filters>
      <Field label="Billing period">
        <select
          data-testid="billing-period-select"
          value={selection.billingPeriod ?? ALL}
          onChange={(event) => {
            const value = event.target.value;
            onChange({
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
      </Field>
      <Field label="From">
        <input
          type="date"
          data-testid="range-start"
          value={selection.start ?? ""}
          min={filters.data_start ?? undefined}
          max={filters.data_end ?? undefined}
          onChange={(event) => {
            const value = event.target.value;
            onChange({ billingPeriod: null, start: value === "" ? null : value });
          }}
        />
      </Field>
      <Field label="To">
        <input
          type="date"
          data-testid="range-end"
          value={selection.end ?? ""}
          min={selection.start ?? filters.data_start ?? undefined}
          max={filters.data_end ?? undefined}
          onChange={(event) => {
            const value = event.target.value;
            onChange({ billingPeriod: null, end: value === "" ? null : value });
          }}
        />
      </Field>
      <Field label="Account">
        <select
          data-testid="account-select"
          value={selection.accountId ?? ALL}
          onChange={(event) => {
            const value = event.target.value;
            onChange({ accountId: value === ALL ? null : value });
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
      </Field>
      <Field label="Cost metric">
        <select
          data-testid="cost-metric-select"
          value={selection.costMetric}
          onChange={(event) => {
            const value = event.target.value;
            if (isCostMetric(value)) {
              onChange({ costMetric: value });
            }
          }}
        >
          {COST_METRICS.map((metric) => (
            <option key={metric.value} value={metric.value}>
              {metric.label}
            </option>
          ))}
        </select>
      </Field>
    </Filters>
  );
}
