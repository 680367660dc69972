import { useQuery } from "@tanstack/react-query";

import type { FiltersPublic } from "./client";
import { useApiClient } from "./context";
import { unwrap } from "./fetch";

/** The billing periods, accounts and dimensions the data holds (Overview and Optimization). */
export function useFilters() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["filters"],
    queryFn: async ({ signal }): Promise<FiltersPublic> =>
      unwrap(await client.GET("/api/v1/filters", { signal })),
    staleTime: 5 * 60_000,
  });
}
