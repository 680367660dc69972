import type { CsvColumn, CsvValue } from "../../lib/csv";

/** One value of a result row as the API sends it (JSON: decimals as exact strings). */
export type SqlValue = unknown;

// a decimal the server sent as exact text ("1234.50"); plain digit strings (account ids) are not
// taken for numbers unless the column also holds a JSON number or a decimal point
const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Whether a result column holds numbers (right-aligned): every value that is not NULL is a JSON
 * number or a decimal string, and at least one is a number or has a decimal point.
 */
export function isNumericColumn(rows: readonly (readonly SqlValue[])[], index: number): boolean {
  let numeric = false;
  for (const row of rows) {
    const value = row[index];
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value === "number") {
      numeric = true;
    } else if (typeof value === "string" && DECIMAL.test(value)) {
      numeric ||= value.includes(".");
    } else {
      return false;
    }
  }
  return numeric;
}

/** A value as text: JSON objects and arrays as compact JSON, everything else as sent. */
export function cellText(value: SqlValue): string {
  if (value === null || value === undefined) {
    return "";
  }
  if (typeof value === "string") {
    return value;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  return JSON.stringify(value);
}

/** The CSV columns of a result: its column names, every value at full precision (NULL empty). */
export function csvColumns(columns: readonly string[]): CsvColumn<readonly SqlValue[]>[] {
  return columns.map((header, index) => ({
    header,
    value: (row): CsvValue => {
      const value = row[index];
      return value === null || value === undefined ? null : cellText(value);
    },
  }));
}

/** The statement a click on a view puts in the editor. */
export function viewStatement(view: string): string {
  return `select * from ${view} limit 100`;
}
