import { oneOf, type RawSearch, text } from "../../app/search";
import type { ForecastPublic, ForecastScopeKind, ForecastsPublic } from "../../api/client";

export const FORECAST_HORIZONS = [30, 90, 180] as const;
export type ForecastHorizon = (typeof FORECAST_HORIZONS)[number];
export const DEFAULT_HORIZON: ForecastHorizon = 30;
export const DEFAULT_SCOPE_KIND: ForecastScopeKind = "total";

export const SCOPE_KIND_OPTIONS = [
  { value: "total", label: "Whole bill" },
  { value: "account", label: "Account" },
  { value: "service", label: "Service" },
] as const satisfies readonly { value: ForecastScopeKind; label: string }[];

/** The Forecasts page's state in the URL: scope kind, the scope shown (its `scope_key`) and
 * the horizon in days. Absent keys mean the whole bill over 30 days. */
export interface ForecastsSearch {
  kind?: ForecastScopeKind;
  scope?: string;
  horizon?: ForecastHorizon;
}

export function validateForecastsSearch(raw: RawSearch): ForecastsSearch {
  const horizon = text(raw["horizon"]);
  return {
    kind: oneOf(
      raw["kind"],
      SCOPE_KIND_OPTIONS.map((o) => o.value),
    ),
    scope: text(raw["scope"]),
    horizon: FORECAST_HORIZONS.find((days) => String(days) === horizon),
  };
}

/** The forecast the URL's `scope` names, or the first one (also for an unknown scope). */
export function chosen(forecasts: ForecastsPublic, scopeKey: string | null): ForecastPublic | undefined {
  return forecasts.data.find((f) => f.scope_key === scopeKey) ?? forecasts.data[0];
}
