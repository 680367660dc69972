import { keepPreviousData, useQuery } from "@tanstack/react-query";

import type { components, paths } from "../../api/schema";
import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";

export type InsightPublic = components["schemas"]["InsightPublic"];
export type InsightsPublic = components["schemas"]["InsightsPublic"];
export type InsightsQuery = NonNullable<paths["/api/v1/insights"]["get"]["parameters"]["query"]>;

export function useInsights(query: InsightsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["insights", query],
    queryFn: async ({ signal }): Promise<InsightsPublic> =>
      unwrap(await client.GET("/api/v1/insights", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** The summary to show first: the whole bill's of the latest period, else the latest one. */
export function latestOf(insights: readonly InsightPublic[]): InsightPublic | undefined {
  const first = insights[0];
  if (first === undefined) return undefined;
  return (
    insights.find((i) => i.period_start === first.period_start && i.scope_kind === "total") ?? first
  );
}
