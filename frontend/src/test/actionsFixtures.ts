import type { ActionDetailPublic, ActionPublic, ActionsPublic } from "../api/client";

export const DIGEST = "3f1a9c0e5b7d2468ace013579bdf2468ace013579bdf2468ace013579bdf2468";

export function actionFixture(overrides: Partial<ActionPublic> = {}): ActionPublic {
  return {
    id: 7,
    fingerprint: "f-idle-0007",
    finding_type: "idle_instance",
    policy: "stop-idle-dev",
    action: "stop_instance",
    account_id: "123456789012",
    region: "us-east-1",
    resource_id: "i-0abc123def4567890",
    resource_type: "ec2_instance",
    digest: DIGEST,
    estimated_monthly_savings: "70.080000",
    currency: "USD",
    risk: "low",
    reversible: true,
    approval_mode: "manual",
    four_eyes: false,
    status: "proposed",
    status_reason: null,
    proposed_by: "airflow:remediation",
    proposed_at: "2026-11-02T06:00:00Z",
    expires_at: "2026-11-05T06:00:00Z",
    approval_expiry_hours: 72,
    run_id: "scheduled__2026-11-02",
    updated_at: "2026-11-02T06:00:00Z",
    ...overrides,
  };
}

export function actionsFixture(items: ActionPublic[], counts: Record<string, number> = {}): ActionsPublic {
  return {
    items,
    total: items.length,
    counts: {
      proposed: 0,
      approved: 0,
      rejected: 0,
      expired: 0,
      stale: 0,
      dry_run: 0,
      executing: 0,
      succeeded: 0,
      failed: 0,
      verified: 0,
      rolled_back: 0,
      ...counts,
    },
  };
}

export function actionDetailFixture(overrides: Partial<ActionDetailPublic> = {}): ActionDetailPublic {
  return {
    ...actionFixture(),
    parameters: {},
    observed_state: { state: "running", instance_type: "m5.large", tags: { Name: "idle" } },
    evidence: {
      finding: { max_cpu_percent: 2.1, days: 14 },
      cost_7d: "16.350000",
      cost_30d: "70.080000",
      currency: "USD",
      savings_method: "effective_cost_30d",
      utilization: [
        { day: "2026-10-30", metric: "CPUUtilization", average: 1.2, maximum: 3.4 },
        { day: "2026-10-31", metric: "CPUUtilization", average: 0.9, maximum: 2.8 },
        { day: "2026-11-01", metric: "CPUUtilization", average: 1.1, maximum: 2.2 },
      ],
    },
    undo: null,
    decision: null,
    steps: [],
    ...overrides,
  };
}
