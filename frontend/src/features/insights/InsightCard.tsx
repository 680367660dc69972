import { Link } from "@tanstack/react-router";

import { Card, CardHeader, Empty } from "../../components/ui";
import { text } from "../../components/styles";
import { latestOf, useInsights } from "./queries";
import { SummaryText } from "./SummaryText";

/** The Overview's card: the latest weekly spend summary the caller may see. */
export function InsightCard() {
  const insights = useInsights({ period: "week", limit: 50 });
  const latest = insights.isSuccess ? latestOf(insights.data.data) : undefined;
  if (!insights.isSuccess) return null;
  return (
    <Card data-testid="insight-card">
      <CardHeader
        title={latest?.title ?? "Weekly spend summary"}
        subtitle={latest ? `As of ${latest.as_of}` : undefined}
      >
        <Link to="/insights" className="text-sm text-blue-600" data-testid="insights-link">
          Previous summaries
        </Link>
      </CardHeader>
      {latest ? (
        <>
          <SummaryText body={latest.body} />
          {latest.provider === "template" ? null : (
            <p className={text.muted}>Rephrased by {latest.provider}; the numbers are checked.</p>
          )}
        </>
      ) : (
        <Empty>No spend summary written yet (finops run insights).</Empty>
      )}
    </Card>
  );
}
