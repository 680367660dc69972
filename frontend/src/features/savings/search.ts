import { offset, oneOf, positiveId, type RawSearch, text } from "../../app/search";
import type { SavingsConfidence, SavingsStatus } from "../../api/client";
import { CONFIDENCES, SAVINGS_STATUSES } from "./savings";

/** The Savings page's state in the URL: the measurements' filters and offset, and the
 * measurement shown below them (`id`). */
export interface SavingsSearch {
  status?: SavingsStatus;
  confidence?: SavingsConfidence;
  account?: string;
  action?: string;
  offset?: number;
  id?: number;
}

export function validateSavingsSearch(raw: RawSearch): SavingsSearch {
  return {
    status: oneOf(
      raw["status"],
      SAVINGS_STATUSES.map((s) => s.value),
    ),
    confidence: oneOf(raw["confidence"], CONFIDENCES),
    account: text(raw["account"]),
    action: text(raw["action"]),
    offset: offset(raw["offset"]),
    id: positiveId(raw["id"]),
  };
}
