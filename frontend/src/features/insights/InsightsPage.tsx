import { useState } from "react";

import { Pager } from "../../components/Pager";
import { QueryView } from "../../components/QueryStatus";
import { Card, CardHeader, Empty, Field, Toolbar } from "../../components/ui";
import { text } from "../../components/styles";
import { useInsights, type InsightsQuery } from "./queries";
import { SummaryText } from "./SummaryText";

const PAGE_SIZE = 10;
type Period = NonNullable<InsightsQuery["period"]>;

/** Every written spend summary the caller may see, latest period first. */
export function InsightsPage() {
  const [period, setPeriod] = useState<Period>("week");
  const [offset, setOffset] = useState(0);
  const insights = useInsights({ period, limit: PAGE_SIZE, offset });
  return (
    <>
      <Toolbar>
        <Field label="Period">
          <select
            value={period}
            data-testid="insights-period"
            onChange={(event) => {
              setPeriod(event.target.value as Period);
              setOffset(0);
            }}
          >
            <option value="week">Weekly</option>
            <option value="month">Monthly</option>
          </select>
        </Field>
      </Toolbar>
      <QueryView query={insights} loading="Loading summaries…" failed="Could not load the summaries">
        {(data) => (
          <div className="flex flex-col gap-4" data-testid="insights-list">
            {data.data.length === 0 && <Empty>No spend summary written yet.</Empty>}
            {data.data.map((insight) => (
              <Card key={insight.id}>
                <CardHeader
                  title={insight.title}
                  subtitle={`${insight.period_start} to ${insight.period_end}, as of ${insight.as_of}`}
                />
                <SummaryText body={insight.body} />
                <p className={text.muted}>
                  {insight.provider === "template"
                    ? "Written from the template"
                    : `Rephrased by ${insight.provider}`}
                </p>
              </Card>
            ))}
            <Pager
              offset={offset}
              pageSize={PAGE_SIZE}
              shown={data.data.length}
              count={data.count}
              onOffsetChange={setOffset}
            />
          </div>
        )}
      </QueryView>
    </>
  );
}
