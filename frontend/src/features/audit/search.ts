import { matching, offset, type RawSearch, text } from "../../app/search";
import { UTC_MINUTE } from "./audit";

/** The Audit page's state in the URL: the filters (since/until as UTC `YYYY-MM-DDTHH:MM`),
 * the offset, and the entry whose details are open (`entry`, its id). */
export interface AuditSearch {
  actor?: string;
  action?: string;
  subject?: string;
  since?: string;
  until?: string;
  offset?: number;
  entry?: number;
}

/** The filters the form edits (everything but paging and the open entry). */
export const FILTER_KEYS = ["actor", "action", "subject", "since", "until"] as const;
export type AuditFilters = Pick<AuditSearch, (typeof FILTER_KEYS)[number]>;

export function validateAuditSearch(raw: RawSearch): AuditSearch {
  return {
    actor: text(raw["actor"]),
    action: text(raw["action"]),
    subject: text(raw["subject"]),
    since: matching(raw["since"], UTC_MINUTE),
    until: matching(raw["until"], UTC_MINUTE),
    offset: offset(raw["offset"]),
    entry: offset(raw["entry"]),
  };
}
