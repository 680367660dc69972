import type { SpendTrendQuery, TrendDimension } from "../../api/client";
import { ErrorMessage, Loading } from "../../components/QueryStatus";
import { Card, CardHeader, Field } from "../../components/ui";
import { useSpendTrend } from "./queries";
import type { DimensionOption } from "./selection";
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
    <Card>
      <CardHeader
        title="Daily cost trend"
        subtitle={`By ${label.toLowerCase()}${trend.isFetching && !trend.isPending ? " · updating…" : ""}`}
      >
        <Field label="Group by" inline>
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
        </Field>
      </CardHeader>
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
    </Card>
  );
}
