import { keepPreviousData, useQuery } from "@tanstack/react-query";

import type {
  KpiSummaryPublic,
  KpiSummaryQuery,
  SpendTrendPublic,
  SpendTrendQuery,
} from "../../api/client";
import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";

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
