import { offset, type RawSearch, text } from "../../app/search";

/** The columns the accounts list sorts by (the API's `sort`, `-column` for descending). */
export const SORT_COLUMNS = [
  "account_name",
  "team",
  "cost_center",
  "cost_30d",
  "cost_total",
  "first_day",
  "last_day",
] as const;

export type SortColumn = (typeof SORT_COLUMNS)[number];

/** The API's own order: the largest 30-day cost first. */
export const DEFAULT_SORT = "-cost_30d";

/** The Accounts page's state in the URL: the sort (`column` or `-column`) and the offset. */
export interface AccountsSearch {
  sort?: string | undefined;
  offset?: number | undefined;
}

/** `column` or `-column` for one of the sortable columns, else `undefined`. */
function sortSpec(value: unknown): string | undefined {
  const found = text(value);
  const column = found?.replace(/^-/, "");
  return SORT_COLUMNS.some((c) => c === column) ? found : undefined;
}

export function validateAccountsSearch(raw: RawSearch): AccountsSearch {
  return { sort: sortSpec(raw["sort"]), offset: offset(raw["offset"]) };
}

/** The column and direction of a sort (`undefined`: the default). */
export function parseSort(sort: string | undefined): { column: string; descending: boolean } {
  const spec = sort ?? DEFAULT_SORT;
  return { column: spec.replace(/^-/, ""), descending: spec.startsWith("-") };
}

/** The sort after a click on `column`'s header: the other direction when it already sorts
 * by it, else its natural first direction (amounts and days largest / newest first, names
 * A to Z); the default is written as `undefined` (never in the URL). */
export function nextSort(sort: string | undefined, column: SortColumn): string | undefined {
  const current = parseSort(sort);
  let descending: boolean;
  if (current.column === column) {
    descending = !current.descending;
  } else {
    descending = column.startsWith("cost_") || column.endsWith("_day");
  }
  const spec = `${descending ? "-" : ""}${column}`;
  return spec === DEFAULT_SORT ? undefined : spec;
}
