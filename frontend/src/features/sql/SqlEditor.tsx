import type { RefObject } from "react";

import { cx, fieldLabel } from "../../components/styles";
import { Button } from "../../components/ui";

const INPUT = "rounded-lg border border-slate-300 bg-white px-2.5 py-1.5";

/** Ctrl+Enter (Cmd+Enter on a Mac) in the editor runs the statement. */
function isRunKey(event: { key: string; ctrlKey: boolean; metaKey: boolean }): boolean {
  return event.key === "Enter" && (event.ctrlKey || event.metaKey);
}

/** The statement (monospace), the row cap and Run. */
export function SqlEditor({
  sql,
  cap,
  running,
  editorRef,
  onSqlChange,
  onCapChange,
  onRun,
}: {
  sql: string;
  cap: string;
  running: boolean;
  editorRef: RefObject<HTMLTextAreaElement | null>;
  onSqlChange: (sql: string) => void;
  onCapChange: (cap: string) => void;
  onRun: () => void;
}) {
  return (
    <form
      className="flex flex-col gap-3"
      aria-label="SQL statement"
      onSubmit={(event) => {
        event.preventDefault();
        onRun();
      }}
    >
      <label className="flex flex-col gap-1">
        <span className={fieldLabel}>
          Statement (one SELECT or WITH over the views; Ctrl+Enter or ⌘+Enter runs it)
        </span>
        <textarea
          ref={editorRef}
          data-testid="sql-editor"
          className={cx(INPUT, "min-h-40 resize-y font-mono text-[13px] leading-5")}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          value={sql}
          placeholder="select sub_account_id, sum(billed_cost) from costs group by 1"
          onChange={(event) => {
            onSqlChange(event.target.value);
          }}
          onKeyDown={(event) => {
            if (isRunKey(event)) {
              event.preventDefault();
              onRun();
            }
          }}
        />
      </label>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1">
          <span className={fieldLabel}>Row cap</span>
          <input
            data-testid="sql-cap"
            className={cx(INPUT, "w-32 tabular-nums")}
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            placeholder="server's"
            value={cap}
            onChange={(event) => {
              onCapChange(event.target.value);
            }}
          />
        </label>
        <Button type="submit" variant="primary" disabled={running || sql.trim() === ""}>
          {running ? "Running…" : "Run"}
        </Button>
      </div>
    </form>
  );
}
