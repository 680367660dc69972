import type { FiltersPublic } from "../../api/client";
import { DateField, SelectField } from "../../components/fields";
import { accountOption } from "../../components/options";
import { FilterBar as Filters } from "../../components/ui";
import { formatBillingPeriod } from "../../lib/dates";
import { COST_METRICS, isCostMetric, type OverviewSelection } from "./selection";

interface FilterBarProps {
  filters: FiltersPublic;
  selection: OverviewSelection;
  /** the fields that change (a period clears the range, a range clears the period) */
  onChange: (changes: Partial<OverviewSelection>) => void;
}

const ALL = "";

function orNull(value: string): string | null {
  return value === ALL ? null : value;
}

export function FilterBar({ filters, selection, onChange }: FilterBarProps) {
  return (
    <Filters>
      <SelectField
        label="Billing period"
        testId="billing-period-select"
        value={selection.billingPeriod ?? ALL}
        options={[
          { value: ALL, label: selection.start === null ? "Latest month" : "Date range" },
          ...filters.billing_periods.map((p) => ({ value: p, label: formatBillingPeriod(p) })),
        ]}
        onChange={(value) => {
          onChange({ billingPeriod: orNull(value), start: null, end: null });
        }}
      />
      <DateField
        label="From"
        testId="range-start"
        value={selection.start ?? ""}
        min={filters.data_start ?? undefined}
        max={filters.data_end ?? undefined}
        onChange={(value) => {
          onChange({ billingPeriod: null, start: orNull(value) });
        }}
      />
      <DateField
        label="To"
        testId="range-end"
        value={selection.end ?? ""}
        min={selection.start ?? filters.data_start ?? undefined}
        max={filters.data_end ?? undefined}
        onChange={(value) => {
          onChange({ billingPeriod: null, end: orNull(value) });
        }}
      />
      <SelectField
        label="Account"
        testId="account-select"
        value={selection.accountId ?? ALL}
        options={[{ value: ALL, label: "All accounts" }, ...filters.accounts.map(accountOption)]}
        onChange={(value) => {
          onChange({ accountId: orNull(value) });
        }}
      />
      <SelectField
        label="Cost metric"
        testId="cost-metric-select"
        value={selection.costMetric}
        options={COST_METRICS}
        onChange={(value) => {
          if (isCostMetric(value)) {
            onChange({ costMetric: value });
          }
        }}
      />
    </Filters>
  );
}
