import { useState } from "react";

import { QueryView } from "../../components/QueryStatus";
import { cx, text } from "../../components/styles";
import { Card, CardHeader, Empty, LinkButton } from "../../components/ui";
import { viewStatement } from "./cells";
import { useSqlTables, type SqlTable } from "./queries";

function ViewItem({ view, onPick }: { view: SqlTable; onPick: (sql: string) => void }) {
  const [open, setOpen] = useState(false);
  const listId = `sql-view-${view.name}-columns`;
  return (
    <li data-testid="sql-view" data-view={view.name} className="py-1">
      <div className="flex items-center gap-1.5">
        <button
          type="button"
          className="w-5 cursor-pointer border-none bg-transparent p-0 text-slate-500"
          aria-expanded={open}
          aria-controls={listId}
          aria-label={`${open ? "Hide" : "Show"} the columns of ${view.name}`}
          onClick={() => {
            setOpen(!open);
          }}
        >
          {open ? "▾" : "▸"}
        </button>
        <LinkButton
          className={cx(text.mono, "[overflow-wrap:anywhere]")}
          title={viewStatement(view.name)}
          onClick={() => {
            onPick(viewStatement(view.name));
          }}
        >
          {view.name}
        </LinkButton>
      </div>
      {open && (
        <ul id={listId} className="mt-1 ml-6.5 flex flex-col gap-0.5" aria-label={`Columns of ${view.name}`}>
          {view.columns.map((column) => (
            <li key={column.name} data-testid="sql-view-column" className="flex justify-between gap-2">
              <span className={cx(text.mono, "[overflow-wrap:anywhere]")}>{column.name}</span>
              <span className="text-xs whitespace-nowrap text-slate-500">{column.type}</span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** The views the console may query: a click puts a `select *` of one in the editor; the arrow
 * shows its columns and their types. */
export function ViewsSidebar({ onPick }: { onPick: (sql: string) => void }) {
  const tables = useSqlTables();
  return (
    <Card className="self-start" aria-label="Views">
      <CardHeader title="Views" subtitle="Click one to query it" />
      <QueryView query={tables} loading="Loading the views…" failed="Could not load the views">
        {(data) =>
          data.data.length === 0 ? (
            <Empty>No views to query</Empty>
          ) : (
            <ul className="flex flex-col">
              {data.data.map((view) => (
                <ViewItem key={view.name} view={view} onPick={onPick} />
              ))}
            </ul>
          )
        }
      </QueryView>
    </Card>
  );
}
