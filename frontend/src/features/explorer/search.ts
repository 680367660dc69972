import { type RawSearch, ISO_DATE, matching, oneOf, texts } from "../../app/search";
import type { CostMetric } from "../../api/client";
import { COST_METRICS } from "../../lib/costMetrics";
import { GRANULARITIES, type Granularity } from "../../lib/dates";
import type { ExplorerQuery } from "./types";

/** The dimensions a breakdown groups and filters by, besides `tag:<key>`. */
export const BASE_DIMENSIONS = [
  { key: "service_name", label: "Service" },
  { key: "account_id", label: "Account" },
  { key: "region_id", label: "Region" },
  { key: "charge_category", label: "Charge category" },
  { key: "service_category", label: "Service category" },
  { key: "usage_type", label: "Usage type" },
] as const;

export type BaseDimension = (typeof BASE_DIMENSIONS)[number]["key"];

const BASE_KEYS: readonly string[] = BASE_DIMENSIONS.map((d) => d.key);

export { GRANULARITIES, type Granularity } from "../../lib/dates";

/** At most this many group-by dimensions (the API's limit). */
export const MAX_GROUP_BY = 2;

/**
 * The Explorer's state in the URL, named as the API's query parameters (`/explorer?...` forwards
 * its own query string to `/api/v1/explorer`): date range, granularity, metric, up to two
 * group-by dimensions, and the filters (each a list of allowed values; `tag` as `KEY:VALUE`;
 * an empty value means "missing").
 */
export interface ExplorerSearch {
  start?: string | undefined;
  end?: string | undefined;
  granularity?: Granularity | undefined;
  metric?: CostMetric | undefined;
  group_by?: string[] | undefined;
  account_id?: string[] | undefined;
  service_name?: string[] | undefined;
  service_category?: string[] | undefined;
  region_id?: string[] | undefined;
  charge_category?: string[] | undefined;
  usage_type?: string[] | undefined;
  tag?: string[] | undefined;
}

/** A base dimension's name, or `tag:<key>` with a non-empty key; anything else is `undefined`. */
export function dimension(value: string): string | undefined {
  if (BASE_KEYS.includes(value)) {
    return value;
  }
  return /^tag:.+$/.test(value) ? value : undefined;
}

export function isBaseDimension(value: string): value is BaseDimension {
  return BASE_KEYS.includes(value);
}

function list(values: string[]): string[] | undefined {
  const unique = [...new Set(values)];
  return unique.length === 0 ? undefined : unique;
}

export function validateExplorerSearch(raw: RawSearch): ExplorerSearch {
  const groupBy = texts(raw["group_by"]).flatMap((value) => dimension(value) ?? []);
  const search: ExplorerSearch = {
    start: matching(raw["start"], ISO_DATE),
    end: matching(raw["end"], ISO_DATE),
    granularity: oneOf(
      raw["granularity"],
      GRANULARITIES.map((g) => g.value),
    ),
    metric: oneOf(
      raw["metric"],
      COST_METRICS.map((m) => m.value),
    ),
    group_by: list(groupBy)?.slice(0, MAX_GROUP_BY),
    tag: list(texts(raw["tag"]).filter((value) => /^[^:]+:/.test(value))),
  };
  for (const key of BASE_DIMENSIONS.map((d) => d.key)) {
    search[key] = list(texts(raw[key]));
  }
  return search;
}

/** One active filter: a dimension (`tag:<key>` for a tag) and one allowed value. */
export interface FilterEntry {
  dimension: string;
  value: string;
}

function splitTag(pair: string): FilterEntry {
  const colon = pair.indexOf(":");
  return { dimension: `tag:${pair.slice(0, colon)}`, value: pair.slice(colon + 1) };
}

export function filterEntries(search: ExplorerSearch): FilterEntry[] {
  return [
    ...BASE_DIMENSIONS.flatMap((d) => (search[d.key] ?? []).map((value) => ({ dimension: d.key, value }))),
    ...(search.tag ?? []).map(splitTag),
  ];
}

/** `search` with `value` allowed for `dim` too (a tag filter is written `KEY:VALUE`). */
export function addFilter(search: ExplorerSearch, dim: string, value: string): ExplorerSearch {
  if (dim.startsWith("tag:")) {
    return { ...search, tag: list([...(search.tag ?? []), `${dim.slice(4)}:${value}`]) };
  }
  if (!isBaseDimension(dim)) {
    return search;
  }
  return { ...search, [dim]: list([...(search[dim] ?? []), value]) };
}

/** `search` with `dim` narrowed to `value` alone (whatever it allowed before). */
export function setFilter(search: ExplorerSearch, dim: string, value: string): ExplorerSearch {
  const cleared = filterEntries(search)
    .filter((entry) => entry.dimension === dim)
    .reduce(removeFilter, search);
  return addFilter(cleared, dim, value);
}

export function removeFilter(search: ExplorerSearch, entry: FilterEntry): ExplorerSearch {
  if (entry.dimension.startsWith("tag:")) {
    const pair = `${entry.dimension.slice(4)}:${entry.value}`;
    return { ...search, tag: list((search.tag ?? []).filter((t) => t !== pair)) };
  }
  if (!isBaseDimension(entry.dimension)) {
    return search;
  }
  const dim = entry.dimension;
  return { ...search, [dim]: list((search[dim] ?? []).filter((v) => v !== entry.value)) };
}

/** Whether `dim` is narrowed to one value (grouping by it would show one group). */
function pinned(search: ExplorerSearch, dim: string): boolean {
  return filterEntries(search).filter((entry) => entry.dimension === dim).length === 1;
}

/** The next useful dimension after a drill-down on `dim`: a service's usage types, an
 * account's or a region's services, and so on. */
const DRILL_ORDER: Record<string, readonly string[]> = {
  service_name: ["usage_type", "region_id", "account_id"],
  account_id: ["service_name", "region_id", "usage_type"],
  region_id: ["service_name", "account_id", "usage_type"],
  charge_category: ["service_name", "account_id", "region_id"],
  service_category: ["service_name", "usage_type", "region_id"],
  usage_type: ["account_id", "region_id", "charge_category"],
};
const FALLBACK = ["service_name", "usage_type", "account_id", "region_id", "charge_category"];

/**
 * Clicking a group (a bar segment or a table row): its keys become the filters of their
 * dimensions (replacing what they allowed; a missing key filters on "missing") and the view groups by the next useful dimension of the first one.
 * An empty `keys` (the "Other" series) or no grouping leaves the view as it is.
 */
export function drillDown(search: ExplorerSearch, keys: readonly (string | null)[]): ExplorerSearch {
  const groupBy = search.group_by ?? [];
  if (groupBy.length === 0 || keys.length !== groupBy.length) {
    return search;
  }
  let next = search;
  groupBy.forEach((dim, index) => {
    next = setFilter(next, dim, keys[index] ?? "");
  });
  const first = groupBy[0] ?? "";
  const candidates = [...(DRILL_ORDER[first] ?? []), ...FALLBACK];
  const target = candidates.find((dim) => !groupBy.includes(dim) && !pinned(next, dim));
  return { ...next, group_by: target === undefined ? undefined : [target] };
}

/** The API's query parameters for the view: the page's own, the ones it holds only. */
export function apiQuery(search: ExplorerSearch): ExplorerQuery {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(search)) {
    if (typeof value === "string" || (Array.isArray(value) && value.length > 0)) {
      query[key] = value as string | string[];
    }
  }
  // every key of ExplorerSearch is one of the API's, with a value it accepts
  return query;
}

/** The dimension's display name (`tag:team` → "Tag: team"). */
export function dimensionLabel(dim: string): string {
  const base = BASE_DIMENSIONS.find((d) => d.key === dim);
  if (base !== undefined) {
    return base.label;
  }
  return dim.startsWith("tag:") ? `Tag: ${dim.slice(4)}` : dim;
}
