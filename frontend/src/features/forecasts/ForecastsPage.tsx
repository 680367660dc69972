import { getRouteApi } from "@tanstack/react-router";

import { ErrorMessage, Loading } from "../../components/QueryStatus";
import { Field, FilterBar, Toolbar } from "../../components/ui";
import { text } from "../../components/styles";
import { scopeLabel } from "../../lib/scopes";
import { BudgetsPanel } from "./BudgetsTable";
import { ForecastPanel } from "./ForecastPanel";
import { useForecasts } from "./queries";
import {
  chosen,
  DEFAULT_HORIZON,
  DEFAULT_SCOPE_KIND,
  FORECAST_HORIZONS,
  SCOPE_KIND_OPTIONS,
  validateForecastsSearch,
} from "./search";

/** Days of actual cost shown before the forecast starts. */
export const FORECAST_HISTORY_DAYS = 56;

const route = getRouteApi("/forecasts");

export function ForecastsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const scopeKind = search.kind ?? DEFAULT_SCOPE_KIND;
  const horizon = search.horizon ?? DEFAULT_HORIZON;
  const scopeKey = search.scope ?? null;
  const forecasts = useForecasts({
    scope_kind: scopeKind,
    horizon,
    history_days: FORECAST_HISTORY_DAYS,
  });

  return (
    <>
      <Toolbar>
        <FilterBar>
          <Field label="Scope kind">
            <select
              data-testid="forecast-kind-select"
              value={scopeKind}
              onChange={(event) => {
                const { kind } = validateForecastsSearch({ kind: event.target.value });
                void navigate({
                  search: (prev) => ({
                    ...prev,
                    kind: kind === DEFAULT_SCOPE_KIND ? undefined : kind,
                    scope: undefined,
                  }),
                });
              }}
            >
              {SCOPE_KIND_OPTIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </Field>
          {forecasts.isSuccess && forecasts.data.data.length > 1 && (
            <Field label="Scope">
              <select
                data-testid="forecast-scope-select"
                value={chosen(forecasts.data, scopeKey)?.scope_key ?? ""}
                onChange={(event) => {
                  void navigate({ search: (prev) => ({ ...prev, scope: event.target.value }) });
                }}
              >
                {forecasts.data.data.map((f) => (
                  <option key={f.scope_key} value={f.scope_key}>
                    {scopeLabel(f.scope)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Horizon">
            <select
              data-testid="forecast-horizon-select"
              value={horizon}
              onChange={(event) => {
                const next = validateForecastsSearch({ horizon: event.target.value }).horizon;
                void navigate({
                  search: (prev) => ({
                    ...prev,
                    horizon: next === DEFAULT_HORIZON ? undefined : next,
                  }),
                });
              }}
            >
              {FORECAST_HORIZONS.map((days) => (
                <option key={days} value={days}>
                  {days} days
                </option>
              ))}
            </select>
          </Field>
        </FilterBar>
        <span className={text.muted}>Daily forecasts from the forecast job · latest run</span>
      </Toolbar>
      {forecasts.isPending ? (
        <Loading label="Loading forecasts…" />
      ) : forecasts.isError ? (
        <ErrorMessage
          title="Could not load the forecasts"
          error={forecasts.error}
          onRetry={() => void forecasts.refetch()}
        />
      ) : (
        <ForecastPanel forecasts={forecasts.data} scopeKey={scopeKey} />
      )}
      <BudgetsPanel />
    </>
  );
}
