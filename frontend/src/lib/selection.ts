import type { CostMetric, FiltersPublic, TrendDimension } from "../api/client";

export const COST_METRICS = [
  { value: "billed_cost", label: "Billed cost" },
  { value: "effective_cost", label: "Effective cost" },
  { value: "list_cost", label: "List cost" },
] as const satisfies readonly { value: CostMetric; label: string }[];

const TREND_DIMENSIONS = [
  "service_name",
  "sub_account_id",
  "region_id",
  "charge_category",
  "service_category",
] as const satisfies readonly TrendDimension[];

export const DEFAULT_DIMENSION: TrendDimension = "service_name";

export function isCostMetric(value: string): value is CostMetric {
  return COST_METRICS.some((metric) => metric.value === value);
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

const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function matching(value: string | null, pattern: RegExp): string | null {
  return value !== null && pattern.test(value) ? value : null;
}

/** The selection a URL query string holds (`?period=2026-10&account=…&metric=…`, or
 * `?start=…&end=…`); anything malformed is ignored. */
export function selectionFromSearch(search: string): OverviewSelection {
  const params = new URLSearchParams(search);
  const metric = params.get("metric");
  const billingPeriod = matching(params.get("period"), ISO_MONTH);
  return {
    billingPeriod,
    start: billingPeriod === null ? matching(params.get("start"), ISO_DATE) : null,
    end: billingPeriod === null ? matching(params.get("end"), ISO_DATE) : null,
    accountId: params.get("account"),
    costMetric: metric !== null && isCostMetric(metric) ? metric : INITIAL_SELECTION.costMetric,
  };
}

/** The query parameters that hold `selection` (null: left out of the URL). */
export function selectionToSearch(selection: OverviewSelection): Record<string, string | null> {
  return {
    period: selection.billingPeriod,
    start: selection.start,
    end: selection.end,
    account: selection.accountId,
    metric: selection.costMetric === INITIAL_SELECTION.costMetric ? null : selection.costMetric,
  };
}

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
