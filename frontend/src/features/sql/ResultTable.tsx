import { memo } from "react";

import { DataTable, TableHead } from "../../components/DataTable";
import { cx, text } from "../../components/styles";
import { cellText, isNumericColumn, type SqlValue } from "./cells";

function Cell({ value, numeric }: { value: SqlValue; numeric: boolean }) {
  if (value === null || value === undefined) {
    return (
      <td data-null="true" className={cx(numeric && text.num)}>
        <span className="text-xs text-slate-400 italic">NULL</span>
      </td>
    );
  }
  const json = typeof value === "object";
  return (
    <td
      data-json={json ? "true" : undefined}
      className={cx(numeric ? text.num : text.main, json && text.mono)}
    >
      {cellText(value)}
    </td>
  );
}

/** A query's result: its columns as sent, numbers right-aligned, NULL set apart from the empty
 * string, JSON values as compact JSON. */
export const ResultTable = memo(function ResultTable({
  columns,
  rows,
}: {
  columns: readonly string[];
  rows: readonly (readonly SqlValue[])[];
}) {
  const numeric = columns.map((_, index) => isNumericColumn(rows, index));
  return (
    <DataTable data-testid="sql-result">
      <TableHead columns={columns.map((label, index) => ({ label, num: numeric[index] ?? false }))} />
      <tbody>
        {rows.map((row, r) => (
          <tr key={r} data-testid="sql-row">
            {columns.map((_, c) => (
              <Cell key={c} value={row[c]} numeric={numeric[c] ?? false} />
            ))}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
});
