import { getRouteApi } from "@tanstack/react-router";

import { ErrorMessage, Loading } from "../../components/QueryStatus";
import { Field, FilterBar, Headline, Toolbar } from "../../components/ui";
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
        <FilterBar>
          <Field label="Source">
            <select
              data-testid="source-select"
              value={selected ?? ALL}
              onChange={(event) => {
                selectSource(event.target.value === ALL ? null : event.target.value);
              }}
            >
              <option value={ALL}>All sources</option>
              {names.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Load status">
            <select
              data-testid="load-status-select"
              value={status ?? ALL}
              onChange={(event) => {
                update({ status: event.target.value });
              }}
            >
              <option value={ALL}>Every status</option>
              {LOAD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Severity">
            <select
              data-testid="severity-select"
              value={severity ?? ALL}
              onChange={(event) => {
                update({ severity: event.target.value }, true);
              }}
            >
              <option value={ALL}>Errors and warnings</option>
              {QUALITY_SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s === "error" ? "Errors" : "Warnings"}
                </option>
              ))}
            </select>
          </Field>
        </FilterBar>
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
      {sources.isPending ? (
        <Loading label="Loading billing sources…" />
      ) : sources.isError ? (
        <ErrorMessage
          title="Could not load the billing sources"
          error={sources.error}
          onRetry={() => void sources.refetch()}
        />
      ) : (
        <SourcesTable sources={shown} selected={selected} onSelect={selectSource} />
      )}
      {loads.isPending ? (
        <Loading label="Loading the ingest log…" />
      ) : loads.isError ? (
        <ErrorMessage
          title="Could not load the ingest log"
          error={loads.error}
          onRetry={() => void loads.refetch()}
        />
      ) : (
        <LoadsTable
          loads={loads.data}
          offset={offset}
          pageSize={LOADS_PAGE_SIZE}
          onOffsetChange={(next) => {
            update({ offset: String(next) }, true);
          }}
        />
      )}
      {quality.isPending ? (
        <Loading label="Loading data-quality findings…" />
      ) : quality.isError ? (
        <ErrorMessage
          title="Could not load the data-quality findings"
          error={quality.error}
          onRetry={() => void quality.refetch()}
        />
      ) : (
        <QualityTable findings={quality.data} />
      )}
    </>
  );
}
