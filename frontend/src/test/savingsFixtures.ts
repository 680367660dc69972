import type {
  SavingsCumulativePublic,
  SavingsMeasurementDetailPublic,
  SavingsMeasurementPublic,
  SavingsMeasurementsPublic,
  SavingsRollupLinePublic,
  SavingsRollupPublic,
} from "../api/client";

export function measurementFixture(overrides: Partial<SavingsMeasurementPublic> = {}): SavingsMeasurementPublic {
  return {
    id: 3,
    subject_key: "action:7",
    subject_kind: "action",
    proposal_id: 7,
    fingerprint: "f-idle-0007",
    account_id: "123456789012",
    region: "us-east-1",
    resource_id: "i-0abc123def4567890",
    service: "AmazonEC2",
    action: "stop_instance",
    finding_type: "idle_instance",
    policy: "stop-idle-dev",
    change_day: "2026-03-11",
    currency: "USD",
    baseline_start: "2026-02-25",
    baseline_end: "2026-03-10",
    after_start: "2026-03-12",
    after_end: "2026-03-14",
    baseline_days: 14,
    after_days: 3,
    baseline_daily_effective: "2.40",
    baseline_daily_list: "2.40",
    after_daily_effective: "0",
    after_daily_list: "0",
    realized_monthly_effective: "74.40",
    realized_monthly_list: "74.40",
    estimated_monthly_savings: "70.00",
    method: "resource's own bill before and after: its running hours are expected to stop",
    confidence: "medium",
    status: "measured",
    measured_on: "2026-03-14",
    first_measured_at: "2026-03-14T06:00:00Z",
    measured_at: "2026-03-14T06:00:00Z",
    ...overrides,
  };
}

export function measurementsFixture(data: SavingsMeasurementPublic[]): SavingsMeasurementsPublic {
  const counts = { awaiting_bills: 0, measured: 0, confirmed: 0 };
  for (const m of data) {
    counts[m.status] += 1;
  }
  return { data, count: data.length, counts };
}

/** Measurement 3 in full: two baseline days at 2.40, the change day, three after days at 0. */
export function measurementDetailFixture(
  overrides: Partial<SavingsMeasurementDetailPublic> = {},
): SavingsMeasurementDetailPublic {
  const day = (d: string, cost: string, usage: string) => ({ day: d, effective_cost: cost, list_cost: cost, usage });
  return {
    ...measurementFixture(),
    measured_resources: ["i-0abc123def4567890"],
    resource_tags: { team: "data" },
    changed_at: "2026-03-11T09:30:00Z",
    days_in_month: 31,
    baseline_effective_cost: "33.60",
    baseline_list_cost: "33.60",
    baseline_usage: "336",
    baseline_daily_usage: "24",
    after_effective_cost: "0",
    after_list_cost: "0",
    after_usage: "0",
    after_daily_usage: "0",
    reasons: [
      {
        code: "commitment_freed",
        confidence: "medium",
        text: "25% of the baseline's list cost was covered by a Savings Plan",
      },
    ],
    daily: [
      day("2026-03-09", "2.40", "24"),
      day("2026-03-10", "2.40", "24"),
      day("2026-03-11", "1.20", "12"),
      day("2026-03-12", "0", "0"),
      day("2026-03-13", "0", "0"),
      day("2026-03-14", "0", "0"),
    ],
    ...overrides,
  };
}

export function rollupLine(key: string, overrides: Partial<SavingsRollupLinePublic> = {}): SavingsRollupLinePublic {
  return {
    key,
    subjects: 1,
    realized_effective: "88.00",
    realized_list: "96.00",
    estimated: "90.3225806451612903225806451",
    realization_rate: "0.9742857142857142857142857143",
    spend: null,
    share_of_spend: null,
    ...overrides,
  };
}

export function rollupFixture(by: SavingsRollupPublic["by"], data: SavingsRollupLinePublic[]): SavingsRollupPublic {
  return {
    by,
    start: "2026-03-01",
    end: "2026-04-10",
    currency: "USD",
    total: rollupLine("total", {
      subjects: 2,
      realized_effective: "132.00",
      realized_list: "140.00",
      estimated: "137.0967741935483870967741935",
      realization_rate: "0.9628235294117647058823529412",
    }),
    data,
    count: data.length,
  };
}

export const cumulativeFixture: SavingsCumulativePublic = {
  start: "2026-03-01",
  end: "2026-04-10",
  currency: "USD",
  data: [
    { month: "2026-03", realized: "88.00", cumulative: "88.00" },
    { month: "2026-04", realized: "44.00", cumulative: "132.00" },
  ],
  count: 2,
};
