import { type CsvColumn, downloadCsv, toCsv } from "../lib/csv";
import { Can } from "../auth/Can";
import { NEEDS } from "../auth/permissions";
import { Button } from "./ui";

interface CsvButtonProps<Row> {
  /** the file's name, without ".csv" */
  name: string;
  columns: readonly CsvColumn<Row>[];
  rows: readonly Row[];
  label?: string;
}

/** "Download CSV": the rows the table shows, with every column at full precision (for a role
 * that may export). */
export function CsvButton<Row>({
  name,
  columns,
  rows,
  label = "Download CSV",
}: CsvButtonProps<Row>) {
  return (
    <Can need={NEEDS.exportData}>
      <Button
        disabled={rows.length === 0}
        onClick={() => {
          downloadCsv(`${name}.csv`, toCsv(columns, rows));
        }}
      >
        {label}
      </Button>
    </Can>
  );
}

/** "Download CSV" as a link to a list's own download (the API's `format=csv`: every matching
 * row, streamed), for a role that may export. */
export function CsvLink({ href, testId, label = "Download CSV" }: { href: string; testId: string; label?: string }) {
  return (
    <Can need={NEEDS.exportData}>
      <a
        className="rounded-lg border border-slate-300 bg-white px-3.5 py-1.5 font-medium text-slate-900 no-underline"
        href={href}
        download
        data-testid={testId}
      >
        {label}
      </a>
    </Can>
  );
}
