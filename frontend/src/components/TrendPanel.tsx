import type { DimensionOption } from "../lib/selection";
import type { SpendTrendQuery, TrendDimension } from "../api/client";
import { useSpendTrend } from "../api/queries";
import { ErrorMessage, Loading } from "./QueryStatus";
import { TrendChart } from "./TrendChart";

interface TrendPanelProps {
  query: SpendTrendQuery;
  dimensions: readonly DimensionOption[];
  dimension: TrendDimension;
  onDimensionChange: (dimension: TrendDimension) => void;
}

export function TrendPanel({ query, dimensions, dimension, onDimensionChange }: TrendPanelProps) {
  const trend = useSpendTrend(query);
  const label = dimensions.find((option) => option.key === dimension)?.label ?? dimension;
  return (
    <article className="card trend-panel">
      <header className="card-header">
        <div>
          <h2 className="card-title">Daily cost trend</h2>
          <span className="card-subtitle">
            By {label.toLowerCase()}
            {trend.isFetching && !trend.isPending ? " · updating…" : ""}
          </span>
        </div>
        <label className="field field-inline">
          <span className="field-label">Group by</span>
          <select
            data-testid="dimension-select"
            value={dimension}
            onChange={(event) => {
              const selected = dimensions.find((option) => option.key === event.target.value);
              if (selected !== undefined) {
                onDimensionChange(selected.key);
              }
            }}
          >
            {dimensions.map((option) => (
              <option key={option.key} value={option.key}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      {trend.isPending ? (
        <Loading label="Loading cost trend…" />
      ) : trend.isError ? (
        <ErrorMessage
          title="Could not load the cost trend"
          error={trend.error}
          onRetry={() => void trend.refetch()}
        />
      ) : (
        <TrendChart trend={trend.data} dimensionLabel={label} />
      )}
    </article>
  );
}
