import { useMemo } from "react";

import type { SpendTrendPublic } from "../../api/client";
import { EChart } from "../../charts/EChart";
import { Empty } from "../../components/ui";
import { buildTrendOption } from "./trendOption";

interface TrendChartProps {
  trend: SpendTrendPublic;
  dimensionLabel: string;
}

/**
 * The stacked daily cost chart. `data-dimension` and `data-series-keys` (a JSON array) describe
 * the data; the inner chart element gets `data-rendered-key` equal to `data-series-keys` once
 * ECharts has finished drawing it, so browser tests can wait for a new breakdown to be on screen.
 */
export function TrendChart({ trend, dimensionLabel }: TrendChartProps) {
  const option = useMemo(() => buildTrendOption(trend), [trend]);
  const seriesKeys = JSON.stringify(trend.series.map((series) => series.key));
  const empty = trend.dates.length === 0 || trend.series.length === 0;
  return (
    <div
      className="h-[400px]"
      data-testid="trend-chart"
      data-dimension={trend.dimension}
      data-series-keys={seriesKeys}
    >
      {empty ? (
        <Empty>No cost data for this selection.</Empty>
      ) : (
        <EChart
          option={option}
          renderKey={seriesKeys}
          ariaLabel={`Daily cost by ${dimensionLabel.toLowerCase()}`}
        />
      )}
    </div>
  );
}
