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
import { type ApiResult, unwrap } from "../../api/fetch";

/** A list's JSON answer: these routes also speak CSV (`format=csv`), which the page never asks
 * for, so the generated client's type admits text as well. */
function json<T extends object>(result: ApiResult<T | string>): T {
  const value = unwrap(result);
  if (typeof value === "string") {
    throw new Error("the savings API answered CSV where JSON was asked for");
  }
  return value;
}

export function useSavingsMeasurements(query: SavingsMeasurementsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["savings", "measurements", query],
    queryFn: async ({ signal }): Promise<SavingsMeasurementsPublic> =>
      json(await client.GET("/api/v1/savings/measurements", { params: { query }, signal })),
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
      json(
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
      json(
        await client.GET("/api/v1/savings/cumulative", {
          params: { query: { account: account ?? null } },
          signal,
        }),
      ),
  });
}
