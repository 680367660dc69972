import { offset, type RawSearch, text } from "../../app/search";

/** The SQL console's state in the URL: the statement last run and the row cap asked for, so a
 * query can be linked and survives a reload. */
export interface SqlSearch {
  sql?: string;
  limit?: number;
}

export function validateSqlSearch(raw: RawSearch): SqlSearch {
  return { sql: text(raw["sql"]), limit: offset(raw["limit"]) };
}
