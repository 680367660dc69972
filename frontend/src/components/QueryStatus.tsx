interface LoadingProps {
  label: string;
}

export function Loading({ label }: LoadingProps) {
  return (
    <div className="status status-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
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
    <div className="status status-error" role="alert">
      <div>
        <strong>{title}</strong>
        <p className="status-detail">{error.message}</p>
      </div>
      {onRetry !== undefined && (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
