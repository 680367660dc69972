import { getRouteApi } from "@tanstack/react-router";

import { ErrorMessage, Loading } from "../../components/QueryStatus";
import { Card, Empty, Field, FilterBar, Toolbar } from "../../components/ui";
import { text } from "../../components/styles";
import { ANOMALY_SEVERITIES, ANOMALY_STATUSES, SCOPE_KINDS } from "./anomalies";
import { AnomaliesTable } from "./AnomaliesTable";
import { AnomalyPanel } from "./AnomalyDetail";
import { useAnomalies } from "./queries";
import {
  ALL_STATUSES,
  type AnomaliesSearch,
  statusQuery,
  validateAnomaliesSearch,
} from "./search";

export const ANOMALIES_PAGE_SIZE = 25;

const ALL = "";
const ATTENTION = "";
const route = getRouteApi("/anomalies");

export function AnomaliesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const offset = search.offset ?? 0;
  const selected = search.anomaly ?? null;

  const anomalies = useAnomalies({
    status: statusQuery(search.status),
    severity: search.severity === undefined ? undefined : [search.severity],
    scope_kind: search.scope ?? null,
    start: search.start ?? null,
    end: search.end ?? null,
    limit: ANOMALIES_PAGE_SIZE,
    offset,
  });

  /** A new filter starts the list from its first page; `raw` is validated like the URL. */
  function filter(key: keyof AnomaliesSearch, raw: string) {
    const value = validateAnomaliesSearch({ [key]: raw })[key];
    void navigate({ search: (prev) => ({ ...prev, [key]: value, offset: undefined }) });
  }

  return (
    <>
      <Toolbar>
        <FilterBar>
          <Field label="Status">
            <select
              data-testid="anomaly-status-select"
              value={search.status ?? ATTENTION}
              onChange={(event) => {
                filter("status", event.target.value);
              }}
            >
              <option value={ATTENTION}>Needs attention (open + acknowledged)</option>
              {ANOMALY_STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
              <option value={ALL_STATUSES}>All statuses</option>
            </select>
          </Field>
          <Field label="Severity">
            <select
              data-testid="anomaly-severity-select"
              value={search.severity ?? ALL}
              onChange={(event) => {
                filter("severity", event.target.value);
              }}
            >
              <option value={ALL}>All severities</option>
              {ANOMALY_SEVERITIES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Scope">
            <select
              data-testid="anomaly-scope-select"
              value={search.scope ?? ALL}
              onChange={(event) => {
                filter("scope", event.target.value);
              }}
            >
              <option value={ALL}>All scopes</option>
              {SCOPE_KINDS.map((kind) => (
                <option key={kind.value} value={kind.value}>
                  {kind.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="From">
            <input
              type="date"
              data-testid="anomaly-start"
              value={search.start ?? ""}
              onChange={(event) => {
                filter("start", event.target.value);
              }}
            />
          </Field>
          <Field label="To">
            <input
              type="date"
              data-testid="anomaly-end"
              value={search.end ?? ""}
              onChange={(event) => {
                filter("end", event.target.value);
              }}
            />
          </Field>
        </FilterBar>
        <span className={text.muted}>
          Incidents from the anomaly job, deduplicated across scopes · newest first
        </span>
      </Toolbar>
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
          pageSize={ANOMALIES_PAGE_SIZE}
          selected={selected}
          onSelect={(fingerprint) => {
            void navigate({ search: (prev) => ({ ...prev, anomaly: fingerprint }) });
          }}
          onOffsetChange={(next) => {
            void navigate({ search: (prev) => ({ ...prev, offset: next === 0 ? undefined : next }) });
          }}
        />
      )}
      {selected === null ? (
        <Card>
          <Empty className="py-4">Select an incident to see its root cause and daily cost.</Empty>
        </Card>
      ) : (
        <AnomalyPanel fingerprint={selected} />
      )}
    </>
  );
}
