import { keepPreviousData, useQuery } from "@tanstack/react-query";

import type {
  CohComparisonPublic,
  CohComparisonQuery,
  FindingsPublic,
  FindingsQuery,
  FindingsSummaryPublic,
  FindingsSummaryQuery,
} from "../../api/client";
import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";

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
