/** An API call that answered with an error status; `message` is what the user should read. */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
}

function isValidationIssue(item: unknown): item is ValidationIssue {
  if (typeof item !== "object" || item === null) {
    return false;
  }
  const candidate = item as Record<string, unknown>;
  return typeof candidate["msg"] === "string" && Array.isArray(candidate["loc"]);
}

function describeValidationIssue(issue: ValidationIssue): string {
  // FastAPI prefixes the location with where the value came from ("query", "body", ...).
  const location = issue.loc.filter((part, index) => index > 0 || part !== "query").join(".");
  return location === "" ? issue.msg : `${location}: ${issue.msg}`;
}

const MAX_BODY_CHARS = 200;

/**
 * The message to show for an error response, taken from FastAPI's `{"detail": ...}` body: a
 * string detail as is, validation errors as "parameter: message" joined with "; ".
 */
export function describeApiError(status: number, body: unknown): string {
  if (typeof body === "object" && body !== null && "detail" in body) {
    const { detail } = body;
    if (typeof detail === "string" && detail !== "") {
      return detail;
    }
    if (Array.isArray(detail)) {
      const issues = detail.filter(isValidationIssue).map(describeValidationIssue);
      if (issues.length > 0) {
        return issues.join("; ");
      }
    }
  }
  if (typeof body === "string" && body.trim() !== "") {
    return `HTTP ${status}: ${body.trim().slice(0, MAX_BODY_CHARS)}`;
  }
  return `Request failed with HTTP ${status}`;
}
