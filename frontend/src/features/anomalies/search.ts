import { ISO_DATE, matching, offset, oneOf, type RawSearch, text } from "../../app/search";
import type { AnomalySeverity, AnomalyStatus } from "../../api/client";
import { ANOMALY_SEVERITIES, ANOMALY_STATUSES, ATTENTION_STATUSES } from "./anomalies";

/** `status=all` shows every status; without `status` the page shows what needs attention. */
export const ALL_STATUSES = "all";

/** The Anomalies page's state in the URL: the list's filters and offset, and the incident
 * shown below it (`anomaly`, its fingerprint). */
export interface AnomaliesSearch {
  status?: AnomalyStatus | typeof ALL_STATUSES;
  severity?: AnomalySeverity;
  scope?: string;
  start?: string;
  end?: string;
  offset?: number;
  anomaly?: string;
}

const STATUS_CHOICES = [...ANOMALY_STATUSES.map((s) => s.value), ALL_STATUSES] as const;

export function validateAnomaliesSearch(raw: RawSearch): AnomaliesSearch {
  return {
    status: oneOf(raw["status"], STATUS_CHOICES),
    severity: oneOf(
      raw["severity"],
      ANOMALY_SEVERITIES.map((s) => s.value),
    ),
    scope: text(raw["scope"]),
    start: matching(raw["start"], ISO_DATE),
    end: matching(raw["end"], ISO_DATE),
    offset: offset(raw["offset"]),
    anomaly: text(raw["anomaly"]),
  };
}

/** The statuses to ask the API for: what needs attention by default, none for all. */
export function statusQuery(status: AnomaliesSearch["status"]): AnomalyStatus[] | undefined {
  if (status === undefined) {
    return ATTENTION_STATUSES;
  }
  return status === ALL_STATUSES ? undefined : [status];
}
