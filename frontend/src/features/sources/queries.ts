import { keepPreviousData, useQuery } from "@tanstack/react-query";

import type {
  LoadsPublic,
  LoadsQuery,
  QualityFindingsPublic,
  QualityQuery,
  SourcesPublic,
} from "../../api/client";
import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";

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
