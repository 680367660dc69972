/**
 * Tables as CSV files (RFC 4180: comma separated, CRLF line ends, fields quoted when they hold a
 * comma, quote or line break). Values are written as the API sent them: money stays the exact
 * decimal string, never a rounded or float number.
 */

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

// a spreadsheet runs a cell that starts with one of these as a formula; "-" is left alone so
// negative amounts stay numbers
const FORMULA_START = /^[=+@\t\r]/;

function field(value: CsvValue): string {
  if (value === null || value === undefined) {
    return "";
  }
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The rows under a header line, one line per row. */
export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [
    columns.map((column) => field(column.header)).join(","),
    ...rows.map((row) => columns.map((column) => field(column.value(row))).join(",")),
  ];
  return `${lines.join("\r\n")}\r\n`;
}

/** Has the browser save `text` as `filename` (a CSV file). */
export function downloadCsv(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.style.display = "none";
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    URL.revokeObjectURL(url);
  }
}
