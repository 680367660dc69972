import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { expectNoContent, unwrap } from "../../api/fetch";
import type {
  PasswordResetPublic,
  TokensPublic,
  UserCreate,
  UserPublic,
  UsersPublic,
  UserUpdate,
} from "../../auth/types";

const USERS_KEY = ["admin", "users"] as const;
const TOKENS_KEY = ["admin", "tokens"] as const;

export function useUsers() {
  const client = useApiClient();
  return useQuery({
    queryKey: USERS_KEY,
    queryFn: async ({ signal }): Promise<UsersPublic> =>
      unwrap(await client.GET("/api/v1/admin/users", { signal })),
  });
}

export function useCreateUser() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: UserCreate): Promise<UserPublic> =>
      unwrap(await client.POST("/api/v1/admin/users", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: USERS_KEY }),
  });
}

/** Changes a user's role, disabled flag, scope or name (only the fields given). */
export function useUpdateUser() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      username,
      update,
    }: {
      username: string;
      update: UserUpdate;
    }): Promise<UserPublic> =>
      unwrap(
        await client.PATCH("/api/v1/admin/users/{username}", {
          params: { path: { username } },
          body: update,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: USERS_KEY }),
  });
}

/** Sets a generated one-time password, returned once. */
export function useResetPassword() {
  const client = useApiClient();
  return useMutation({
    mutationFn: async (username: string): Promise<PasswordResetPublic> =>
      unwrap(
        await client.POST("/api/v1/admin/users/{username}/password", {
          params: { path: { username } },
        }),
      ),
  });
}

export function useAllTokens() {
  const client = useApiClient();
  return useQuery({
    queryKey: TOKENS_KEY,
    queryFn: async ({ signal }): Promise<TokensPublic> =>
      unwrap(await client.GET("/api/v1/admin/tokens", { signal })),
  });
}

export function useRevokeAnyToken() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (tokenId: number): Promise<void> => {
      expectNoContent(
        await client.DELETE("/api/v1/admin/tokens/{token_id}", {
          params: { path: { token_id: tokenId } },
        }),
      );
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["admin", "tokens"] }),
  });
}
