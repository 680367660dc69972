import { offset, oneOf, type RawSearch, text } from "../../app/search";
import type { LoadStatus, QualitySeverity } from "../../api/client";
import { LOAD_STATUSES, QUALITY_SEVERITIES } from "./sources";

/** The Data sources page's state in the URL: the source every table is filtered to, the
 * loads' status and offset, and the findings' severity. */
export interface SourcesSearch {
  source?: string;
  status?: LoadStatus;
  severity?: QualitySeverity;
  offset?: number;
}

export function validateSourcesSearch(raw: RawSearch): SourcesSearch {
  return {
    source: text(raw["source"]),
    status: oneOf(raw["status"], LOAD_STATUSES),
    severity: oneOf(raw["severity"], QUALITY_SEVERITIES),
    offset: offset(raw["offset"]),
  };
}
