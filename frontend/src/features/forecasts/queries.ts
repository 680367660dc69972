import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type {
  BudgetCreate,
  BudgetPublic,
  BudgetsPublic,
  ForecastsPublic,
  ForecastsQuery,
} from "../../api/client";
import { useApiClient } from "../../api/context";
import { expectNoContent, unwrap } from "../../api/fetch";

export function useForecasts(query: ForecastsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["forecasts", query],
    queryFn: async ({ signal }): Promise<ForecastsPublic> =>
      unwrap(await client.GET("/api/v1/forecasts", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useBudgets() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["budgets"],
    queryFn: async ({ signal }): Promise<BudgetsPublic> =>
      unwrap(await client.GET("/api/v1/budgets", { signal })),
  });
}

/** Creates a budget (422 names each field at fault, 409 a name in use), then refreshes the list. */
export function useCreateBudget() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: BudgetCreate): Promise<BudgetPublic> =>
      unwrap(await client.POST("/api/v1/budgets", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["budgets"] }),
  });
}

/**
 * Deletes a budget by id, then refreshes the list, also after a failure: a 404 means someone
 * else deleted it, and the list should stop showing it.
 */
export function useDeleteBudget() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (budgetId: number): Promise<void> => {
      expectNoContent(
        await client.DELETE("/api/v1/budgets/{budget_id}", {
          params: { path: { budget_id: budgetId } },
        }),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["budgets"] }),
  });
}
