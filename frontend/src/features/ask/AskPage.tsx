import { getRouteApi } from "@tanstack/react-router";
import { useEffect, useMemo, useRef, useState } from "react";

import { EChart } from "../../charts/EChart";
import { ErrorMessage, Loading } from "../../components/QueryStatus";
import { text } from "../../components/styles";
import { Button, Card, CardHeader } from "../../components/ui";
import { ResultTable } from "../sql/ResultTable";
import { buildAskOption, chartKind } from "./askChart";
import { valueText } from "./format";
import { type Answer, useAsk } from "./queries";
import { SqlList } from "./SqlList";

const route = getRouteApi("/ask");

const EXAMPLES = [
  "How much did we spend last month?",
  "Top 5 services by cost last 30 days",
  "Daily cost last 30 days",
  "Top 5 services with rising cost last 60 days",
  "Month-end forecast",
] as const;

function Refused({ answer }: { answer: Answer }) {
  return (
    <Card aria-label="Answer">
      <div
        role="alert"
        data-testid="ask-refused"
        className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-amber-900"
      >
        <p className="font-semibold">The assistant can&apos;t answer that question</p>
        <p className="mt-1 text-sm">{answer.explanation}</p>
        <p className="mt-2 text-xs">
          It gives no number rather than a guess. Try a question like &ldquo;{EXAMPLES[1]}&rdquo;.
        </p>
      </div>
      {answer.sql.length > 0 && <SqlList statements={answer.sql} />}
    </Card>
  );
}

function AnswerCard({ answer }: { answer: Answer }) {
  const kind = chartKind(answer);
  const option = useMemo(() => (kind === null ? null : buildAskOption(answer, kind)), [answer, kind]);

  return (
    <Card aria-label="Answer">
      <CardHeader title="Answer" subtitle={`answered by ${answer.provider === "offline" ? "the offline parser" : answer.provider}`} />
      {answer.value !== null && (
        <p
          data-testid="ask-value"
          data-value={answer.value}
          className="mb-2 text-3xl font-semibold tabular-nums"
        >
          {valueText(answer)}
        </p>
      )}
      <p data-testid="ask-explanation" className="mb-4 max-w-prose">
        {answer.explanation}
      </p>
      {option !== null && kind !== null && (
        <div data-testid="ask-chart" data-kind={kind} className="mb-4 h-72">
          <EChart option={option} renderKey={`${kind}:${answer.question}`} ariaLabel={`${kind} chart of the answer`} />
        </div>
      )}
      {answer.columns.length > 0 && <ResultTable columns={answer.columns} rows={answer.rows} />}
      <SqlList statements={answer.sql} />
    </Card>
  );
}

/** Ask (`/ask`): a cost question in plain English → the answer paragraph, its table, a chart
 * where one fits, and the SQL behind it; a refusal says so and gives no number. Every role may
 * ask; the answers only count the rows of the user's team scope. */
export function AskPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [draft, setDraft] = useState(search.q ?? "");
  // back/forward (or a link) to another question replaces the input's text
  const [shown, setShown] = useState(search.q);
  if (search.q !== shown) {
    setShown(search.q);
    setDraft(search.q ?? "");
  }
  const inputRef = useRef<HTMLInputElement>(null);
  const ask = useAsk();
  const { mutate } = ask;

  // a question in the address (a link, a reload, back/forward, a submit) is asked
  useEffect(() => {
    if (search.q !== undefined) {
      mutate({ question: search.q });
    }
  }, [search.q, mutate]);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const submit = (question: string) => {
    const q = question.trim();
    if (q === "" || ask.isPending) {
      return;
    }
    if (q === search.q) {
      mutate({ question: q });
    } else {
      void navigate({ search: { q } });
    }
  };

  return (
    <>
      <Card>
        <CardHeader
          title="Ask"
          subtitle="A cost question in plain English, answered from the warehouse (your team's rows only), with the SQL behind it"
        />
        <form
          className="flex flex-col gap-2 sm:flex-row"
          onSubmit={(event) => {
            event.preventDefault();
            submit(draft);
          }}
        >
          <label htmlFor="ask-question" className="sr-only">
            Question
          </label>
          <input
            id="ask-question"
            ref={inputRef}
            data-testid="ask-input"
            className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2"
            placeholder={EXAMPLES[0]}
            value={draft}
            maxLength={1000}
            onChange={(event) => {
              setDraft(event.target.value);
            }}
          />
          <Button type="submit" disabled={ask.isPending || draft.trim() === ""}>
            Ask
          </Button>
        </form>
        <div className="mt-3 flex flex-wrap gap-2" aria-label="Example questions">
          {EXAMPLES.map((example) => (
            <button
              key={example}
              type="button"
              className="cursor-pointer rounded-full border border-slate-200 bg-slate-50 px-3 py-1 text-xs text-slate-700 hover:bg-slate-100"
              onClick={() => {
                setDraft(example);
                submit(example);
              }}
            >
              {example}
            </button>
          ))}
        </div>
      </Card>
      {ask.isPending && <Loading label="Answering…" />}
      {ask.isError && <ErrorMessage title="Could not ask the question" error={ask.error} />}
      {ask.isSuccess && (ask.data.refused ? <Refused answer={ask.data} /> : <AnswerCard answer={ask.data} />)}
      {ask.isIdle && (
        <p className={text.muted}>
          Type a question and press Enter (Ctrl+K or ⌘K opens this page from anywhere). The
          question is kept in the address, so a link to this page asks it again.
        </p>
      )}
    </>
  );
}
