import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type {
  AnomaliesPublic,
  AnomaliesQuery,
  AnomalyDetailPublic,
  AnomalyPublic,
  AnomalyStatusUpdate,
} from "../../api/client";
import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";

export function useAnomalies(query: AnomaliesQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["anomalies", query],
    queryFn: async ({ signal }): Promise<AnomaliesPublic> =>
      unwrap(await client.GET("/api/v1/anomalies", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** One incident with its root cause and daily series; idle while `fingerprint` is null. */
export function useAnomaly(fingerprint: string | null) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["anomalies", "detail", fingerprint],
    queryFn: async ({ signal }): Promise<AnomalyDetailPublic> =>
      unwrap(
        await client.GET("/api/v1/anomalies/{fingerprint}", {
          params: { path: { fingerprint: fingerprint ?? "" } },
          signal,
        }),
      ),
    enabled: fingerprint !== null,
  });
}

export interface AnomalyStatusChange extends AnomalyStatusUpdate {
  fingerprint: string;
}

/** Records feedback on an incident, then refreshes every anomaly list and detail. */
export function useUpdateAnomalyStatus() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      fingerprint,
      status,
      note,
    }: AnomalyStatusChange): Promise<AnomalyPublic> =>
      unwrap(
        await client.POST("/api/v1/anomalies/{fingerprint}/status", {
          params: { path: { fingerprint } },
          body: { status, note: note ?? null },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["anomalies"] }),
  });
}
