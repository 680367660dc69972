import { Link } from "@tanstack/react-router";

import { AccountName } from "../../components/AccountName";
import { useScrollIntoView } from "../../components/inView";
import { QueryView } from "../../components/QueryStatus";
import { Sparkline } from "../../components/Sparkline";
import { text } from "../../components/styles";
import { Badge, Card, CardHeader, Empty, Figure } from "../../components/ui";
import { formatMoney, moneyToNumber } from "../../lib/money";
import { useResource } from "./queries";
import type { ResourceDetailPublic, UtilizationPointPublic } from "./types";

/** Each metric's daily p95 (CPU) or mean (network), oldest first, one value a day. */
function metricSeries(points: readonly UtilizationPointPublic[], metric: string): number[] {
  const byDay = new Map<string, number>();
  for (const point of points) {
    if (point.metric_name === metric && !byDay.has(point.day)) {
      byDay.set(point.day, metric === "CPUUtilization" ? point.p95 : point.avg);
    }
  }
  return [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([, value]) => value);
}

function Links({ detail }: { detail: ResourceDetailPublic }) {
  return (
    <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
      <section aria-label="Findings" data-testid="resource-detail-findings">
        <h3 className="mb-1 text-[13px] font-semibold">Findings ({detail.findings.length})</h3>
        {detail.findings.length === 0 ? (
          <p className={text.muted}>None.</p>
        ) : (
          <ul className="flex flex-col gap-1">
            {detail.findings.map((f) => (
              <li key={f.fingerprint} className="flex flex-wrap items-center gap-2">
                <Link
                  to="/optimization"
                  search={{ finding: f.fingerprint }}
                  className="text-blue-600"
                  data-testid="resource-finding-link"
                >
                  {f.finding_type.replaceAll("_", " ")}
                </Link>
                <Badge tone="neutral">{f.status}</Badge>
                <span className={text.muted}>
                  {formatMoney(f.estimated_monthly_savings, f.currency)}/month · last seen {f.last_seen}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Anomalies" data-testid="resource-detail-anomalies">
        <h3 className="mb-1 text-[13px] font-semibold">Anomalies ({detail.anomalies.length})</h3>
        {detail.anomalies.length === 0 ? (
          <p className={text.muted}>None.</p>
        ) : (
          <ul className="flex flex-col gap-1">
            {detail.anomalies.map((a) => (
              <li key={a.fingerprint} className="flex flex-wrap items-center gap-2">
                <Link
                  to="/anomalies"
                  search={{ anomaly: a.fingerprint, status: "all" }}
                  className="text-blue-600"
                  data-testid="resource-anomaly-link"
                >
                  {a.first_day} – {a.last_day}
                </Link>
                <Badge tone={a.severity === "high" ? "danger" : "warning"}>{a.severity}</Badge>
                <span className={text.muted}>{a.status} · impact {a.impact}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function Detail({ detail, currency }: { detail: ResourceDetailPublic; currency: string }) {
  const cost = detail.daily_cost.map((d) => moneyToNumber(d.cost));
  return (
    <Card data-testid="resource-detail" data-id={detail.resource_id}>
      <CardHeader
        title={detail.name ?? detail.resource_id}
        subtitle={[detail.resource_type, detail.region_id, detail.state].filter(Boolean).join(" · ")}
      />
      <div className="mb-4 grid grid-cols-2 gap-4 md:grid-cols-4">
        <Figure label="Cost, last 30 days" value={formatMoney(detail.cost_30d, currency)} testId="resource-detail-cost" />
        <div className="flex flex-col gap-1">
          <span className="text-[13px] font-medium text-slate-500">Account</span>
          {detail.account_id === null ? "—" : <AccountName id={detail.account_id} stacked />}
        </div>
        <div className="flex flex-col gap-1">
          <span className="text-[13px] font-medium text-slate-500">Cost by day</span>
          <Sparkline values={cost} width={160} height={32} label="Billed cost by day, last 30 days" testId="resource-detail-cost-sparkline" />
        </div>
        <div className="flex flex-col gap-1">
          <span className="text-[13px] font-medium text-slate-500">CPU p95 by day</span>
          <Sparkline
            values={metricSeries(detail.utilization, "CPUUtilization")}
            max={100}
            width={160}
            height={32}
            label="CPU p95 by day"
            testId="resource-detail-cpu-sparkline"
          />
        </div>
      </div>
      {Object.keys(detail.tags).length > 0 && (
        <p className="mb-3 flex flex-wrap gap-1.5" data-testid="resource-detail-tags">
          {Object.entries(detail.tags).map(([key, value]) => (
            <Badge key={key} tone="neutral" className="normal-case">
              {key}={value}
            </Badge>
          ))}
        </p>
      )}
      <Links detail={detail} />
      {detail.arn !== null && <p className={`${text.sub} mt-3 font-mono [overflow-wrap:anywhere]`}>{detail.arn}</p>}
    </Card>
  );
}

/** The resource selected in the table, scrolled into view when it opens. */
export function ResourcePanel({ id, currency }: { id: string; currency: string }) {
  const resource = useResource(id);
  const ref = useScrollIntoView<HTMLDivElement>(id);
  return (
    <div ref={ref}>
      <QueryView query={resource} loading="Loading the resource…" failed="Could not load the resource">
        {(data) => <Detail detail={data} currency={currency} />}
      </QueryView>
    </div>
  );
}

export function NoResource() {
  return (
    <Card>
      <Empty className="py-4">Select a resource to see its daily cost, utilization, findings and anomalies.</Empty>
    </Card>
  );
}
