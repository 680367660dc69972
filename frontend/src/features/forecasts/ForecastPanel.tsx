import { useMemo } from "react";

import type { ForecastPublic, ForecastsPublic } from "../../api/client";
import { EChart } from "../../charts/EChart";
import { Card, CardHeader, Empty, KpiCard, KpiGrid } from "../../components/ui";
import { formatDayLabel, formatLongDate } from "../../lib/dates";
import { formatMoney } from "../../lib/money";
import { scopeLabel } from "../../lib/scopes";
import { buildForecastOption } from "./forecastOption";
import { chosen } from "./search";

export function ForecastPanel({
  forecasts,
  scopeKey,
}: {
  forecasts: ForecastsPublic;
  scopeKey: string | null;
}) {
  const forecast = chosen(forecasts, scopeKey);
  if (forecast === undefined) {
    return (
      <Card>
        <Empty>
          No forecasts for this scope kind yet. The forecast job (finops run forecasts) makes them.
        </Empty>
      </Card>
    );
  }
  return <Forecast forecast={forecast} currency={forecasts.currency} horizon={forecasts.horizon} />;
}

function Projection({
  label,
  testId,
  projection,
  currency,
}: {
  label: string;
  testId: string;
  projection: ForecastPublic["month_end"];
  currency: string;
}) {
  return (
    <KpiCard
      label={label}
      value={formatMoney(projection.projection, currency)}
      testId={testId}
      caption={`80%: ${formatMoney(projection.lower80, currency)} – ${formatMoney(
        projection.upper80,
        currency,
      )} · ${formatMoney(projection.to_date, currency)} to date`}
    />
  );
}

function Forecast({
  forecast,
  currency,
  horizon,
}: {
  forecast: ForecastPublic;
  currency: string;
  horizon: number;
}) {
  const option = useMemo(() => buildForecastOption(forecast, currency), [forecast, currency]);
  const renderKey = `${forecast.scope_key}:${forecast.run_date}:${String(forecast.points.length)}`;
  const modelWeights = Object.entries(forecast.weights)
    .filter(([, weight]) => weight > 0)
    .map(([model, weight]) => `${model} ${(weight * 100).toFixed(0)}%`)
    .join(", ");
  return (
    <>
      <KpiGrid label="Projections">
        <Projection
          label={`Month end (${formatDayLabel(forecast.month_end.period_end)})`}
          testId="forecast-month-end"
          projection={forecast.month_end}
          currency={currency}
        />
        <Projection
          label={`Quarter end (${formatDayLabel(forecast.quarter_end.period_end)})`}
          testId="forecast-quarter-end"
          projection={forecast.quarter_end}
          currency={currency}
        />
        <KpiCard
          label="Model"
          value={forecast.model}
          testId="forecast-model"
          caption={modelWeights}
        />
        <KpiCard
          label="Backtest accuracy"
          value={`MASE ${forecast.backtest_mase.toFixed(3)}`}
          testId="forecast-mase"
          caption={`sMAPE ${forecast.backtest_smape.toFixed(2)}% · ${String(
            forecast.backtest_folds,
          )} rolling origins`}
        />
      </KpiGrid>
      <Card>
        <CardHeader
          title={`Daily cost forecast · ${scopeLabel(forecast.scope)}`}
          subtitle={`Run on ${formatLongDate(forecast.run_date)} · next ${String(
            horizon,
          )} days with 80% and 95% intervals · ${forecast.cost_metric.replaceAll("_", " ")} in ${currency}`}
        />
        <div
          className="h-[400px]"
          data-testid="forecast-chart"
          data-scope-key={forecast.scope_key}
        >
          <EChart
            option={option}
            renderKey={renderKey}
            ariaLabel={`Daily cost forecast for ${scopeLabel(forecast.scope)}`}
          />
        </div>
      </Card>
    </>
  );
}

