import { getRouteApi } from "@tanstack/react-router";

import { QueryView } from "../../components/QueryStatus";
import { DateField, SelectField } from "../../components/fields";
import { useScrollIntoView } from "../../components/inView";
import type { Option } from "../../components/options";
import { Card, Empty, FilterBar, Toolbar } from "../../components/ui";
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
const STATUS_OPTIONS: Option[] = [
  { value: ATTENTION, label: "Needs attention (open + acknowledged)" },
  ...ANOMALY_STATUSES,
  { value: ALL_STATUSES, label: "All statuses" },
];

function AnomaliesFilters({
  search,
  onFilter,
}: {
  search: AnomaliesSearch;
  onFilter: (key: keyof AnomaliesSearch, raw: string) => void;
}) {
  return (
    <FilterBar>
      <SelectField
        label="Status"
        testId="anomaly-status-select"
        value={search.status ?? ATTENTION}
        options={STATUS_OPTIONS}
        onChange={(value) => {
          onFilter("status", value);
        }}
      />
      <SelectField
        label="Severity"
        testId="anomaly-severity-select"
        value={search.severity ?? ALL}
        options={[{ value: ALL, label: "All severities" }, ...ANOMALY_SEVERITIES]}
        onChange={(value) => {
          onFilter("severity", value);
        }}
      />
      <SelectField
        label="Scope"
        testId="anomaly-scope-select"
        value={search.scope ?? ALL}
        options={[{ value: ALL, label: "All scopes" }, ...SCOPE_KINDS]}
        onChange={(value) => {
          onFilter("scope", value);
        }}
      />
      <DateField
        label="From"
        testId="anomaly-start"
        value={search.start ?? ""}
        onChange={(value) => {
          onFilter("start", value);
        }}
      />
      <DateField
        label="To"
        testId="anomaly-end"
        value={search.end ?? ""}
        onChange={(value) => {
          onFilter("end", value);
        }}
      />
    </FilterBar>
  );
}

export function AnomaliesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const offset = search.offset ?? 0;
  const selected = search.anomaly ?? null;
  // the incident opens below the list: brought into view, so a click shows it at once
  const detailRef = useScrollIntoView<HTMLDivElement>(selected);

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
        <AnomaliesFilters search={search} onFilter={filter} />
        <span className={text.muted}>
          Incidents from the anomaly job, deduplicated across scopes · newest first
        </span>
      </Toolbar>
      <QueryView query={anomalies} loading="Loading anomalies…" failed="Could not load the anomalies">
        {(data) => (
          <AnomaliesTable
            anomalies={data}
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
      </QueryView>
      {selected === null ? (
        <Card>
          <Empty className="py-4">Select an incident to see its root cause and daily cost.</Empty>
        </Card>
      ) : (
        <div ref={detailRef}>
          <AnomalyPanel fingerprint={selected} />
        </div>
      )}
    </>
  );
}
