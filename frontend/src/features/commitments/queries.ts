import { useQuery } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";
import { type PendingGet, pendingClient } from "../../api/pending";
import type { CoverageListPublic, RecommendationsPublic, UtilizationListPublic } from "./types";

/** A type alias, not an interface: a query must fit an index signature. */
type PeriodQuery = { granularity: "daily" | "monthly"; limit: number };

interface DiscountPaths {
  "/api/v1/discounts/utilization": PendingGet<PeriodQuery, UtilizationListPublic>;
  "/api/v1/discounts/coverage": PendingGet<PeriodQuery, CoverageListPublic>;
  "/api/v1/discounts/recommendations": PendingGet<{ limit: number }, RecommendationsPublic>;
}

/** Up to this many rows of each list: a year of days by type or service fits. */
const ROWS = 1000;

export function useUtilization(granularity: "daily" | "monthly") {
  const client = pendingClient<DiscountPaths>(useApiClient());
  return useQuery({
    queryKey: ["discounts", "utilization", granularity],
    queryFn: async ({ signal }): Promise<UtilizationListPublic> =>
      unwrap(
        await client.GET("/api/v1/discounts/utilization", { params: { query: { granularity, limit: ROWS } }, signal }),
      ),
  });
}

export function useCoverage(granularity: "daily" | "monthly") {
  const client = pendingClient<DiscountPaths>(useApiClient());
  return useQuery({
    queryKey: ["discounts", "coverage", granularity],
    queryFn: async ({ signal }): Promise<CoverageListPublic> =>
      unwrap(
        await client.GET("/api/v1/discounts/coverage", { params: { query: { granularity, limit: ROWS } }, signal }),
      ),
  });
}

export function useRecommendations() {
  const client = pendingClient<DiscountPaths>(useApiClient());
  return useQuery({
    queryKey: ["discounts", "recommendations"],
    queryFn: async ({ signal }): Promise<RecommendationsPublic> =>
      unwrap(await client.GET("/api/v1/discounts/recommendations", { params: { query: { limit: 100 } }, signal })),
  });
}
