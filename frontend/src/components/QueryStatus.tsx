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
