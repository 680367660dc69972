import { ApiError, describeApiError, validationIssues } from "./errors";

/** What every openapi-fetch call resolves to. */
export interface ApiResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function apiError(response: Response, error: unknown): ApiError {
  return new ApiError(
    response.status,
    describeApiError(response.status, error),
    validationIssues(error),
  );
}

/** The answer's body, or an `ApiError` carrying the API's message (and each field's issue). */
export function unwrap<T>({ data, error, response }: ApiResult<T>): T {
  if (!response.ok || data === undefined) {
    throw apiError(response, error);
  }
  return data;
}

/** For calls answered with no body (204 No Content): only the status counts. */
export function expectNoContent({ error, response }: Omit<ApiResult<unknown>, "data">): void {
  if (!response.ok) {
    throw apiError(response, error);
  }
}
