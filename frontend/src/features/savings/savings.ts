import type {
  SavingsConfidence,
  SavingsMeasurementPublic,
  SavingsRollupLinePublic,
  SavingsStatus,
} from "../../api/client";
import type { Tone } from "../../components/ui";
import type { CsvColumn } from "../../lib/csv";
import { actionLabel } from "../actions/actions";

/** A measurement's status, in lifecycle order (docs/savings.md). */
export const SAVINGS_STATUSES: readonly { value: SavingsStatus; label: string }[] = [
  { value: "awaiting_bills", label: "Awaiting bills" },
  { value: "measured", label: "Measured" },
  { value: "confirmed", label: "Confirmed" },
];

export const CONFIDENCES: readonly SavingsConfidence[] = ["high", "medium", "low"];

export const CONFIDENCE_TONES: Record<SavingsConfidence, Tone> = {
  high: "success",
  medium: "warning",
  low: "danger",
};

const STATUS_TONES: Record<SavingsStatus, Tone> = {
  awaiting_bills: "neutral",
  measured: "info",
  confirmed: "success",
};

export function savingsStatusLabel(status: SavingsStatus): string {
  return SAVINGS_STATUSES.find((s) => s.value === status)?.label ?? status;
}

export function savingsStatusTone(status: SavingsStatus): Tone {
  return STATUS_TONES[status];
}

/** The action filter's value for fixes outside the platform (no action, no policy). */
export const OUTSIDE = "outside";

/** What was done: the action's name, or "Fixed outside the platform". */
export function changeLabel(m: Pick<SavingsMeasurementPublic, "action">): string {
  return m.action === null ? "Fixed outside the platform" : actionLabel(m.action);
}

/** An exact decimal ratio ("0.6157…") as a percentage with one decimal; null → "n/a". */
export function formatRate(ratio: string | null): string {
  if (ratio === null) {
    return "n/a";
  }
  return `${(Number(ratio) * 100).toFixed(1)}%`;
}

/** The rollup tables' CSV: every figure as the API sent it (exact decimals). */
export function rollupCsv(keyHeader: string): readonly CsvColumn<SavingsRollupLinePublic>[] {
  return [
    { header: keyHeader, value: (r) => r.key },
    { header: "measurements", value: (r) => r.subjects },
    { header: "realized_effective", value: (r) => r.realized_effective },
    { header: "realized_list", value: (r) => r.realized_list },
    { header: "estimated", value: (r) => r.estimated },
    { header: "realization_rate", value: (r) => r.realization_rate },
    { header: "spend", value: (r) => r.spend },
    { header: "share_of_spend", value: (r) => r.share_of_spend },
  ];
}

export const MEASUREMENTS_CSV: readonly CsvColumn<SavingsMeasurementPublic>[] = [
  { header: "id", value: (m) => m.id },
  { header: "action", value: (m) => m.action ?? OUTSIDE },
  { header: "policy", value: (m) => m.policy },
  { header: "account_id", value: (m) => m.account_id },
  { header: "resource_id", value: (m) => m.resource_id },
  { header: "change_day", value: (m) => m.change_day },
  { header: "status", value: (m) => m.status },
  { header: "confidence", value: (m) => m.confidence },
  { header: "estimated_monthly_savings", value: (m) => m.estimated_monthly_savings },
  { header: "realized_monthly_effective", value: (m) => m.realized_monthly_effective },
  { header: "realized_monthly_list", value: (m) => m.realized_monthly_list },
  { header: "baseline_daily_effective", value: (m) => m.baseline_daily_effective },
  { header: "after_daily_effective", value: (m) => m.after_daily_effective },
  { header: "currency", value: (m) => m.currency },
];
