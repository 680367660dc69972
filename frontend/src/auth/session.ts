import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useApiClient } from "../api/context";
import { expectNoContent, unwrap } from "../api/fetch";
import type { LoginRequest, Me, ProvidersPublic } from "./types";

export const ME_KEY = ["auth", "me"] as const;

/** Who is signed in (`/auth/me`): name, role, scope and permissions. A 401 leads to /login. */
export function useMe() {
  const client = useApiClient();
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async ({ signal }): Promise<Me> => unwrap(await client.GET("/api/v1/auth/me", { signal })),
    staleTime: 60_000,
  });
}

/** How one may sign in: a password form, and single sign-on when the server offers it. */
export function useProviders() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["auth", "providers"],
    queryFn: async ({ signal }): Promise<ProvidersPublic> =>
      unwrap(await client.GET("/api/v1/auth/providers", { signal })),
    staleTime: Infinity,
  });
}

/**
 * Signs in; on success nothing cached for whoever was signed in before stays, and the answer is
 * the new `/auth/me`.
 */
export function useLogin() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: LoginRequest): Promise<Me> =>
      unwrap(await client.POST("/api/v1/auth/login", { body })),
    onSuccess: (me) => {
      queryClient.removeQueries();
      queryClient.setQueryData(ME_KEY, me);
    },
  });
}

/** Ends the session on the server and forgets everything cached for it. */
export function useLogout() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<void> => {
      expectNoContent(await client.POST("/api/v1/auth/logout"));
    },
    onSuccess: () => {
      queryClient.removeQueries();
    },
  });
}
