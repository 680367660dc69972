import type { CostMetric, FiltersPublic, TrendDimension } from "../../api/client";

import { COST_METRICS as COST_METRICS_LIST } from "../../lib/costMetrics";

export { COST_METRICS } from "../../lib/costMetrics";

export const TREND_DIMENSIONS = [
  "service_name",
  "sub_account_id",
  "region_id",
  "charge_category",
  "service_category",
] as const satisfies readonly TrendDimension[];

export const DEFAULT_DIMENSION: TrendDimension = "service_name";

export function isCostMetric(value: string): value is CostMetric {
  return COST_METRICS_LIST.some((metric) => metric.value === value);
}

export function isTrendDimension(value: string): value is TrendDimension {
  return (TREND_DIMENSIONS as readonly string[]).includes(value);
}

/** What the filter bar selects; `null` means no filter ("All"). A billing period and a date
 * range exclude each other: choosing one clears the other. */
export interface OverviewSelection {
  billingPeriod: string | null;
  start: string | null;
  end: string | null;
  accountId: string | null;
  costMetric: CostMetric;
}

export const INITIAL_SELECTION: OverviewSelection = {
  billingPeriod: null,
  start: null,
  end: null,
  accountId: null,
  costMetric: "billed_cost",
};

export interface DimensionOption {
  key: TrendDimension;
  label: string;
}

/** The breakdowns the API offers that this dashboard knows how to request. */
export function dimensionOptions(filters: FiltersPublic): DimensionOption[] {
  return filters.dimensions.flatMap(({ key, label }) =>
    isTrendDimension(key) ? [{ key, label }] : [],
  );
}
