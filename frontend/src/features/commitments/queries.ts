import { useQuery } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { jsonBody } from "../../api/lists";
import type { CoverageListPublic, RecommendationsPublic, UtilizationListPublic } from "./types";

/** Up to this many rows of each list: a year of days by type or service fits. */
const ROWS = 1000;

export function useUtilization(granularity: "daily" | "monthly") {
  const client = useApiClient();
  return useQuery({
    queryKey: ["discounts", "utilization", granularity],
    queryFn: async ({ signal }): Promise<UtilizationListPublic> =>
      jsonBody(
        await client.GET("/api/v1/discounts/utilization", { params: { query: { granularity, limit: ROWS } }, signal }),
      ),
  });
}

export function useCoverage(granularity: "daily" | "monthly") {
  const client = useApiClient();
  return useQuery({
    queryKey: ["discounts", "coverage", granularity],
    queryFn: async ({ signal }): Promise<CoverageListPublic> =>
      jsonBody(
        await client.GET("/api/v1/discounts/coverage", { params: { query: { granularity, limit: ROWS } }, signal }),
      ),
  });
}

export function useRecommendations() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["discounts", "recommendations"],
    queryFn: async ({ signal }): Promise<RecommendationsPublic> =>
      jsonBody(await client.GET("/api/v1/discounts/recommendations", { params: { query: { limit: 100 } }, signal })),
  });
}
