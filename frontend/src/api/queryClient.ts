import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "./errors";

const MAX_RETRIES = 2;

/** Retries network failures and server errors; a 4xx answer will not change on retry. */
export function shouldRetry(failureCount: number, error: Error): boolean {
  if (error instanceof ApiError && error.status < 500) {
    return false;
  }
  return failureCount < MAX_RETRIES;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: shouldRetry, refetchOnWindowFocus: false } },
  });
}
