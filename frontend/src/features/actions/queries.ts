import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { ActionDetailPublic, ActionsPublic, ActionsQuery } from "../../api/client";
import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";

export function useActions(query: ActionsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["actions", query],
    queryFn: async ({ signal }): Promise<ActionsPublic> =>
      unwrap(await client.GET("/api/v1/actions", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** One proposal with its evidence, decision and execution log; idle while `id` is null. */
export function useAction(id: number | null) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["actions", "detail", id],
    queryFn: async ({ signal }): Promise<ActionDetailPublic> =>
      unwrap(
        await client.GET("/api/v1/actions/{action_id}", {
          params: { path: { action_id: id ?? 0 } },
          signal,
        }),
      ),
    enabled: id !== null,
  });
}

/** What an approver does with a proposal: the answer is the proposal as it is now. */
export type ActionCommand =
  | { kind: "approve" | "reject"; id: number; reason: string; digest: string }
  | { kind: "execute"; id: number }
  | { kind: "rollback"; id: number; reason: string };

/** Approves, rejects, executes or rolls back a proposal, then refreshes the queue and detail. */
export function useActionCommand() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (command: ActionCommand): Promise<ActionDetailPublic> => {
      const path = { action_id: command.id };
      switch (command.kind) {
        case "approve":
          return unwrap(
            await client.POST("/api/v1/actions/{action_id}/approve", {
              params: { path },
              body: { reason: command.reason, digest: command.digest },
            }),
          );
        case "reject":
          return unwrap(
            await client.POST("/api/v1/actions/{action_id}/reject", {
              params: { path },
              body: { reason: command.reason, digest: command.digest },
            }),
          );
        case "execute":
          return unwrap(
            await client.POST("/api/v1/actions/{action_id}/execute", { params: { path } }),
          );
        case "rollback":
          return unwrap(
            await client.POST("/api/v1/actions/{action_id}/rollback", {
              params: { path },
              body: { reason: command.reason },
            }),
          );
      }
    },
    onSuccess: (detail) => {
      queryClient.setQueryData(["actions", "detail", detail.id], detail);
      return queryClient.invalidateQueries({ queryKey: ["actions"] });
    },
  });
}
