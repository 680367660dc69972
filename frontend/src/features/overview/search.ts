import {
  ISO_DATE,
  ISO_MONTH,
  matching,
  oneOf,
  type RawSearch,
  text,
} from "../../app/search";
import type { CostMetric, TrendDimension } from "../../api/client";
import {
  COST_METRICS,
  DEFAULT_DIMENSION,
  INITIAL_SELECTION,
  type OverviewSelection,
  TREND_DIMENSIONS,
} from "./selection";

/** The Overview's state in the URL: `?period=2026-10&account=…&metric=…&dimension=…`, or a
 * range `?start=…&end=…` instead of the period. Absent keys mean the defaults. */
export interface OverviewSearch {
  period?: string;
  start?: string;
  end?: string;
  account?: string;
  metric?: CostMetric;
  dimension?: TrendDimension;
}

const METRICS = COST_METRICS.map((metric) => metric.value);

/** Reads the query string; anything malformed is left out, and a period wins over a range. */
export function validateOverviewSearch(raw: RawSearch): OverviewSearch {
  const period = matching(raw["period"], ISO_MONTH);
  return {
    period,
    start: period === undefined ? matching(raw["start"], ISO_DATE) : undefined,
    end: period === undefined ? matching(raw["end"], ISO_DATE) : undefined,
    account: text(raw["account"]),
    metric: oneOf(raw["metric"], METRICS),
    dimension: oneOf(raw["dimension"], TREND_DIMENSIONS),
  };
}

export function selectionFromSearch(search: OverviewSearch): OverviewSelection {
  return {
    billingPeriod: search.period ?? null,
    start: search.start ?? null,
    end: search.end ?? null,
    accountId: search.account ?? null,
    costMetric: search.metric ?? INITIAL_SELECTION.costMetric,
  };
}

/** The search keys that hold `selection` (`undefined`: left out of the URL). */
export function selectionToSearch(selection: OverviewSelection): OverviewSearch {
  return {
    period: selection.billingPeriod ?? undefined,
    start: selection.start ?? undefined,
    end: selection.end ?? undefined,
    account: selection.accountId ?? undefined,
    metric:
      selection.costMetric === INITIAL_SELECTION.costMetric ? undefined : selection.costMetric,
  };
}

export function dimensionFromSearch(search: OverviewSearch): TrendDimension {
  return search.dimension ?? DEFAULT_DIMENSION;
}
