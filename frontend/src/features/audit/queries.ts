import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";
import type { AuditChain, AuditEntries, AuditQuery } from "./audit";

export function useAuditEntries(query: AuditQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["audit", "entries", query],
    queryFn: async ({ signal }): Promise<AuditEntries> =>
      unwrap(await client.GET("/api/v1/audit", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** The check of the whole hash chain (not of the filtered rows). */
export function useAuditChain() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["audit", "verify"],
    queryFn: async ({ signal }): Promise<AuditChain> =>
      unwrap(await client.GET("/api/v1/audit/verify", { signal })),
  });
}
