import { keepPreviousData, useQuery } from "@tanstack/react-query";

import type {
  RollupDimension,
  SavingsCumulativePublic,
  SavingsMeasurementDetailPublic,
  SavingsMeasurementsPublic,
  SavingsMeasurementsQuery,
  SavingsRollupPublic,
} from "../../api/client";
import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";

export function useSavingsMeasurements(query: SavingsMeasurementsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["savings", "measurements", query],
    queryFn: async ({ signal }): Promise<SavingsMeasurementsPublic> =>
      unwrap(await client.GET("/api/v1/savings/measurements", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** One measurement with its reasons and daily costs; idle while `id` is null. */
export function useSavingsMeasurement(id: number | null) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["savings", "measurement", id],
    queryFn: async ({ signal }): Promise<SavingsMeasurementDetailPublic> =>
      unwrap(
        await client.GET("/api/v1/savings/measurements/{measurement_id}", {
          params: { path: { measurement_id: id ?? 0 } },
          signal,
        }),
      ),
    enabled: id !== null,
  });
}

/** Realized vs estimated savings by `by`, from the first change to the bill's last day. */
export function useSavingsRollup(by: RollupDimension, account: string | undefined) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["savings", "rollup", by, account],
    queryFn: async ({ signal }): Promise<SavingsRollupPublic> =>
      unwrap(
        await client.GET("/api/v1/savings/rollup", {
          params: { query: { by, account: account ?? null } },
          signal,
        }),
      ),
  });
}

export function useSavingsCumulative(account: string | undefined) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["savings", "cumulative", account],
    queryFn: async ({ signal }): Promise<SavingsCumulativePublic> =>
      unwrap(
        await client.GET("/api/v1/savings/cumulative", {
          params: { query: { account: account ?? null } },
          signal,
        }),
      ),
  });
}
