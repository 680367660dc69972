import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";
import { jsonBody } from "../../api/lists";
import type { ResourceDetailPublic, ResourcesPublic, ResourcesQuery, UsageListPublic, UsagePublic, UsageQuery } from "./types";

export function useResources(query: ResourcesQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["resources", query],
    queryFn: async ({ signal }): Promise<ResourcesPublic> =>
      jsonBody(await client.GET("/api/v1/resources", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** One resource in detail; idle while `id` is undefined. The id may hold slashes (an ARN). */
export function useResource(id: string | undefined) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["resource", id],
    queryFn: async ({ signal }): Promise<ResourceDetailPublic> =>
      unwrap(
        await client.GET("/api/v1/resources/{resource_id}", {
          params: { path: { resource_id: id ?? "" } },
          signal,
        }),
      ),
    enabled: id !== undefined,
  });
}

/** The daily CPU p95 of the listed resources (newest days first, up to 1000 rows): the
 * sparklines of one page of the inventory. */
export function useCpuSeries(resourceIds: readonly string[]) {
  const client = useApiClient();
  const query = {
    resource_id: [...resourceIds],
    metric_name: ["CPUUtilization"],
    sort: "-day",
    limit: 1000,
  } satisfies UsageQuery;
  return useQuery({
    queryKey: ["usage", "cpu", query],
    queryFn: async ({ signal }): Promise<UsageListPublic> =>
      jsonBody(await client.GET("/api/v1/usage", { params: { query }, signal })),
    enabled: resourceIds.length > 0,
  });
}

/** Per resource, its daily CPU p95 oldest first (one value a day). */
export function cpuByResource(rows: readonly UsagePublic[]): Map<string, number[]> {
  const days = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (row.resource_id === null || row.p95 === null) {
      continue;
    }
    const series = days.get(row.resource_id) ?? new Map<string, number>();
    if (!series.has(row.day)) {
      series.set(row.day, row.p95);
    }
    days.set(row.resource_id, series);
  }
  return new Map(
    [...days].map(([id, series]) => [
      id,
      [...series].sort(([a], [b]) => a.localeCompare(b)).map(([, value]) => value),
    ]),
  );
}
