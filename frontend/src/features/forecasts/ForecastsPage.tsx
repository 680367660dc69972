import { getRouteApi } from "@tanstack/react-router";

import { QueryView } from "../../components/QueryStatus";
import { SelectField } from "../../components/fields";
import { FilterBar, Toolbar } from "../../components/ui";
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
const HORIZON_OPTIONS = FORECAST_HORIZONS.map((days) => ({
  value: String(days),
  label: `${String(days)} days`,
}));

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
          <SelectField
            label="Scope kind"
            testId="forecast-kind-select"
            value={scopeKind}
            options={SCOPE_KIND_OPTIONS}
            onChange={(value) => {
              const { kind } = validateForecastsSearch({ kind: value });
              void navigate({
                search: (prev) => ({
                  ...prev,
                  kind: kind === DEFAULT_SCOPE_KIND ? undefined : kind,
                  scope: undefined,
                }),
              });
            }}
          />
          {forecasts.isSuccess && forecasts.data.data.length > 1 && (
            <SelectField
              label="Scope"
              testId="forecast-scope-select"
              value={chosen(forecasts.data, scopeKey)?.scope_key ?? ""}
              options={forecasts.data.data.map((f) => ({
                value: f.scope_key,
                label: scopeLabel(f.scope),
              }))}
              onChange={(value) => {
                void navigate({ search: (prev) => ({ ...prev, scope: value }) });
              }}
            />
          )}
          <SelectField
            label="Horizon"
            testId="forecast-horizon-select"
            value={String(horizon)}
            options={HORIZON_OPTIONS}
            onChange={(value) => {
              const next = validateForecastsSearch({ horizon: value }).horizon;
              void navigate({
                search: (prev) => ({ ...prev, horizon: next === DEFAULT_HORIZON ? undefined : next }),
              });
            }}
          />
        </FilterBar>
        <span className={text.muted}>Daily forecasts from the forecast job · latest run</span>
      </Toolbar>
      <QueryView query={forecasts} loading="Loading forecasts…" failed="Could not load the forecasts">
        {(data) => (
          <ForecastPanel forecasts={data} scopeKey={scopeKey} />
        )}
      </QueryView>
      <BudgetsPanel />
    </>
  );
}
