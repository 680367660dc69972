import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { jsonBody } from "../../api/lists";
import type { AccountsPublic, AccountsQuery } from "./types";

/** One page of the accounts list. */
export function useAccounts(query: AccountsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["accounts", query],
    queryFn: async ({ signal }): Promise<AccountsPublic> =>
      jsonBody(await client.GET("/api/v1/accounts", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** The address of the CSV download: every account in the view's order, streamed by the API. */
export function accountsCsvUrl(sort: string | undefined): string {
  const params = new URLSearchParams();
  if (sort !== undefined) {
    params.set("sort", sort);
  }
  params.set("format", "csv");
  return `/api/v1/accounts?${params.toString()}`;
}
