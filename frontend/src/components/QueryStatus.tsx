import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { Button } from "./ui";

interface LoadingProps {
  label: string;
}

export function Loading({ label }: LoadingProps) {
  return (
    <div
      className="flex items-center gap-3 rounded-card px-5 py-4 text-slate-500"
      role="status"
      aria-live="polite"
    >
      <span
        className="size-4 animate-spin rounded-full border-2 border-slate-300 border-t-blue-600"
        aria-hidden="true"
      />
      {label}
    </div>
  );
}

interface ErrorMessageProps {
  title: string;
  error: Error;
  onRetry?: () => void;
}

export function ErrorMessage({ title, error, onRetry }: ErrorMessageProps) {
  return (
    <div
      className="flex items-center justify-between gap-3 rounded-card border border-red-200 bg-red-50 px-5 py-4 text-red-800"
      role="alert"
    >
      <div>
        <strong>{title}</strong>
        <p className="mt-0.5 break-words text-red-900">{error.message}</p>
      </div>
      {onRetry !== undefined && (
        <Button variant="danger" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  /** what is loading ("Loading findings…") */
  loading: string;
  /** what could not be loaded ("Could not load the findings") */
  failed: string;
  children: (data: T) => ReactNode;
}

/** A query's three states: a spinner while pending, the API's message with Retry on error,
 * else `children` with the data. */
export function QueryView<T>({ query, loading, failed, children }: QueryViewProps<T>) {
  if (query.isPending) {
    return <Loading label={loading} />;
  }
  if (query.isError) {
    return (
      <ErrorMessage title={failed} error={query.error} onRetry={() => void query.refetch()} />
    );
  }
  return children(query.data);
}
