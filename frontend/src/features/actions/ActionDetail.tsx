import { useAccountLabel } from "../../api/accounts";
import { useMemo } from "react";

import type { ActionDetailPublic } from "../../api/client";
import { Can } from "../../auth/Can";
import { NEEDS } from "../../auth/permissions";
import { EChart } from "../../charts/EChart";
import { QueryView } from "../../components/QueryStatus";
import { Badge, Card, CardHeader, Empty, Figure } from "../../components/ui";
import { cx, text } from "../../components/styles";
import { formatMoney } from "../../lib/money";
import {
  actionLabel,
  formatTimestamp,
  RISK_TONES,
  statusLabel,
  statusTone,
} from "./actions";
import { ActionControls } from "./ActionControls";
import { useAction } from "./queries";
import { ExecutionLog } from "./ExecutionLog";
import { buildUtilizationOption } from "./utilizationOption";

export function ActionPanel({ id }: { id: number }) {
  const detail = useAction(id);
  return (
    <QueryView query={detail} loading="Loading the proposal…" failed="Could not load the proposal">
      {(data) => <ActionDetail detail={data} />}
    </QueryView>
  );
}

function money(value: string | null, currency: string): string {
  return value === null ? "—" : formatMoney(value, currency);
}

function Evidence({ detail }: { detail: ActionDetailPublic }) {
  const { evidence } = detail;
  const currency = evidence.currency ?? detail.currency;
  const option = useMemo(() => buildUtilizationOption(evidence.utilization), [evidence.utilization]);
  return (
    <>
      <section className="grid grid-cols-2 gap-4 xl:grid-cols-4" aria-label="Evidence figures">
        <Figure
          label="Estimated savings / month"
          testId="action-savings"
          value={formatMoney(detail.estimated_monthly_savings, detail.currency)}
        />
        <Figure label="Cost, last 7 days" testId="action-cost-7d" value={money(evidence.cost_7d, currency)} />
        <Figure label="Cost, last 30 days" testId="action-cost-30d" value={money(evidence.cost_30d, currency)} />
        <div className="flex flex-col gap-1">
          <span className="text-[13px] font-medium text-slate-500">Risk</span>
          <span>
            <Badge tone={RISK_TONES[detail.risk]} data-testid="action-risk">
              {detail.risk}
            </Badge>{" "}
            <span className={text.muted}>{detail.reversible ? "reversible" : "not reversible"}</span>
          </span>
        </div>
      </section>
      {evidence.utilization.length === 0 ? (
        <Empty className="py-3" data-testid="action-utilization">
          No utilization recorded for this resource in the last 30 days.
        </Empty>
      ) : (
        <div className="h-[260px]" data-testid="action-utilization">
          <EChart
            option={option}
            renderKey={`${String(detail.id)}:${String(evidence.utilization.length)}`}
            ariaLabel="Daily utilization of the resource"
          />
        </div>
      )}
    </>
  );
}

function JsonBlock({ title, value, testId }: { title: string; value: unknown; testId: string }) {
  return (
    <div className="min-w-0">
      <h3 className="mb-1 text-[13px] font-semibold text-slate-500">{title}</h3>
      <pre
        className="max-h-48 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs"
        data-testid={testId}
      >
        {JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}

function Decision({ detail }: { detail: ActionDetailPublic }) {
  const { decision } = detail;
  if (decision === null) {
    return (
      <p className={text.muted} data-testid="action-decision">
        No decision yet · waits until {formatTimestamp(detail.expires_at)}
      </p>
    );
  }
  return (
    <p data-testid="action-decision" data-decision={decision.decision}>
      <strong>{decision.decision === "approve" ? "Approved" : "Rejected"}</strong> by{" "}
      <span data-testid="action-decision-actor" className={text.mono}>
        {decision.actor}
      </span>{" "}
      ({decision.source}) on {formatTimestamp(decision.decided_at)}: “{decision.reason}”
      {decision.expires_at !== null && (
        <span className={text.muted}> · valid until {formatTimestamp(decision.expires_at)}</span>
      )}
    </p>
  );
}

function ActionDetail({ detail }: { detail: ActionDetailPublic }) {
  const accountLabel = useAccountLabel();
  return (
    <Card data-testid="action-detail" data-id={detail.id}>
      <CardHeader
        title={`#${String(detail.id)} ${actionLabel(detail.action)} ${detail.resource_id}`}
        subtitle={[
          `${accountLabel(detail.account_id)} · ${detail.region}`,
          detail.resource_type,
          `finding ${detail.finding_type}`,
          `policy ${detail.policy}`,
          `proposed by ${detail.proposed_by} on ${formatTimestamp(detail.proposed_at)}`,
        ]
          .filter((part) => part !== null)
          .join(" · ")}
      >
        <Badge tone={statusTone(detail.status)} data-testid="action-detail-status">
          {statusLabel(detail.status)}
        </Badge>
      </CardHeader>
      {detail.status_reason !== null && (
        <p className={cx(text.muted, "mb-3")} data-testid="action-status-reason">
          {detail.status_reason}
        </p>
      )}
      <div className="flex flex-col gap-4">
        <Evidence detail={detail} />
        <p className="text-xs">
          <span className="font-semibold text-slate-500">Digest </span>
          <code className="[overflow-wrap:anywhere]" data-testid="action-digest">
            {detail.digest}
          </code>
          {detail.four_eyes && <span className={text.muted}> · four-eyes: the proposer cannot approve</span>}
        </p>
        <Decision detail={detail} />
        <Can need={NEEDS.approve}>
          <ActionControls detail={detail} />
        </Can>
        <div className="grid grid-cols-1 gap-4 xl:grid-cols-3">
          <JsonBlock title="Parameters" value={detail.parameters} testId="action-parameters" />
          <JsonBlock title="Observed state" value={detail.observed_state} testId="action-observed" />
          <JsonBlock title="Finding" value={detail.evidence.finding} testId="action-finding" />
        </div>
        <ExecutionLog detail={detail} />
      </div>
    </Card>
  );
}
