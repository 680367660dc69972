import type { SpendTrendQuery, TrendDimension } from "../../api/client";
import { QueryView } from "../../components/QueryStatus";
import { SelectField } from "../../components/fields";
import { Card, CardHeader } from "../../components/ui";
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
        <SelectField
          label="Group by"
          inline
          testId="dimension-select"
          value={dimension}
          options={dimensions.map((option) => ({ value: option.key, label: option.label }))}
          onChange={(value) => {
            const selected = dimensions.find((option) => option.key === value);
            if (selected !== undefined) {
              onDimensionChange(selected.key);
            }
          }}
        />
      </CardHeader>
      <QueryView query={trend} loading="Loading cost trend…" failed="Could not load the cost trend">
        {(data) => (
          <TrendChart trend={data} dimensionLabel={label} />
        )}
      </QueryView>
    </Card>
  );
}
