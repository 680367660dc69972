import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { expectNoContent, unwrap } from "../../api/fetch";
import type { TokenCreate, TokenCreated, TokensPublic } from "../../auth/types";

const MY_TOKENS_KEY = ["auth", "tokens"] as const;

/** The signed-in user's own API tokens (any role may hold them). */
export function useMyTokens() {
  const client = useApiClient();
  return useQuery({
    queryKey: MY_TOKENS_KEY,
    queryFn: async ({ signal }): Promise<TokensPublic> =>
      unwrap(await client.GET("/api/v1/auth/tokens", { signal })),
  });
}

/** Creates a token; its secret is in the answer and nowhere else, ever. */
export function useCreateToken() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TokenCreate): Promise<TokenCreated> =>
      unwrap(await client.POST("/api/v1/auth/tokens", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: MY_TOKENS_KEY }),
  });
}

export function useRevokeMyToken() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (tokenId: number): Promise<void> => {
      expectNoContent(
        await client.DELETE("/api/v1/auth/tokens/{token_id}", {
          params: { path: { token_id: tokenId } },
        }),
      );
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: MY_TOKENS_KEY }),
  });
}
