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
