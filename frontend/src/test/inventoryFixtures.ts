import type { CoveragePublic, RecommendationPublic, UtilizationPublic } from "../features/commitments/types";
import type { ResourceDetailPublic, ResourcePublic, UsagePublic } from "../features/resources/types";

export function list<T>(items: T[]): { items: T[]; total: number; limit: number; offset: number } {
  return { items, total: items.length, limit: 100, offset: 0 };
}

export function resourceFixture(overrides: Partial<ResourcePublic> = {}): ResourcePublic {
  return {
    resource_id: "i-0abc",
    resource_type: "AWS::EC2::Instance",
    name: "web-1",
    account_id: "111111111111",
    account_name: "production",
    region_id: "us-east-1",
    state: "running",
    is_terminated: false,
    first_seen: "2025-01-01",
    last_seen: "2025-03-03",
    tags: { team: "web" },
    cost_30d: "123.455",
    cpu_p95_14d: 4.25,
    open_findings: 2,
    anomalies: 1,
    ...overrides,
  };
}

export function usageFixture(resource: string, day: string, p95: number): UsagePublic {
  return {
    day,
    account_id: "111111111111",
    region_id: "us-east-1",
    resource_id: resource,
    namespace: "AWS/EC2",
    metric_name: "CPUUtilization",
    stat: null,
    unit: "Percent",
    avg: p95 / 2,
    p50: null,
    p95,
    p99: null,
    min: null,
    max: null,
    sample_count: 24,
  };
}

export const resourceDetailFixture: ResourceDetailPublic = {
  resource_id: "i-0abc",
  resource_type: "AWS::EC2::Instance",
  name: "web-1",
  arn: "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
  account_id: "111111111111",
  account_name: "production",
  region_id: "us-east-1",
  state: "running",
  is_terminated: false,
  first_seen: "2025-01-01",
  last_seen: "2025-03-03",
  tags: { team: "web" },
  configuration: {},
  cost_30d: "30.75",
  daily_cost: [
    { day: "2025-03-01", cost: "10.25" },
    { day: "2025-03-02", cost: "10.25" },
    { day: "2025-03-03", cost: "10.25" },
  ],
  utilization: [
    { day: "2025-03-01", metric_name: "CPUUtilization", stat: null, unit: "Percent", avg: 2, p95: 4, max: 9 },
    { day: "2025-03-02", metric_name: "CPUUtilization", stat: null, unit: "Percent", avg: 2, p95: 5, max: 9 },
  ],
  findings: [
    {
      fingerprint: "f-1",
      finding_type: "idle_instance",
      status: "open",
      estimated_monthly_savings: "70.08",
      currency: "USD",
      last_seen: "2025-03-03",
    },
  ],
  anomalies: [
    {
      fingerprint: "a-1",
      scope_kind: "resource",
      status: "open",
      first_day: "2025-02-10",
      last_day: "2025-02-11",
      impact: "45.5",
      severity: "high",
    },
  ],
};

export function utilizationFixture(period: string, pct: string | null): UtilizationPublic {
  return {
    period,
    commitment_type: "Savings Plan",
    currency: "USD",
    commitments: 1,
    committed_cost: "100",
    used_cost: pct ?? "0",
    unused_cost: String(100 - Number(pct ?? "0")),
    utilization_pct: pct,
  };
}

export function coverageFixture(period: string, service: string, eligible: string, covered: string): CoveragePublic {
  return {
    period,
    service_name: service,
    currency: "USD",
    eligible_list_cost: eligible,
    covered_list_cost: covered,
    on_demand_cost: String(Number(eligible) - Number(covered)),
    coverage_pct: Number(eligible) === 0 ? null : String((Number(covered) / Number(eligible)) * 100),
  };
}

export const recommendationFixture: RecommendationPublic = {
  as_of: "2025-03-03",
  term_years: 1,
  payment_option: "No Upfront",
  lookback_days: 30,
  hourly_commitment: "0.125",
  monthly_commitment: "91.25",
  estimated_monthly_savings: "27.375",
  details: {},
};
