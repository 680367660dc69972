import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";
import { jsonBody } from "../../api/lists";
import { apiQuery, type ExplorerSearch } from "./search";
import type { ExplorerDimensionsPublic, ExplorerPublic, ExplorerValuesPublic } from "./types";

/** The breakdown the view asks for (the URL's parameters, as they are). */
export function useExplorer(search: ExplorerSearch) {
  const client = useApiClient();
  const query = apiQuery(search);
  return useQuery({
    queryKey: ["explorer", query],
    queryFn: async ({ signal }): Promise<ExplorerPublic> =>
      jsonBody(await client.GET("/api/v1/explorer", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** What the view can group and filter by, the tag keys in use included. */
export function useExplorerDimensions() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["explorer", "dimensions"],
    queryFn: async ({ signal }): Promise<ExplorerDimensionsPublic> =>
      unwrap(await client.GET("/api/v1/explorer/dimensions", { signal })),
    staleTime: 5 * 60_000,
  });
}

/** The values of `dimension` in the data (`null`: idle until a dimension is chosen). */
export function useExplorerValues(dimension: string | null, q: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["explorer", "values", dimension, q],
    queryFn: async ({ signal }): Promise<ExplorerValuesPublic> =>
      unwrap(
        await client.GET("/api/v1/explorer/values", {
          params: { query: { dimension: dimension ?? "", q: q === "" ? null : q } },
          signal,
        }),
      ),
    enabled: dimension !== null,
    staleTime: 60_000,
  });
}

/** The address of the view's CSV download (every period × group row, streamed by the API). */
export function explorerCsvUrl(search: ExplorerSearch): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(apiQuery(search))) {
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(key, String(item));
    }
  }
  params.set("format", "csv");
  return `/api/v1/explorer?${params.toString()}`;
}
