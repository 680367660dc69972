import { getRouteApi } from "@tanstack/react-router";

import type { FiltersPublic, TrendDimension } from "../../api/client";
import { useFilters } from "../../api/filters";
import { QueryView } from "../../components/QueryStatus";
import { Toolbar } from "../../components/ui";
import { formatLongDate } from "../../lib/dates";
import { InsightCard } from "../insights/InsightCard";
import { FilterBar } from "./FilterBar";
import { KpiCards } from "./KpiCards";
import { useKpiSummary } from "./queries";
import {
  dimensionFromSearch,
  selectionFromSearch,
  selectionToSearch,
} from "./search";
import { DEFAULT_DIMENSION, dimensionOptions, type OverviewSelection } from "./selection";
import { TopServices } from "./TopServices";
import { TrendPanel } from "./TrendPanel";
import { text } from "../../components/styles";

const TREND_TOP_SERIES = 8;
const route = getRouteApi("/");

export function OverviewPage() {
  const filters = useFilters();
  return (
    <QueryView query={filters} loading="Loading filters…" failed="Could not load the dashboard">
      {(data) => <Overview filters={data} />}
    </QueryView>
  );
}

function DataRange({ filters }: { filters: FiltersPublic }) {
  if (filters.data_start === null || filters.data_end === null) {
    return <span className={text.muted}>No billing data ingested yet</span>;
  }
  return (
    <span className={text.muted}>
      Data from {formatLongDate(filters.data_start)} to {formatLongDate(filters.data_end)} ·{" "}
      {filters.currency}
    </span>
  );
}

function Overview({ filters }: { filters: FiltersPublic }) {
  // the selection lives in the URL, so a view can be linked and survives a reload
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const selection = selectionFromSearch(search);
  const dimension = dimensionFromSearch(search);
  // changes merge into the URL's current state, so two quick changes both count
  const setSelection = (changes: Partial<OverviewSelection>) => {
    void navigate({
      search: (prev) => ({
        ...prev,
        ...selectionToSearch({ ...selectionFromSearch(prev), ...changes }),
      }),
    });
  };
  const setDimension = (next: TrendDimension) => {
    void navigate({
      search: (prev) => ({ ...prev, dimension: next === DEFAULT_DIMENSION ? undefined : next }),
    });
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
      <Toolbar>
        <FilterBar filters={filters} selection={selection} onChange={setSelection} />
        <DataRange filters={filters} />
      </Toolbar>
      <QueryView query={summary} loading="Loading cost summary…" failed="Could not load the cost summary">
        {(data) => (
          <KpiCards summary={data} />
        )}
      </QueryView>
      <div className="grid grid-cols-1 items-start gap-4 xl:grid-cols-[minmax(0,1fr)_340px]">
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
      <InsightCard />
    </>
  );
}
