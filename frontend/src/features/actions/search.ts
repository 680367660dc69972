import { offset, oneOf, positiveId, type RawSearch, text } from "../../app/search";
import type { ActionStatus } from "../../api/client";
import { ACTION_STATUSES } from "./actions";

/** `status=all` lists every status; without `status` the page shows the waiting queue. */
export const ALL_STATUSES = "all";

/** The Actions page's state in the URL: the queue's tab, filters and offset, and the proposal
 * shown below it (`id`). */
export interface ActionsSearch {
  status?: ActionStatus | typeof ALL_STATUSES;
  account?: string;
  action?: string;
  offset?: number;
  id?: number;
}

const STATUS_CHOICES = [...ACTION_STATUSES.map((s) => s.value), ALL_STATUSES] as const;

export function validateActionsSearch(raw: RawSearch): ActionsSearch {
  return {
    status: oneOf(raw["status"], STATUS_CHOICES),
    account: text(raw["account"]),
    action: text(raw["action"]),
    offset: offset(raw["offset"]),
    id: positiveId(raw["id"]),
  };
}

/** The statuses to ask the API for: the waiting queue by default, none for all. */
export function statusQuery(status: ActionsSearch["status"]): ActionStatus[] | undefined {
  if (status === undefined) {
    return ["proposed"];
  }
  return status === ALL_STATUSES ? undefined : [status];
}
