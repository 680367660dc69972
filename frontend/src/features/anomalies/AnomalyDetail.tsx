import { useMemo, useState } from "react";

import type { AnomalyDetailPublic } from "../../api/client";
import { EChart } from "../../charts/EChart";
import { DataTable } from "../../components/DataTable";
import { ErrorMessage, QueryView } from "../../components/QueryStatus";
import { Badge, Button, Card, CardHeader, Empty, Field } from "../../components/ui";
import { formatLongDate } from "../../lib/dates";
import { formatMoney } from "../../lib/money";
import { scopeLabel } from "../../lib/scopes";
import { Can } from "../../auth/Can";
import { NEEDS } from "../../auth/permissions";
import {
  anomalyKindLabel,
  dayRange,
  dimensionLabel,
  formatShareOfDeviation,
  impactText,
  scopeKindLabel,
  STATUS_TONES,
  statusActions,
  statusLabel,
} from "./anomalies";
import { buildAnomalyOption } from "./anomalyOption";
import { useAnomaly, useUpdateAnomalyStatus } from "./queries";
import { UsageIncidents } from "./UsageIncidents";
import { cx, text } from "../../components/styles";

export function AnomalyPanel({ fingerprint }: { fingerprint: string }) {
  const detail = useAnomaly(fingerprint);
  return (
    <QueryView query={detail} loading="Loading the incident…" failed="Could not load the incident">
      {(data) => <AnomalyDetail detail={data} />}
    </QueryView>
  );
}

function AnomalyDetail({ detail }: { detail: AnomalyDetailPublic }) {
  const { currency } = detail;
  const option = useMemo(() => buildAnomalyOption(detail), [detail]);
  const renderKey = `${detail.fingerprint}:${String(detail.series.length)}`;
  return (
    <Card data-testid="anomaly-detail" data-fingerprint={detail.fingerprint}>
      <CardHeader
        title={`${anomalyKindLabel(detail.kind)} in ${scopeLabel(detail.scope)}`}
        subtitle={[
              scopeKindLabel(detail.scope_kind),
              dayRange(detail.first_day, detail.last_day),
              detail.cause === "new_resources" ? "new resources" : "usage change",
              detail.cost_metric.replaceAll("_", " "),
              `detected on ${formatLongDate(detail.detected_on)}`,
        ].join(" · ")}
      >
        <Badge tone={STATUS_TONES[detail.status]} data-testid="anomaly-detail-status">
          {statusLabel(detail.status)}
        </Badge>
      </CardHeader>
      <section className="grid grid-cols-2 gap-4 xl:grid-cols-4" aria-label="Incident figures">
        <Figure label="Actual" value={formatMoney(detail.actual, currency)} />
        <Figure label="Expected" value={formatMoney(detail.expected, currency)} />
        <Figure
          label="Normal range"
          value={`${formatMoney(detail.lower_bound, currency)} – ${formatMoney(
            detail.upper_bound,
            currency,
          )}`}
        />
        <Figure label="Impact" value={impactText(detail, currency)} tone="up" />
      </section>
      <Can need={NEEDS.changeAnomalyStatus}>
        <StatusActions detail={detail} />
      </Can>
      <div className="grid grid-cols-1 items-start gap-5 xl:grid-cols-[minmax(0,1fr)_minmax(0,420px)]">
        <div className="h-[340px]" data-testid="anomaly-chart">
          {detail.series.length === 0 ? (
            <Empty>No daily cost for this scope around the incident.</Empty>
          ) : (
            <EChart
              option={option}
              renderKey={renderKey}
              ariaLabel="Daily actual cost against the expected cost"
            />
          )}
        </div>
        <RootCause detail={detail} />
      </div>
      <UsageIncidents detail={detail} />
    </Card>
  );
}

function Figure({ label, value, tone }: { label: string; value: string; tone?: "up" }) {
  return (
    <div className="flex flex-col gap-1">
      <span className="text-[13px] font-medium text-slate-500">{label}</span>
      <span
        className={cx("text-lg font-[650] tabular-nums", tone === "up" && "text-red-600")}
        data-trend={tone}
      >
        {value}
      </span>
    </div>
  );
}

function StatusActions({ detail }: { detail: AnomalyDetailPublic }) {
  const [note, setNote] = useState("");
  const update = useUpdateAnomalyStatus();
  return (
    <section className="my-4 flex flex-wrap items-end gap-x-4 gap-y-3" aria-label="Feedback">
      <Field label="Note (optional)" grow>
        <input
          type="text"
          data-testid="anomaly-note"
          value={note}
          maxLength={2000}
          placeholder={detail.status_note ?? "Why, for the audit log"}
          onChange={(event) => {
            setNote(event.target.value);
          }}
        />
      </Field>
      <div className="flex flex-wrap gap-2">
        {statusActions(detail).map((action) => (
          <Button
            key={action.status}
            data-testid={`anomaly-action-${action.status}`}
            disabled={update.isPending}
            onClick={() => {
              update.mutate(
                {
                  fingerprint: detail.fingerprint,
                  status: action.status,
                  note: note === "" ? null : note,
                },
                {
                  onSuccess: () => {
                    setNote("");
                  },
                },
              );
            }}
          >
            {action.label}
          </Button>
        ))}
      </div>
      {update.isError && (
        <ErrorMessage title="Could not change the status" error={update.error} />
      )}
    </section>
  );
}

function RootCause({ detail }: { detail: AnomalyDetailPublic }) {
  const { currency } = detail;
  return (
    <div>
      <h3 className="mb-2 text-[13px] font-semibold text-slate-500">Root cause</h3>
      {detail.root_cause.length === 0 ? (
        <Empty>No child of this scope explains the deviation.</Empty>
      ) : (
        <DataTable data-testid="root-cause-table">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col" className={text.num}>
                Actual
              </th>
              <th scope="col" className={text.num}>
                Expected
              </th>
              <th scope="col" className={text.num}>
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {detail.root_cause.map((entry) => (
              <tr key={`${entry.dimension}:${entry.value}`} data-testid="root-cause-row">
                <td>
                  <div className={cx(text.main, text.mono)}>{entry.value}</div>
                  <div className={text.sub}>{dimensionLabel(entry.dimension)}</div>
                </td>
                <td className={text.num}>{formatMoney(entry.actual, currency)}</td>
                <td className={text.num}>{formatMoney(entry.expected, currency)}</td>
                <td className={cx(text.num, text.strong)}>{formatShareOfDeviation(entry.share)}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      {detail.related_scopes.length > 0 && (
        <p className={text.sub} data-testid="related-scopes">
          Also seen in {detail.related_scopes.length}{" "}
          {detail.related_scopes.length === 1 ? "other scope" : "other scopes"}:{" "}
          {detail.related_scopes
            .map((r) =>
              Object.keys(r.scope).length === 0
                ? scopeKindLabel(r.scope_kind)
                : `${scopeKindLabel(r.scope_kind)} ${scopeLabel(r.scope)}`,
            )
            .join("; ")}
        </p>
      )}
    </div>
  );
}
