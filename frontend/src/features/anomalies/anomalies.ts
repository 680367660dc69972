import type { AnomalyPublic, AnomalySeverity, AnomalyStatus } from "../../api/client";
import type { Tone } from "../../components/ui";
import { formatDayLabel, formatLongDate } from "../../lib/dates";
import { formatMoney } from "../../lib/money";

export const ANOMALY_STATUSES = [
  { value: "open", label: "Open" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "resolved", label: "Resolved" },
  { value: "false_positive", label: "False positive" },
] as const satisfies readonly { value: AnomalyStatus; label: string }[];

/** What the Anomalies page shows by default: incidents nobody has closed. */
export const ATTENTION_STATUSES: AnomalyStatus[] = ["open", "acknowledged"];

export const ANOMALY_SEVERITIES = [
  { value: "high", label: "High" },
  { value: "medium", label: "Medium" },
  { value: "low", label: "Low" },
] as const satisfies readonly { value: AnomalySeverity; label: string }[];

/** The scopes the anomaly job watches (docs/analytics.md), most specific last. */
export const SCOPE_KINDS = [
  { value: "total", label: "Whole bill" },
  { value: "account", label: "Account" },
  { value: "service", label: "Service" },
  { value: "account_service", label: "Account × service" },
  { value: "region", label: "Region" },
  { value: "usage_type", label: "Usage type" },
  { value: "resource", label: "Resource" },
  { value: "tag:team", label: "Tag team" },
  { value: "tag:cost-center", label: "Tag cost-center" },
] as const;

const KIND_LABELS: Record<string, string> = {
  spike: "Spike",
  dip: "Dip",
  level_shift: "Level shift",
  drift: "Drift",
};

const DIMENSION_LABELS: Record<string, string> = {
  account: "Account",
  service: "Service",
  region: "Region",
  usage_type: "Usage type",
  resource: "Resource",
};

export function isAnomalyStatus(value: string): value is AnomalyStatus {
  return ANOMALY_STATUSES.some((status) => status.value === value);
}

export function isAnomalySeverity(value: string): value is AnomalySeverity {
  return ANOMALY_SEVERITIES.some((severity) => severity.value === value);
}

export function statusLabel(status: string): string {
  return ANOMALY_STATUSES.find((s) => s.value === status)?.label ?? status.replaceAll("_", " ");
}

export function anomalyKindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replaceAll("_", " ");
}

export function scopeKindLabel(kind: string): string {
  const known = SCOPE_KINDS.find((k) => k.value === kind)?.label;
  if (known !== undefined) {
    return known;
  }
  return kind.startsWith("tag:") ? `Tag ${kind.slice(4)}` : kind.replaceAll("_", " ");
}

/** A root-cause dimension ("usage_type" → "Usage type", "tag:team" → "Tag team"). */
export function dimensionLabel(dimension: string): string {
  return DIMENSION_LABELS[dimension] ?? scopeKindLabel(dimension);
}

/** "Mar 20, 2026" for one day, "Mar 20 – Mar 26, 2026" for several. */
export function dayRange(first: string, last: string): string {
  if (first === last) {
    return formatLongDate(first);
  }
  return `${formatDayLabel(first)} – ${formatLongDate(last)}`;
}

export interface StatusAction {
  status: AnomalyStatus;
  label: string;
}

const ACTIONS: readonly StatusAction[] = [
  { status: "acknowledged", label: "Acknowledge" },
  { status: "resolved", label: "Resolve" },
  { status: "false_positive", label: "Mark false positive" },
  { status: "open", label: "Reopen" },
];

/** The lifecycle moves offered for an incident: every status but the one it has. */
export function statusActions(anomaly: Pick<AnomalyPublic, "status">): StatusAction[] {
  return ACTIONS.filter((action) => action.status !== anomaly.status);
}

/** A root-cause share (0.8734) as a percentage ("87.3%"). */
export function formatShareOfDeviation(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** "$60.51 (201.97%)": the incident's impact in money and against the expected cost. */
export function impactText(anomaly: Pick<AnomalyPublic, "impact" | "impact_pct">, currency: string): string {
  const amount = formatMoney(anomaly.impact, currency);
  return anomaly.impact_pct === null ? amount : `${amount} (${anomaly.impact_pct}%)`;
}

export const SEVERITY_TONES: Record<AnomalySeverity, Tone> = {
  high: "danger",
  medium: "warning",
  low: "neutral",
};

export const STATUS_TONES: Record<AnomalyStatus, Tone> = {
  open: "warning",
  acknowledged: "info",
  resolved: "success",
  false_positive: "neutral",
};
