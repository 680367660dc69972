import createClient, { type Client, type Middleware } from "openapi-fetch";

import { CSRF_COOKIE, CSRF_HEADER, needsCsrf, readCookie } from "./csrf";
import type { components, paths } from "./schema";

/** API paths whose 401 means "wrong credentials", not "session gone": no redirect for them. */
const NO_REDIRECT_PATHS: readonly string[] = ["/api/v1/auth/login", "/api/v1/auth/providers"];

export type ApiClient = Client<paths>;

export type FiltersPublic = components["schemas"]["FiltersPublic"];
export type KpiSummaryPublic = components["schemas"]["KpiSummaryPublic"];
export type ServiceCostPublic = components["schemas"]["ServiceCostPublic"];
export type SpendTrendPublic = components["schemas"]["SpendTrendPublic"];
export type TrendSeriesPublic = components["schemas"]["TrendSeriesPublic"];

export type KpiSummaryQuery = NonNullable<paths["/api/v1/kpi/summary"]["get"]["parameters"]["query"]>;
export type SpendTrendQuery = NonNullable<paths["/api/v1/spend/trend"]["get"]["parameters"]["query"]>;
export type CostMetric = NonNullable<KpiSummaryQuery["cost_metric"]>;
export type TrendDimension = NonNullable<SpendTrendQuery["dimension"]>;

export interface ApiClientOptions {
  /** Origin of the API; the dashboard is served by the API itself, so this is its own origin. */
  baseUrl: string;
  fetch?: (request: Request) => Promise<Response>;
  /** Called when the API answers 401 to anything but a login: the session has ended. */
  onUnauthorized?: () => void;
  /** The page's cookies, where the CSRF token is read from (default `document.cookie`). */
  cookies?: () => string;
}

/**
 * What every request goes through: a state-changing one carries the session's CSRF token from
 * the `finops_csrf` cookie in `X-CSRF-Token`; a 401 answer reports the session's end.
 */
function sessionMiddleware({
  onUnauthorized,
  cookies = () => document.cookie,
}: Pick<ApiClientOptions, "onUnauthorized" | "cookies">): Middleware {
  return {
    onRequest({ request }) {
      if (needsCsrf(request.method)) {
        const token = readCookie(cookies(), CSRF_COOKIE);
        if (token !== null) {
          request.headers.set(CSRF_HEADER, token);
        }
      }
      return request;
    },
    onResponse({ request, response }) {
      if (response.status === 401 && !NO_REDIRECT_PATHS.includes(new URL(request.url).pathname)) {
        onUnauthorized?.();
      }
      return response;
    },
  };
}

export function createApiClient({
  baseUrl,
  fetch,
  onUnauthorized,
  cookies,
}: ApiClientOptions): ApiClient {
  const client = createClient<paths>(
    fetch === undefined ? { baseUrl } : { baseUrl, fetch },
  );
  client.use(sessionMiddleware(cookies === undefined ? { onUnauthorized } : { onUnauthorized, cookies }));
  return client;
}

export type FindingPublic = components["schemas"]["FindingPublic"];
export type FindingsPublic = components["schemas"]["FindingsPublic"];
export type FindingsSummaryPublic = components["schemas"]["FindingsSummaryPublic"];
export type FindingTypeSummaryPublic = components["schemas"]["FindingTypeSummaryPublic"];
export type FindingType = components["schemas"]["FindingType"];
export type FindingStatus = components["schemas"]["FindingStatus"];
export type ChargebackPublic = components["schemas"]["ChargebackPublic"];
export type ChargebackCostCenterPublic = components["schemas"]["ChargebackCostCenterPublic"];

export type FindingsQuery = NonNullable<paths["/api/v1/findings"]["get"]["parameters"]["query"]>;
export type FindingsSummaryQuery = NonNullable<
  paths["/api/v1/findings/summary"]["get"]["parameters"]["query"]
>;
export type ChargebackQuery = NonNullable<
  paths["/api/v1/allocation/chargeback"]["get"]["parameters"]["query"]
>;

export type AnomalyPublic = components["schemas"]["AnomalyPublic"];
export type AnomaliesPublic = components["schemas"]["AnomaliesPublic"];
export type AnomalyDetailPublic = components["schemas"]["AnomalyDetailPublic"];
export type AnomalyDayPublic = components["schemas"]["AnomalyDayPublic"];
export type RootCauseEntryPublic = components["schemas"]["RootCauseEntryPublic"];
export type AnomalyStatus = components["schemas"]["AnomalyStatus"];
export type AnomalySeverity = components["schemas"]["AnomalySeverity"];
export type AnomalyStatusUpdate = components["schemas"]["AnomalyStatusUpdate"];
export type UsageIncidentDetailPublic = components["schemas"]["UsageIncidentDetailPublic"];
export type ForecastPublic = components["schemas"]["ForecastPublic"];
export type ForecastsPublic = components["schemas"]["ForecastsPublic"];
export type ForecastScopeKind = components["schemas"]["ForecastScopeKind"];
export type BudgetPublic = components["schemas"]["BudgetPublic"];
export type BudgetsPublic = components["schemas"]["BudgetsPublic"];
export type BudgetCreate = components["schemas"]["BudgetCreate"];
export type BudgetPeriod = components["schemas"]["BudgetPeriod"];
export type ThresholdCreate = components["schemas"]["ThresholdCreate"];
export type ThresholdKind = components["schemas"]["ThresholdKind"];

export type AnomaliesQuery = NonNullable<paths["/api/v1/anomalies"]["get"]["parameters"]["query"]>;
export type ForecastsQuery = NonNullable<paths["/api/v1/forecasts"]["get"]["parameters"]["query"]>;

export type CohComparisonPublic = components["schemas"]["CohComparisonPublic"];
export type CohComparisonRowPublic = components["schemas"]["CohComparisonRowPublic"];
export type Agreement = components["schemas"]["Agreement"];
export type CohComparisonQuery = NonNullable<
  paths["/api/v1/optimization/coh-comparison"]["get"]["parameters"]["query"]
>;

export type SourcePublic = components["schemas"]["SourcePublic"];
export type SourcesPublic = components["schemas"]["SourcesPublic"];
export type LoadPublic = components["schemas"]["LoadPublic"];
export type LoadsPublic = components["schemas"]["LoadsPublic"];
export type LoadStatus = components["schemas"]["LoadStatus"];
export type QualityFindingPublic = components["schemas"]["QualityFindingPublic"];
export type QualityFindingsPublic = components["schemas"]["QualityFindingsPublic"];
export type QualitySeverity = components["schemas"]["QualitySeverity"];

export type LoadsQuery = NonNullable<paths["/api/v1/sources/loads"]["get"]["parameters"]["query"]>;
export type QualityQuery = NonNullable<
  paths["/api/v1/sources/quality"]["get"]["parameters"]["query"]
>;

export type ActionPublic = components["schemas"]["ActionPublic"];
export type ActionsPublic = components["schemas"]["ActionsPublic"];
export type ActionDetailPublic = components["schemas"]["ActionDetailPublic"];
export type ActionStatus = components["schemas"]["ActionStatus"];
export type ActionRisk = components["schemas"]["ActionRisk"];
export type DecisionPublic = components["schemas"]["DecisionPublic"];
export type StepPublic = components["schemas"]["StepPublic"];
export type UtilizationDayPublic = components["schemas"]["UtilizationDayPublic"];
export type ActionDecisionCreate = components["schemas"]["ActionDecisionCreate"];
export type ActionsQuery = NonNullable<paths["/api/v1/actions"]["get"]["parameters"]["query"]>;

export type SavingsMeasurementPublic = components["schemas"]["SavingsMeasurementPublic"];
export type SavingsMeasurementsPublic = components["schemas"]["SavingsMeasurementsPublic"];
export type SavingsMeasurementDetailPublic = components["schemas"]["SavingsMeasurementDetailPublic"];
export type SavingsDayPublic = components["schemas"]["SavingsDayPublic"];
export type SavingsRollupPublic = components["schemas"]["SavingsRollupPublic"];
export type SavingsRollupLinePublic = components["schemas"]["SavingsRollupLinePublic"];
export type SavingsCumulativePublic = components["schemas"]["SavingsCumulativePublic"];
export type SavingsStatus = components["schemas"]["SavingsStatus"];
export type SavingsConfidence = components["schemas"]["SavingsConfidence"];
export type RollupDimension = components["schemas"]["RollupDimension"];
export type SavingsMeasurementsQuery = NonNullable<
  paths["/api/v1/savings/measurements"]["get"]["parameters"]["query"]
>;
