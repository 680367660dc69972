import type { ActionDetailPublic, ActionRisk, ActionStatus, StepPublic } from "../../api/client";
import type { Tone } from "../../components/ui";

/** A proposal's lifecycle in queue order (the server's `ActionStatus`; docs/remediation.md). */
export const ACTION_STATUSES = [
  { value: "proposed", label: "Waiting", tone: "warning" },
  { value: "approved", label: "Approved", tone: "info" },
  { value: "dry_run", label: "Dry run", tone: "info" },
  { value: "executing", label: "Executing", tone: "info" },
  { value: "succeeded", label: "Succeeded", tone: "success" },
  { value: "verified", label: "Verified", tone: "success" },
  { value: "rolled_back", label: "Rolled back", tone: "neutral" },
  { value: "rejected", label: "Rejected", tone: "neutral" },
  { value: "expired", label: "Expired", tone: "neutral" },
  { value: "stale", label: "Stale", tone: "warning" },
  { value: "failed", label: "Failed", tone: "danger" },
] as const satisfies readonly { value: ActionStatus; label: string; tone: Tone }[];

/** The queue the page opens on: proposals waiting for a person. */
export const WAITING: ActionStatus = "proposed";

export const RISK_TONES: Record<ActionRisk, Tone> = {
  low: "success",
  medium: "warning",
  high: "danger",
};

const STEP_TONES: Record<StepPublic["outcome"], Tone> = {
  ok: "success",
  stale: "warning",
  refused: "danger",
  failed: "danger",
  expired: "neutral",
};

export function statusLabel(status: ActionStatus): string {
  return ACTION_STATUSES.find((s) => s.value === status)?.label ?? status;
}

export function statusTone(status: ActionStatus): Tone {
  return ACTION_STATUSES.find((s) => s.value === status)?.tone ?? "neutral";
}

export function stepTone(outcome: StepPublic["outcome"]): Tone {
  return STEP_TONES[outcome];
}

/** "stop_instance" → "Stop instance". */
export function actionLabel(name: string): string {
  const words = name.replaceAll("_", " ");
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/** "2026-11-03T09:15:00Z" → "2026-11-03 09:15 UTC" (the server's clock, never the browser's). */
export function formatTimestamp(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  if (match === null) {
    return iso;
  }
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) {
    return `${match[1] ?? ""} ${match[2] ?? ""}`;
  }
  return `${time.toISOString().slice(0, 10)} ${time.toISOString().slice(11, 16)} UTC`;
}

/** What an approver may do with a proposal in its status. */
export interface Controls {
  decide: boolean;
  execute: boolean;
  rollback: boolean;
}

export function controlsFor(detail: Pick<ActionDetailPublic, "status" | "reversible">): Controls {
  return {
    decide: detail.status === "proposed",
    execute: detail.status === "approved",
    rollback: detail.reversible && (detail.status === "succeeded" || detail.status === "verified"),
  };
}
