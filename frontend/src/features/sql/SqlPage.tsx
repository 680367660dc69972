import { getRouteApi } from "@tanstack/react-router";
import { useRef, useState } from "react";

import { NEEDS } from "../../auth/permissions";
import { CsvButton } from "../../components/CsvButton";
import { PageGuard } from "../../components/PageGuard";
import { ErrorMessage, Loading } from "../../components/QueryStatus";
import { text } from "../../components/styles";
import { Card, CardHeader, Empty } from "../../components/ui";
import { csvColumns } from "./cells";
import { type SqlResult, SqlQueryError, useRunSql } from "./queries";
import { ResultTable } from "./ResultTable";
import { SqlEditor } from "./SqlEditor";
import { ViewsSidebar } from "./ViewsSidebar";

const route = getRouteApi("/sql");

/** A positive whole number typed in the row cap, else `undefined` (the server's cap). */
function parseCap(cap: string): number | undefined {
  const value = Number(cap);
  return /^\d+$/.test(cap.trim()) && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

function QueryFailure({ error }: { error: Error }) {
  if (error instanceof SqlQueryError && error.status === 429) {
    const wait = error.retryAfterS === null ? "" : `: try again in ${String(error.retryAfterS)} s`;
    return <ErrorMessage title={`Too many queries${wait}`} error={error} />;
  }
  const title =
    error instanceof SqlQueryError && error.status === 400
      ? "The query was refused or failed"
      : "Could not run the query";
  return <ErrorMessage title={title} error={error} />;
}

function ResultCard({ result }: { result: SqlResult }) {
  return (
    <Card aria-label="Result">
      <CardHeader
        title="Result"
        subtitle={
          <span data-testid="sql-summary">
            {plural(result.row_count, "row")} in{" "}
            {result.duration_ms.toLocaleString("en-US", { maximumFractionDigits: 1 })} ms
          </span>
        }
      >
        <CsvButton name="sql-result" columns={csvColumns(result.columns)} rows={result.rows} />
      </CardHeader>
      {result.truncated && (
        <p
          data-testid="sql-truncated"
          role="status"
          className="mb-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-amber-800"
        >
          Truncated at {plural(result.row_count, "row")}: the query has more. Raise the row cap or
          narrow the query.
        </p>
      )}
      {result.columns.length === 0 ? (
        <Empty>The statement returned no columns</Empty>
      ) : (
        <ResultTable columns={result.columns} rows={result.rows} />
      )}
    </Card>
  );
}

/** The editor and views on the left and right, the last run's result below. */
function SqlConsole() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [draft, setDraft] = useState(search.sql ?? "");
  const [cap, setCap] = useState(search.limit === undefined ? "" : String(search.limit));
  // back/forward (or a link) to another statement replaces the editor's text
  const [shown, setShown] = useState(search.sql);
  if (search.sql !== shown) {
    setShown(search.sql);
    setDraft(search.sql ?? "");
  }
  const editorRef = useRef<HTMLTextAreaElement>(null);
  const run = useRunSql();

  const runDraft = () => {
    if (draft.trim() === "" || run.isPending) {
      return;
    }
    const limit = parseCap(cap);
    setShown(draft);
    void navigate({ search: { sql: draft, limit } });
    run.mutate({ sql: draft, limit: limit ?? null });
  };

  return (
    <>
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-[minmax(0,1fr)_280px]">
        <Card>
          <CardHeader
            title="SQL console"
            subtitle="Read-only queries over the public views, limited to your team's rows"
          />
          <SqlEditor
            sql={draft}
            cap={cap}
            running={run.isPending}
            editorRef={editorRef}
            onSqlChange={setDraft}
            onCapChange={setCap}
            onRun={runDraft}
          />
        </Card>
        <ViewsSidebar
          onPick={(sql) => {
            setDraft(sql);
            editorRef.current?.focus();
          }}
        />
      </div>
      {run.isPending && <Loading label="Running the query…" />}
      {run.isError && <QueryFailure error={run.error} />}
      {run.isSuccess && <ResultCard result={run.data} />}
      {run.isIdle && (
        <p className={text.muted}>
          Write a statement or pick a view, then Run. The statement is kept in the address, so a
          link to this page opens it.
        </p>
      )}
    </>
  );
}

/** The SQL console (`/sql`): analysts and above. */
export function SqlPage() {
  return (
    <PageGuard need={NEEDS.useSql}>
      <SqlConsole />
    </PageGuard>
  );
}
