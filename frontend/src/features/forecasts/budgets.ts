import type { BudgetCreate, BudgetPeriod, ThresholdKind } from "../../api/client";
import { ApiError, type ValidationIssue } from "../../api/errors";

export const BUDGET_PERIODS = [
  { value: "monthly", label: "Monthly" },
  { value: "quarterly", label: "Quarterly" },
  { value: "annual", label: "Annual" },
] as const satisfies readonly { value: BudgetPeriod; label: string }[];

export const THRESHOLD_KINDS = [
  { value: "actual", label: "Actual cost" },
  { value: "forecast", label: "Forecast" },
] as const satisfies readonly { value: ThresholdKind; label: string }[];

const TAG = "tag";

/** What a budget can be limited to (the API's scope dimensions); "" is the whole bill. */
export const SCOPE_DIMENSIONS = [
  { value: "", label: "Whole bill" },
  { value: "account", label: "Account" },
  { value: "service", label: "Service" },
  { value: "region", label: "Region" },
  { value: "usage_type", label: "Usage type" },
  { value: TAG, label: "Tag" },
] as const;

export type ScopeDimension = (typeof SCOPE_DIMENSIONS)[number]["value"];

/** The API's defaults for fields the form does not ask for; the generated type requires them. */
export const BUDGET_CURRENCY = "USD";
export const BUDGET_COST_METRIC = "billed_cost";

export interface ThresholdDraft {
  kind: ThresholdKind;
  /** percent of the amount, as typed */
  percent: string;
}

/** The budget form's inputs as typed; `budgetCreateBody` turns them into the API's body. */
export interface BudgetDraft {
  name: string;
  amount: string;
  period: BudgetPeriod;
  dimension: ScopeDimension;
  /** the tag's key when `dimension` is "tag" (`team` for `tag:team`) */
  tagKey: string;
  scopeValue: string;
  thresholds: ThresholdDraft[];
  webhook: string;
  email: string;
}

/** The API's default thresholds: actual cost at 80% and 100%, forecast at 100%. */
export const DEFAULT_THRESHOLDS: readonly ThresholdDraft[] = [
  { kind: "actual", percent: "80" },
  { kind: "actual", percent: "100" },
  { kind: "forecast", percent: "100" },
];

export function emptyBudgetDraft(): BudgetDraft {
  return {
    name: "",
    amount: "",
    period: "monthly",
    dimension: "",
    tagKey: "",
    scopeValue: "",
    thresholds: DEFAULT_THRESHOLDS.map((t) => ({ ...t })),
    webhook: "",
    email: "",
  };
}

export function isBudgetPeriod(value: string): value is BudgetPeriod {
  return BUDGET_PERIODS.some((p) => p.value === value);
}

export function isThresholdKind(value: string): value is ThresholdKind {
  return THRESHOLD_KINDS.some((k) => k.value === value);
}

export function isScopeDimension(value: string): value is ScopeDimension {
  return SCOPE_DIMENSIONS.some((d) => d.value === value);
}

function scope(draft: BudgetDraft): Record<string, string> {
  if (draft.dimension === "") {
    return {};
  }
  const key = draft.dimension === TAG ? `tag:${draft.tagKey.trim()}` : draft.dimension;
  return { [key]: draft.scopeValue.trim() };
}

function channels(draft: BudgetDraft): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const webhook = draft.webhook.trim();
  const email = draft.email.trim();
  if (webhook !== "") {
    out["webhook"] = [webhook];
  }
  if (email !== "") {
    out["email"] = [email];
  }
  return out;
}

/**
 * The POST /api/v1/budgets body for the form's inputs. Amount and percents stay decimal
 * strings (no float rounding); the API judges every value and answers 422 naming the field.
 */
export function budgetCreateBody(draft: BudgetDraft): BudgetCreate {
  return {
    name: draft.name.trim(),
    amount: draft.amount.trim(),
    period: draft.period,
    scope: scope(draft),
    thresholds: draft.thresholds.map((t) => ({ kind: t.kind, percent: t.percent.trim() })),
    channels: channels(draft),
    currency: BUDGET_CURRENCY,
    cost_metric: BUDGET_COST_METRIC,
  };
}

/** Where the form shows a message: a field, a threshold row (`thresholds.<index>`) or a group. */
export type BudgetFieldKey =
  | "name"
  | "amount"
  | "period"
  | "scope"
  | "thresholds"
  | `thresholds.${number}`
  | "channels"
  | "webhook"
  | "email";

/**
 * The form field a validation error's location names (`["body", "amount"]` → amount,
 * `["body", "thresholds", 1, "percent"]` → the second threshold row), or null for a location
 * the form has no field for (currency, cost metric, the body as a whole).
 */
export function budgetFieldKey(loc: readonly (string | number)[]): BudgetFieldKey | null {
  const [source, field, item] = loc;
  if (source !== "body") {
    return null;
  }
  switch (field) {
    case "name":
    case "amount":
    case "period":
    case "scope":
      return field;
    case "thresholds":
      return typeof item === "number" ? `thresholds.${item}` : "thresholds";
    case "channels":
      return item === "webhook" || item === "email" ? item : "channels";
    default:
      return null;
  }
}

export interface BudgetFormErrors {
  /** the API's messages by the field they name */
  fields: Partial<Record<BudgetFieldKey, string>>;
  /** what no field of the form explains, or null */
  other: string | null;
}

function joinIssues(issues: readonly ValidationIssue[]): BudgetFormErrors {
  const fields: Partial<Record<BudgetFieldKey, string>> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const key = budgetFieldKey(issue.loc);
    if (key === null) {
      const where = issue.loc.slice(1).join(".");
      other.push(where === "" ? issue.msg : `${where}: ${issue.msg}`);
    } else {
      const earlier = fields[key];
      fields[key] = earlier === undefined ? issue.msg : `${earlier}; ${issue.msg}`;
    }
  }
  return { fields, other: other.length === 0 ? null : other.join("; ") };
}

/**
 * Where to show why the API refused a budget: a 422's errors next to the fields they name, a
 * 409 (the name is in use) next to the name, anything else for the whole form.
 */
export function budgetFormErrors(error: Error): BudgetFormErrors {
  if (error instanceof ApiError) {
    if (error.status === 409) {
      return { fields: { name: error.message }, other: null };
    }
    if (error.issues.length > 0) {
      return joinIssues(error.issues);
    }
  }
  return { fields: {}, other: error.message };
}
