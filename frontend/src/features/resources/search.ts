import { offset, type RawSearch, text } from "../../app/search";

/** The Resources page's state in the URL: the inventory's filters, sort and offset, and the
 * resource opened below the table (`id`). */
export interface ResourcesSearch {
  account_id?: string | undefined;
  region_id?: string | undefined;
  resource_type?: string | undefined;
  q?: string | undefined;
  sort?: string | undefined;
  offset?: number | undefined;
  id?: string | undefined;
}

export const SORTS = [
  { value: "-cost_30d", label: "Cost, highest first" },
  { value: "cost_30d", label: "Cost, lowest first" },
  { value: "cpu_p95_14d", label: "CPU p95, lowest first" },
  { value: "-open_findings", label: "Most findings" },
  { value: "resource_id", label: "Resource id" },
] as const;

export function validateResourcesSearch(raw: RawSearch): ResourcesSearch {
  const sort = text(raw["sort"]);
  return {
    account_id: text(raw["account_id"]),
    region_id: text(raw["region_id"]),
    resource_type: text(raw["resource_type"]),
    q: text(raw["q"]),
    sort: SORTS.some((s) => s.value === sort) ? sort : undefined,
    offset: offset(raw["offset"]),
    id: text(raw["id"]),
  };
}
