import { getRouteApi } from "@tanstack/react-router";
import { useMemo } from "react";

import { useFilters } from "../../api/filters";
import { EChart } from "../../charts/EChart";
import type { Option } from "../../components/options";
import { CsvLink } from "../../components/CsvButton";
import { QueryView } from "../../components/QueryStatus";
import { text } from "../../components/styles";
import { Card, CardHeader, Empty, Headline, Toolbar } from "../../components/ui";
import { formatMoney } from "../../lib/money";
import { ExplorerControls } from "./ExplorerControls";
import { buildExplorerOption } from "./explorerOption";
import { ExplorerTable } from "./ExplorerTable";
import { FilterPanel } from "./FilterPanel";
import { explorerCsvUrl, useExplorer, useExplorerDimensions } from "./queries";
import { BASE_DIMENSIONS, drillDown, type ExplorerSearch } from "./search";
import type { ExplorerPublic } from "./types";

const route = getRouteApi("/explorer");

const SOURCES: Record<string, string> = {
  rollup_daily: "daily rollup",
  rollup_monthly: "monthly rollup",
  costs: "cost rows",
};

function ExplorerChart({ view, onDrill }: { view: ExplorerPublic; onDrill: (keys: (string | null)[]) => void }) {
  const option = useMemo(() => buildExplorerOption(view), [view]);
  const renderKey = `${view.start}:${view.end}:${view.granularity}:${view.group_by.join(",")}:${view.total}`;
  return (
    <Card>
      <CardHeader
        title="Cost over time"
        subtitle={`${view.start} – ${view.end}, ${view.granularity} · click a bar segment to drill down`}
      />
      {view.periods.length === 0 ? (
        <Empty>No cost in this range.</Empty>
      ) : (
        <div className="h-[340px]" data-testid="explorer-chart">
          <EChart
            option={option}
            renderKey={renderKey}
            ariaLabel="Cost by period, stacked by group"
            onItemClick={({ seriesIndex }) => {
              const series = view.series[seriesIndex];
              if (series !== undefined && !series.other) {
                onDrill(series.keys);
              }
            }}
          />
        </div>
      )}
    </Card>
  );
}

/** The dimensions to group and filter by: the API's list (tag keys included), else the base. */
function useDimensionOptions(): Option[] {
  const dimensions = useExplorerDimensions();
  return useMemo(
    () =>
      (dimensions.data?.dimensions ?? BASE_DIMENSIONS).map((d) => ({ value: d.key, label: d.label })),
    [dimensions.data],
  );
}

/** Cost Explorer (`/explorer`): a breakdown of cost over a date range, grouped by up to two
 * dimensions and filtered; the query string is the API's, so a link shares the view. */
export function ExplorerPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const explorer = useExplorer(search);
  const filters = useFilters();
  const dimensions = useDimensionOptions();
  const go = (next: ExplorerSearch) => {
    void navigate({ search: next });
  };
  const drill = (keys: (string | null)[]) => {
    go(drillDown(search, keys));
  };
  const view = explorer.data;
  return (
    <>
      <Toolbar>
        <ExplorerControls
          search={search}
          view={view}
          dataEnd={filters.data?.data_end ?? undefined}
          dimensions={dimensions}
          onChange={go}
        />
        {view !== undefined && (
          <Headline label="Total" value={formatMoney(view.total, view.currency ?? "USD")} plain testId="explorer-headline">
            <span className={text.muted}>
              from the {SOURCES[view.source] ?? view.source}
            </span>
          </Headline>
        )}
      </Toolbar>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <FilterPanel search={search} dimensions={dimensions} onChange={go} />
        <CsvLink href={explorerCsvUrl(search)} testId="explorer-csv" />
      </div>
      <QueryView query={explorer} loading="Loading the breakdown…" failed="Could not load the breakdown">
        {(data) => (
          <>
            <ExplorerChart view={data} onDrill={drill} />
            <ExplorerTable view={data} onDrill={drill} />
          </>
        )}
      </QueryView>
    </>
  );
}
