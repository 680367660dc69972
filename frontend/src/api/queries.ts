import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type {
  AnomaliesPublic,
  AnomaliesQuery,
  AnomalyDetailPublic,
  AnomalyPublic,
  AnomalyStatusUpdate,
  BudgetCreate,
  BudgetPublic,
  BudgetsPublic,
  ChargebackPublic,
  ChargebackQuery,
  FiltersPublic,
  FindingsPublic,
  FindingsQuery,
  FindingsSummaryPublic,
  FindingsSummaryQuery,
  ForecastsPublic,
  ForecastsQuery,
  KpiSummaryPublic,
  KpiSummaryQuery,
  SpendTrendPublic,
  SpendTrendQuery,
  CohComparisonPublic,
  CohComparisonQuery,
} from "./client";
import type {
  LoadsPublic,
  LoadsQuery,
  QualityFindingsPublic,
  QualityQuery,
  SourcesPublic,
} from "./client";
import { useApiClient } from "./context";
import { ApiError, describeApiError, validationIssues } from "./errors";

interface ApiResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function apiError(response: Response, error: unknown): ApiError {
  return new ApiError(
    response.status,
    describeApiError(response.status, error),
    validationIssues(error),
  );
}

function unwrap<T>({ data, error, response }: ApiResult<T>): T {
  if (!response.ok || data === undefined) {
    throw apiError(response, error);
  }
  return data;
}

/** For calls answered with no body (204 No Content): only the status counts. */
function expectNoContent({ error, response }: Omit<ApiResult<unknown>, "data">): void {
  if (!response.ok) {
    throw apiError(response, error);
  }
}

export function useFilters() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["filters"],
    queryFn: async ({ signal }): Promise<FiltersPublic> =>
      unwrap(await client.GET("/api/v1/filters", { signal })),
    staleTime: 5 * 60_000,
  });
}

export function useKpiSummary(query: KpiSummaryQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["kpi-summary", query],
    queryFn: async ({ signal }): Promise<KpiSummaryPublic> =>
      unwrap(await client.GET("/api/v1/kpi/summary", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useSpendTrend(query: SpendTrendQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["spend-trend", query],
    queryFn: async ({ signal }): Promise<SpendTrendPublic> =>
      unwrap(await client.GET("/api/v1/spend/trend", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useFindings(query: FindingsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["findings", query],
    queryFn: async ({ signal }): Promise<FindingsPublic> =>
      unwrap(await client.GET("/api/v1/findings", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useFindingsSummary(query: FindingsSummaryQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["findings-summary", query],
    queryFn: async ({ signal }): Promise<FindingsSummaryPublic> =>
      unwrap(await client.GET("/api/v1/findings/summary", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useChargeback(query: ChargebackQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["chargeback", query],
    queryFn: async ({ signal }): Promise<ChargebackPublic> =>
      unwrap(await client.GET("/api/v1/allocation/chargeback", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useAnomalies(query: AnomaliesQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["anomalies", query],
    queryFn: async ({ signal }): Promise<AnomaliesPublic> =>
      unwrap(await client.GET("/api/v1/anomalies", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** One incident with its root cause and daily series; idle while `fingerprint` is null. */
export function useAnomaly(fingerprint: string | null) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["anomalies", "detail", fingerprint],
    queryFn: async ({ signal }): Promise<AnomalyDetailPublic> =>
      unwrap(
        await client.GET("/api/v1/anomalies/{fingerprint}", {
          params: { path: { fingerprint: fingerprint ?? "" } },
          signal,
        }),
      ),
    enabled: fingerprint !== null,
  });
}

export interface AnomalyStatusChange extends AnomalyStatusUpdate {
  fingerprint: string;
}

/** Records feedback on an incident, then refreshes every anomaly list and detail. */
export function useUpdateAnomalyStatus() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      fingerprint,
      status,
      note,
    }: AnomalyStatusChange): Promise<AnomalyPublic> =>
      unwrap(
        await client.POST("/api/v1/anomalies/{fingerprint}/status", {
          params: { path: { fingerprint } },
          body: { status, note: note ?? null },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["anomalies"] }),
  });
}

export function useForecasts(query: ForecastsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["forecasts", query],
    queryFn: async ({ signal }): Promise<ForecastsPublic> =>
      unwrap(await client.GET("/api/v1/forecasts", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useBudgets() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["budgets"],
    queryFn: async ({ signal }): Promise<BudgetsPublic> =>
      unwrap(await client.GET("/api/v1/budgets", { signal })),
  });
}

/** Creates a budget (422 names each field at fault, 409 a name in use), then refreshes the list. */
export function useCreateBudget() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: BudgetCreate): Promise<BudgetPublic> =>
      unwrap(await client.POST("/api/v1/budgets", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["budgets"] }),
  });
}

/**
 * Deletes a budget by id, then refreshes the list, also after a failure: a 404 means someone
 * else deleted it, and the list should stop showing it.
 */
export function useDeleteBudget() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (budgetId: number): Promise<void> => {
      expectNoContent(
        await client.DELETE("/api/v1/budgets/{budget_id}", {
          params: { path: { budget_id: budgetId } },
        }),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["budgets"] }),
  });
}

export function useCohComparison(query: CohComparisonQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["coh-comparison", query],
    queryFn: async ({ signal }): Promise<CohComparisonPublic> =>
      unwrap(
        await client.GET("/api/v1/optimization/coh-comparison", { params: { query }, signal }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useSources() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["sources"],
    queryFn: async ({ signal }): Promise<SourcesPublic> =>
      unwrap(await client.GET("/api/v1/sources", { signal })),
  });
}

export function useLoads(query: LoadsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["sources", "loads", query],
    queryFn: async ({ signal }): Promise<LoadsPublic> =>
      unwrap(await client.GET("/api/v1/sources/loads", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useQualityFindings(query: QualityQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["sources", "quality", query],
    queryFn: async ({ signal }): Promise<QualityFindingsPublic> =>
      unwrap(await client.GET("/api/v1/sources/quality", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}
