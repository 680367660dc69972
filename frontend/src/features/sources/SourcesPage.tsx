import { getRouteApi } from "@tanstack/react-router";

import { QueryView } from "../../components/QueryStatus";
import { SelectField } from "../../components/fields";
import type { Option } from "../../components/options";
import { FilterBar, Headline, Toolbar } from "../../components/ui";
import { LoadsTable } from "./LoadsTable";
import { QualityTable } from "./QualityTable";
import { useLoads, useQualityFindings, useSources } from "./queries";
import { type SourcesSearch, validateSourcesSearch } from "./search";
import { LOAD_STATUSES, plural, QUALITY_SEVERITIES } from "./sources";
import { SourcesTable } from "./SourcesTable";
import { text } from "../../components/styles";

export const LOADS_PAGE_SIZE = 20;

const ALL = "";
const route = getRouteApi("/sources");
const STATUS_OPTIONS: Option[] = [
  { value: ALL, label: "Every status" },
  ...LOAD_STATUSES.map((s) => ({ value: s, label: s })),
];
const SEVERITY_OPTIONS: Option[] = [
  { value: ALL, label: "Errors and warnings" },
  ...QUALITY_SEVERITIES.map((s) => ({ value: s, label: s === "error" ? "Errors" : "Warnings" })),
];

function SourcesFilters({
  search,
  names,
  onUpdate,
}: {
  search: SourcesSearch;
  names: readonly string[];
  onUpdate: (changes: Partial<Record<keyof SourcesSearch, string>>, keepOffset?: boolean) => void;
}) {
  return (
    <FilterBar>
      <SelectField
        label="Source"
        testId="source-select"
        value={search.source ?? ALL}
        options={[
          { value: ALL, label: "All sources" },
          ...names.map((name) => ({ value: name, label: name })),
        ]}
        onChange={(value) => {
          onUpdate({ source: value });
        }}
      />
      <SelectField
        label="Load status"
        testId="load-status-select"
        value={search.status ?? ALL}
        options={STATUS_OPTIONS}
        onChange={(value) => {
          onUpdate({ status: value });
        }}
      />
      <SelectField
        label="Severity"
        testId="severity-select"
        value={search.severity ?? ALL}
        options={SEVERITY_OPTIONS}
        onChange={(value) => {
          onUpdate({ severity: value }, true);
        }}
      />
    </FilterBar>
  );
}

export function SourcesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const selected = search.source ?? null;
  const status = search.status ?? null;
  const severity = search.severity ?? null;
  const offset = search.offset ?? 0;

  /** Sets filters from the controls, validated like the URL; `offset` resets unless kept. */
  function update(changes: Partial<Record<keyof SourcesSearch, string>>, keepOffset = false) {
    const valid = validateSourcesSearch(changes);
    const next = Object.fromEntries(
      Object.keys(changes).map((key) => [key, valid[key as keyof SourcesSearch]]),
    );
    void navigate({
      search: (prev) => ({ ...prev, ...(keepOffset ? {} : { offset: undefined }), ...next }),
    });
  }

  const sources = useSources();
  const loads = useLoads({ source_id: selected, status, limit: LOADS_PAGE_SIZE, offset });
  const quality = useQualityFindings({ source_id: selected, severity });

  const allSources = sources.data?.data ?? [];
  const names = allSources.map((source) => source.source_id);
  if (selected !== null && !names.includes(selected)) {
    names.push(selected); // a removed source still has loads in the log
  }
  const shown =
    selected === null ? allSources : allSources.filter((s) => s.source_id === selected);

  function selectSource(sourceId: string | null) {
    update({ source: sourceId ?? "" });
  }

  return (
    <>
      <Toolbar>
        <SourcesFilters search={search} names={names} onUpdate={update} />
        {sources.isSuccess && (
          <Headline label="Billing sources" value={sources.data.count} plain testId="sources-headline">
            <span className={text.muted}>
              {plural(
                allSources.reduce((total, s) => total + s.quality_findings, 0),
                "data-quality finding",
                "data-quality findings",
              )}
            </span>
          </Headline>
        )}
      </Toolbar>
      <QueryView query={sources} loading="Loading billing sources…" failed="Could not load the billing sources">
        {() => <SourcesTable sources={shown} selected={selected} onSelect={selectSource} />}
      </QueryView>
      <QueryView query={loads} loading="Loading the ingest log…" failed="Could not load the ingest log">
        {(data) => (
          <LoadsTable
            loads={data}
            offset={offset}
            pageSize={LOADS_PAGE_SIZE}
            onOffsetChange={(next) => {
              update({ offset: String(next) }, true);
            }}
          />
        )}
      </QueryView>
      <QueryView query={quality} loading="Loading data-quality findings…" failed="Could not load the data-quality findings">
        {(data) => (
          <QualityTable findings={data} />
        )}
      </QueryView>
    </>
  );
}
