import { useMemo, useState } from "react";

import type {
  AnomaliesPublic,
  AnomalyDetailPublic,
  AnomalyPublic,
  AnomalySeverity,
  AnomalyStatus,
} from "../api/client";
import { useAnomalies, useAnomaly, useUpdateAnomalyStatus } from "../api/queries";
import { buildAnomalyOption } from "../components/anomalyOption";
import { EChart } from "../components/EChart";
import { Pager } from "../components/Pager";
import { ErrorMessage, Loading } from "../components/QueryStatus";
import {
  ANOMALY_SEVERITIES,
  ANOMALY_STATUSES,
  anomalyKindLabel,
  ATTENTION_STATUSES,
  dayRange,
  dimensionLabel,
  formatShareOfDeviation,
  isAnomalySeverity,
  isAnomalyStatus,
  SCOPE_KINDS,
  scopeKindLabel,
  scopeLabel,
  statusActions,
  statusLabel,
} from "../lib/anomalies";
import { formatLongDate } from "../lib/dates";
import { formatMoney } from "../lib/money";

export const ANOMALIES_PAGE_SIZE = 25;

const ALL = "";
const ATTENTION = "attention";

type StatusChoice = typeof ATTENTION | AnomalyStatus | typeof ALL;

function statusQuery(choice: StatusChoice): AnomalyStatus[] | undefined {
  if (choice === ATTENTION) {
    return ATTENTION_STATUSES;
  }
  return choice === ALL ? undefined : [choice];
}

function isStatusChoice(value: string): value is StatusChoice {
  return value === ATTENTION || value === ALL || isAnomalyStatus(value);
}

function impactText(anomaly: AnomalyPublic, currency: string): string {
  const amount = formatMoney(anomaly.impact, currency);
  return anomaly.impact_pct === null ? amount : `${amount} (${anomaly.impact_pct}%)`;
}

export function AnomaliesPage() {
  const [status, setStatus] = useState<StatusChoice>(ATTENTION);
  const [severity, setSeverity] = useState<AnomalySeverity | null>(null);
  const [scopeKind, setScopeKind] = useState<string | null>(null);
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);

  const anomalies = useAnomalies({
    status: statusQuery(status),
    severity: severity === null ? undefined : [severity],
    scope_kind: scopeKind,
    start: start === "" ? null : start,
    end: end === "" ? null : end,
    limit: ANOMALIES_PAGE_SIZE,
    offset,
  });

  function filtered<T>(set: (value: T) => void) {
    return (value: T) => {
      set(value);
      setOffset(0);
    };
  }

  return (
    <>
      <div className="toolbar">
        <section className="filter-bar" aria-label="Filters">
          <label className="field">
            <span className="field-label">Status</span>
            <select
              data-testid="anomaly-status-select"
              value={status}
              onChange={(event) => {
                const value = event.target.value;
                if (isStatusChoice(value)) {
                  filtered(setStatus)(value);
                }
              }}
            >
              <option value={ATTENTION}>Needs attention (open + acknowledged)</option>
              {ANOMALY_STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
              <option value={ALL}>All statuses</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">Severity</span>
            <select
              data-testid="anomaly-severity-select"
              value={severity ?? ALL}
              onChange={(event) => {
                const value = event.target.value;
                filtered(setSeverity)(isAnomalySeverity(value) ? value : null);
              }}
            >
              <option value={ALL}>All severities</option>
              {ANOMALY_SEVERITIES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Scope</span>
            <select
              data-testid="anomaly-scope-select"
              value={scopeKind ?? ALL}
              onChange={(event) => {
                const value = event.target.value;
                filtered(setScopeKind)(value === ALL ? null : value);
              }}
            >
              <option value={ALL}>All scopes</option>
              {SCOPE_KINDS.map((kind) => (
                <option key={kind.value} value={kind.value}>
                  {kind.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">From</span>
            <input
              type="date"
              data-testid="anomaly-start"
              value={start}
              onChange={(event) => {
                filtered(setStart)(event.target.value);
              }}
            />
          </label>
          <label className="field">
            <span className="field-label">To</span>
            <input
              type="date"
              data-testid="anomaly-end"
              value={end}
              onChange={(event) => {
                filtered(setEnd)(event.target.value);
              }}
            />
          </label>
        </section>
        <span className="data-range">
          Incidents from the anomaly job, deduplicated across scopes · newest first
        </span>
      </div>
      {anomalies.isPending ? (
        <Loading label="Loading anomalies…" />
      ) : anomalies.isError ? (
        <ErrorMessage
          title="Could not load the anomalies"
          error={anomalies.error}
          onRetry={() => void anomalies.refetch()}
        />
      ) : (
        <AnomaliesTable
          anomalies={anomalies.data}
          offset={offset}
          selected={selected}
          onSelect={setSelected}
          onOffsetChange={setOffset}
        />
      )}
      {selected === null ? (
        <p className="card empty">Select an incident to see its root cause and daily cost.</p>
      ) : (
        <AnomalyPanel fingerprint={selected} />
      )}
    </>
  );
}

interface AnomaliesTableProps {
  anomalies: AnomaliesPublic;
  offset: number;
  selected: string | null;
  onSelect: (fingerprint: string) => void;
  onOffsetChange: (offset: number) => void;
}

function AnomaliesTable({
  anomalies,
  offset,
  selected,
  onSelect,
  onOffsetChange,
}: AnomaliesTableProps) {
  const { currency } = anomalies;
  return (
    <article className="card table-card">
      <header className="card-header">
        <div>
          <h2 className="card-title">Anomalies</h2>
          <span className="card-subtitle">Select a row for its root cause and actions</span>
        </div>
        <span className="card-subtitle" data-testid="anomalies-total">
          {anomalies.count} {anomalies.count === 1 ? "incident" : "incidents"}
        </span>
      </header>
      {anomalies.data.length === 0 ? (
        <p className="empty">
          No incidents match these filters. The anomaly job (finops run anomalies) finds them.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="anomalies-table">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Scope</th>
                <th scope="col">Kind</th>
                <th scope="col">Days</th>
                <th scope="col" className="num">
                  Actual
                </th>
                <th scope="col" className="num">
                  Expected
                </th>
                <th scope="col" className="num">
                  Impact
                </th>
                <th scope="col">Top cause</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {anomalies.data.map((anomaly) => {
                const active = anomaly.fingerprint === selected;
                return (
                  <tr
                    key={anomaly.fingerprint}
                    data-testid="anomaly-row"
                    data-fingerprint={anomaly.fingerprint}
                    className={active ? "row-selected row-clickable" : "row-clickable"}
                    aria-selected={active}
                    onClick={() => {
                      onSelect(anomaly.fingerprint);
                    }}
                  >
                    <td>
                      <span className={`badge badge-severity-${anomaly.severity}`}>
                        {anomaly.severity}
                      </span>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link-button cell-main"
                        onClick={(event) => {
                          event.stopPropagation();
                          onSelect(anomaly.fingerprint);
                        }}
                      >
                        {scopeLabel(anomaly.scope)}
                      </button>
                      <div className="cell-sub">{scopeKindLabel(anomaly.scope_kind)}</div>
                    </td>
                    <td>{anomalyKindLabel(anomaly.kind)}</td>
                    <td className="nowrap">{dayRange(anomaly.first_day, anomaly.last_day)}</td>
                    <td className="num">{formatMoney(anomaly.actual, currency)}</td>
                    <td className="num">{formatMoney(anomaly.expected, currency)}</td>
                    <td className="num strong">{impactText(anomaly, currency)}</td>
                    <td>
                      {anomaly.top_cause === null ? (
                        "—"
                      ) : (
                        <>
                          <div className="cell-main mono">{anomaly.top_cause.value}</div>
                          <div className="cell-sub">
                            {dimensionLabel(anomaly.top_cause.dimension)} ·{" "}
                            {formatShareOfDeviation(anomaly.top_cause.share)}
                          </div>
                        </>
                      )}
                    </td>
                    <td>
                      <span className={`badge badge-${anomaly.status}`}>
                        {statusLabel(anomaly.status)}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        offset={offset}
        pageSize={ANOMALIES_PAGE_SIZE}
        shown={anomalies.data.length}
        count={anomalies.count}
        onOffsetChange={onOffsetChange}
      />
    </article>
  );
}

function AnomalyPanel({ fingerprint }: { fingerprint: string }) {
  const detail = useAnomaly(fingerprint);
  if (detail.isPending) {
    return <Loading label="Loading the incident…" />;
  }
  if (detail.isError) {
    return (
      <ErrorMessage
        title="Could not load the incident"
        error={detail.error}
        onRetry={() => void detail.refetch()}
      />
    );
  }
  return <AnomalyDetail detail={detail.data} />;
}

function AnomalyDetail({ detail }: { detail: AnomalyDetailPublic }) {
  const { currency } = detail;
  const option = useMemo(() => buildAnomalyOption(detail), [detail]);
  const renderKey = `${detail.fingerprint}:${String(detail.series.length)}`;
  return (
    <article className="card" data-testid="anomaly-detail" data-fingerprint={detail.fingerprint}>
      <header className="card-header">
        <div>
          <h2 className="card-title">
            {anomalyKindLabel(detail.kind)} in {scopeLabel(detail.scope)}
          </h2>
          <span className="card-subtitle">
            {[
              scopeKindLabel(detail.scope_kind),
              dayRange(detail.first_day, detail.last_day),
              detail.cause === "new_resources" ? "new resources" : "usage change",
              detail.cost_metric.replaceAll("_", " "),
              `detected on ${formatLongDate(detail.detected_on)}`,
            ].join(" · ")}
          </span>
        </div>
        <span className={`badge badge-${detail.status}`} data-testid="anomaly-detail-status">
          {statusLabel(detail.status)}
        </span>
      </header>
      <section className="kpi-grid" aria-label="Incident figures">
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
      <StatusActions detail={detail} />
      <div className="detail-grid">
        <div className="anomaly-chart" data-testid="anomaly-chart">
          {detail.series.length === 0 ? (
            <p className="empty">No daily cost for this scope around the incident.</p>
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
    </article>
  );
}

function Figure({ label, value, tone }: { label: string; value: string; tone?: "up" }) {
  return (
    <div className="figure">
      <span className="kpi-label">{label}</span>
      <span className={tone === undefined ? "figure-value" : `figure-value kpi-${tone}`}>
        {value}
      </span>
    </div>
  );
}

function StatusActions({ detail }: { detail: AnomalyDetailPublic }) {
  const [note, setNote] = useState("");
  const update = useUpdateAnomalyStatus();
  return (
    <section className="status-actions" aria-label="Feedback">
      <label className="field field-grow">
        <span className="field-label">Note (optional)</span>
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
      </label>
      <div className="pager-buttons">
        {statusActions(detail).map((action) => (
          <button
            key={action.status}
            type="button"
            className="button button-plain"
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
          </button>
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
      <h3 className="section-title">Root cause</h3>
      {detail.root_cause.length === 0 ? (
        <p className="empty">No child of this scope explains the deviation.</p>
      ) : (
        <table className="data-table" data-testid="root-cause-table">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col" className="num">
                Actual
              </th>
              <th scope="col" className="num">
                Expected
              </th>
              <th scope="col" className="num">
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {detail.root_cause.map((entry) => (
              <tr key={`${entry.dimension}:${entry.value}`} data-testid="root-cause-row">
                <td>
                  <div className="cell-main mono">{entry.value}</div>
                  <div className="cell-sub">{dimensionLabel(entry.dimension)}</div>
                </td>
                <td className="num">{formatMoney(entry.actual, currency)}</td>
                <td className="num">{formatMoney(entry.expected, currency)}</td>
                <td className="num strong">{formatShareOfDeviation(entry.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {detail.related_scopes.length > 0 && (
        <p className="cell-sub" data-testid="related-scopes">
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
