import { offset, oneOf, type RawSearch, text } from "../../app/search";
import type { Agreement, FindingStatus, FindingType } from "../../api/client";
import { ACTIVE_STATUSES, FINDING_STATUSES, FINDING_TYPES } from "../../lib/findings";

/** `status=all` shows every status; without `status` the page shows what needs action. */
export const ALL_STATUSES = "all";

export const AGREEMENTS: readonly { value: Agreement; label: string }[] = [
  { value: "agree", label: "Agree" },
  { value: "disagree_action", label: "Different action" },
  { value: "disagree_savings", label: "Different savings" },
  { value: "coh_only", label: "Only Cost Optimization Hub" },
  { value: "platform_only", label: "Only this platform" },
];

/** The Optimization page's state in the URL: finding type, account, status, the findings
 * page's offset, the Cost Optimization Hub comparison's outcome filter, and `finding`: one
 * finding's fingerprint (its own URL: that finding alone, its detail open). */
export interface OptimizationSearch {
  type?: FindingType;
  account?: string;
  status?: FindingStatus | typeof ALL_STATUSES;
  offset?: number;
  outcome?: Agreement;
  finding?: string;
}

const STATUS_CHOICES = [...FINDING_STATUSES.map((s) => s.value), ALL_STATUSES] as const;

export function validateOptimizationSearch(raw: RawSearch): OptimizationSearch {
  return {
    type: oneOf(raw["type"], FINDING_TYPES),
    account: text(raw["account"]),
    status: oneOf(raw["status"], STATUS_CHOICES),
    offset: offset(raw["offset"]),
    outcome: oneOf(
      raw["outcome"],
      AGREEMENTS.map((a) => a.value),
    ),
    finding: text(raw["finding"]),
  };
}

/** The statuses to ask the API for: what needs action by default, none for all. */
export function statusQuery(status: OptimizationSearch["status"]): FindingStatus[] | undefined {
  if (status === undefined) {
    return ACTIVE_STATUSES;
  }
  return status === ALL_STATUSES ? undefined : [status];
}
