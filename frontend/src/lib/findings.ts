import type { FindingPublic, FindingStatus, FindingType } from "../api/client";

export const FINDING_TYPE_LABELS: Record<FindingType, string> = {
  idle_instance: "Idle EC2 instance",
  oversized_instance: "Oversized EC2 instance",
  previous_generation_instance: "Previous-generation instance",
  oversized_rds: "Oversized RDS instance",
  idle_rds: "Idle RDS instance",
  unattached_volume: "Unattached EBS volume",
  gp2_volume: "gp2 → gp3 volume",
  old_snapshot: "Old EBS snapshot",
  unassociated_eip: "Unassociated Elastic IP",
  idle_load_balancer: "Idle load balancer",
  untagged_resource: "Untagged resource",
  mistagged_resource: "Mis-tagged resource",
  underused_reservation: "Under-used Reserved Instance",
  underused_savings_plan: "Under-used Savings Plan",
};

export const FINDING_TYPES = Object.keys(FINDING_TYPE_LABELS) as FindingType[];

export const FINDING_STATUSES = [
  { value: "new", label: "New" },
  { value: "open", label: "Open" },
  { value: "resolved", label: "Resolved" },
] as const satisfies readonly { value: FindingStatus; label: string }[];

/** What the Optimization page shows by default: findings that still need action. */
export const ACTIVE_STATUSES: FindingStatus[] = ["new", "open"];

export function isFindingType(value: string): value is FindingType {
  return value in FINDING_TYPE_LABELS;
}

export function findingTypeLabel(type: string): string {
  return isFindingType(type) ? FINDING_TYPE_LABELS[type] : type.replaceAll("_", " ");
}

type Details = FindingPublic["details"];

function text(details: Details, key: string): string | null {
  const value = details[key];
  if (typeof value === "string" && value !== "") {
    return value;
  }
  return typeof value === "number" && Number.isFinite(value) ? String(value) : null;
}

function num(details: Details, key: string): number | null {
  const value = details[key];
  const parsed = typeof value === "string" ? Number(value) : value;
  return typeof parsed === "number" && Number.isFinite(parsed) ? parsed : null;
}

function percent(value: number): string {
  return `${value.toFixed(1).replace(/\.0$/, "")}%`;
}

function compact(parts: readonly (string | null)[]): string {
  return parts.filter((part): part is string => part !== null && part !== "").join(" · ");
}

/** One line that tells a FinOps engineer what was found, from the finding's `details`. */
export function keyDetails(finding: FindingPublic): string {
  const d = finding.details;
  const type = text(d, "instance_type");
  const target = text(d, "recommended_instance_type");
  const size = text(d, "size_gb");
  switch (finding.finding_type) {
    case "oversized_instance":
    case "oversized_rds":
    case "previous_generation_instance": {
      const risk = text(d, "risk");
      return compact([
        type !== null && target !== null ? `${type} → ${target}` : type,
        risk === null ? null : `${risk} risk`,
      ]);
    }
    case "idle_instance": {
      const cpu = num(d, "max_cpu_percent");
      const network = num(d, "avg_network_mbps");
      return compact([
        type,
        cpu === null ? null : `peak CPU ${percent(cpu)}`,
        network === null ? null : `${network.toFixed(2)} Mbit/s`,
      ]);
    }
    case "idle_rds": {
      const connections = num(d, "max_connections");
      return compact([type, connections === null ? null : `${connections} connections`]);
    }
    case "unattached_volume": {
      const days = num(d, "unattached_days");
      return compact([
        size === null ? null : `${size} GB ${text(d, "volume_type") ?? ""}`.trim(),
        days === null ? null : `unattached ${days} days`,
      ]);
    }
    case "gp2_volume":
      return compact([size === null ? null : `${size} GB`, "gp2 → gp3"]);
    case "old_snapshot": {
      const age = num(d, "age_days");
      return compact([size === null ? null : `${size} GB`, age === null ? null : `${age} days old`]);
    }
    case "unassociated_eip":
      return compact([text(d, "public_ip"), "not associated"]);
    case "idle_load_balancer": {
      const requests = num(d, "requests_in_lookback");
      const days = num(d, "lookback_days");
      return requests === null
        ? ""
        : `${requests} requests in ${days === null ? "the lookback" : `${days} days`}`;
    }
    case "underused_reservation":
    case "underused_savings_plan": {
      const used = num(d, "utilization");
      const days = num(d, "days");
      return used === null
        ? ""
        : `${percent(used * 100)} used over ${days === null ? "the window" : `${days} days`}`;
    }
    case "untagged_resource":
    case "mistagged_resource": {
      const problems = d["problems"];
      return Array.isArray(problems)
        ? problems.filter((p): p is string => typeof p === "string").join("; ")
        : "";
    }
    default:
      return "";
  }
}

/** The recommended action, when the job gave one ("stop or terminate"). */
export function recommendedAction(finding: FindingPublic): string | null {
  return text(finding.details, "action");
}
