import { useMemo } from "react";

import type { FiltersPublic, TrendDimension } from "../api/client";
import { useFilters, useKpiSummary } from "../api/queries";
import { FilterBar } from "../components/FilterBar";
import { KpiCards } from "../components/KpiCards";
import { ErrorMessage, Loading } from "../components/QueryStatus";
import { TopServices } from "../components/TopServices";
import { TrendPanel } from "../components/TrendPanel";
import { formatLongDate } from "../lib/dates";
import { setSearchParams, useSearch } from "../lib/router";
import {
  DEFAULT_DIMENSION,
  dimensionOptions,
  isTrendDimension,
  type OverviewSelection,
  selectionFromSearch,
  selectionToSearch,
} from "../lib/selection";

const TREND_TOP_SERIES = 8;

export function OverviewPage() {
  const filters = useFilters();
  if (filters.isPending) {
    return <Loading label="Loading filters…" />;
  }
  if (filters.isError) {
    return (
      <ErrorMessage
        title="Could not load the dashboard"
        error={filters.error}
        onRetry={() => void filters.refetch()}
      />
    );
  }
  return <Overview filters={filters.data} />;
}

function DataRange({ filters }: { filters: FiltersPublic }) {
  if (filters.data_start === null || filters.data_end === null) {
    return <span className="data-range">No billing data ingested yet</span>;
  }
  return (
    <span className="data-range">
      Data from {formatLongDate(filters.data_start)} to {formatLongDate(filters.data_end)} ·{" "}
      {filters.currency}
    </span>
  );
}

function Overview({ filters }: { filters: FiltersPublic }) {
  // the selection lives in the URL, so a view can be linked and survives a reload
  const search = useSearch();
  const selection = useMemo(() => selectionFromSearch(search), [search]);
  const dimensionParam = new URLSearchParams(search).get("dimension");
  const dimension: TrendDimension =
    dimensionParam !== null && isTrendDimension(dimensionParam) ? dimensionParam : DEFAULT_DIMENSION;
  const setSelection = (next: OverviewSelection) => {
    setSearchParams(selectionToSearch(next));
  };
  const setDimension = (next: TrendDimension) => {
    setSearchParams({ dimension: next === DEFAULT_DIMENSION ? null : next });
  };
  const query = {
    billing_period: selection.billingPeriod,
    start: selection.start,
    end: selection.end,
    account_id: selection.accountId,
    cost_metric: selection.costMetric,
  };
  const summary = useKpiSummary(query);

  return (
    <>
      <div className="toolbar">
        <FilterBar filters={filters} selection={selection} onChange={setSelection} />
        <DataRange filters={filters} />
      </div>
      {summary.isPending ? (
        <Loading label="Loading cost summary…" />
      ) : summary.isError ? (
        <ErrorMessage
          title="Could not load the cost summary"
          error={summary.error}
          onRetry={() => void summary.refetch()}
        />
      ) : (
        <KpiCards summary={summary.data} />
      )}
      <div className="overview-grid">
        <TrendPanel
          query={{ ...query, dimension, top: TREND_TOP_SERIES }}
          dimensions={dimensionOptions(filters)}
          dimension={dimension}
          onDimensionChange={setDimension}
        />
        {summary.isSuccess && (
          <TopServices services={summary.data.top_services} currency={summary.data.currency} />
        )}
      </div>
    </>
  );
}
