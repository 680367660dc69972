/** One entry of a 422 answer's `detail`: where the bad value is (`["body", "amount"]`) and why. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
}

/**
 * An API call that answered with an error status; `message` is what the user should read and
 * `issues` the validation errors of a 422 answer (empty for any other), for forms to show next
 * to the fields they name.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly issues: readonly ValidationIssue[];

  constructor(status: number, message: string, issues: readonly ValidationIssue[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.issues = issues;
  }
}

function isValidationIssue(item: unknown): item is ValidationIssue {
  if (typeof item !== "object" || item === null) {
    return false;
  }
  const candidate = item as Record<string, unknown>;
  return typeof candidate["msg"] === "string" && Array.isArray(candidate["loc"]);
}

/** Where FastAPI says a value came from: the first part of a validation error's location. */
const LOCATION_SOURCES: readonly (string | number)[] = ["query", "path", "body"];

function describeValidationIssue(issue: ValidationIssue): string {
  // FastAPI prefixes the location with where the value came from ("query", "body", ...).
  const location = issue.loc
    .filter((part, index) => index > 0 || !LOCATION_SOURCES.includes(part))
    .join(".");
  return location === "" ? issue.msg : `${location}: ${issue.msg}`;
}

const MAX_BODY_CHARS = 200;

/** The validation errors in FastAPI's `{"detail": [{loc, msg, ...}, ...]}` body, else none. */
export function validationIssues(body: unknown): ValidationIssue[] {
  if (typeof body === "object" && body !== null && "detail" in body) {
    const { detail } = body;
    if (Array.isArray(detail)) {
      return detail.filter(isValidationIssue);
    }
  }
  return [];
}

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
    const issues = validationIssues(body).map(describeValidationIssue);
    if (issues.length > 0) {
      return issues.join("; ");
    }
  }
  if (typeof body === "string" && body.trim() !== "") {
    return `HTTP ${status}: ${body.trim().slice(0, MAX_BODY_CHARS)}`;
  }
  return `Request failed with HTTP ${status}`;
}
