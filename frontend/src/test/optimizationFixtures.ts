import type {
  ChargebackPublic,
  CohComparisonPublic,
  FindingPublic,
  FindingsPublic,
  FindingsSummaryPublic,
} from "../api/client";

function finding(overrides: Partial<FindingPublic>): FindingPublic {
  return {
    fingerprint: "f0",
    finding_type: "idle_instance",
    resource_id: "i-0abc",
    resource_type: "AWS::EC2::Instance",
    account_id: "111111111111",
    region: "us-east-1",
    service: "Amazon Elastic Compute Cloud",
    status: "new",
    first_seen: "2025-03-01",
    last_seen: "2025-03-03",
    resolved_on: null,
    estimated_monthly_savings: "140.165",
    currency: "USD",
    cost_7d: "20",
    cost_30d: "99.534",
    cost_mtd: "10",
    cost_prev_month: "90",
    details: {
      action: "stop or terminate",
      instance_type: "m5.xlarge",
      max_cpu_percent: 2.5,
      avg_network_mbps: 0.8936,
    },
    ...overrides,
  };
}

export const findingsFixture: FindingsPublic = {
  data: [
    finding({ fingerprint: "f1" }),
    finding({
      fingerprint: "f2",
      finding_type: "gp2_volume",
      resource_id: "vol-0def",
      resource_type: "AWS::EC2::Volume",
      account_id: "222222222222",
      status: "open",
      estimated_monthly_savings: "8",
      cost_30d: "38.71",
      details: { size_gb: "400", action: "modify-volume to gp3 (online, no detach)" },
    }),
  ],
  count: 2,
  currency: "USD",
  total_estimated_monthly_savings: "148.165",
};

export const findingsSummaryFixture: FindingsSummaryPublic = {
  currency: "USD",
  as_of: "2025-03-03",
  count: 2,
  total_estimated_monthly_savings: "148.165",
  by_type: [
    {
      finding_type: "idle_instance",
      count: 1,
      estimated_monthly_savings: "140.165",
      cost_30d: "99.534",
    },
    { finding_type: "gp2_volume", count: 1, estimated_monthly_savings: "8", cost_30d: "38.71" },
  ],
};

export function chargebackFixture(period: string): ChargebackPublic {
  return {
    billing_period: period,
    currency: "USD",
    total: "1000.00",
    unallocated: "100.01",
    unallocated_share_pct: "10.00",
    billing_periods: ["2025-03", "2025-02"],
    count: 3,
    data: [
      {
        cost_center: "CC-1",
        cost: "600.005",
        direct_cost: "500",
        shared_cost: "100.005",
        share_pct: "60.00",
        allocations: [],
      },
      {
        cost_center: "CC-2",
        cost: "299.985",
        direct_cost: "250",
        shared_cost: "49.985",
        share_pct: "30.00",
        allocations: [],
      },
      {
        cost_center: "unallocated",
        cost: "100.01",
        direct_cost: "100.01",
        shared_cost: "0",
        share_pct: "10.00",
        allocations: [],
      },
    ],
  };
}

export const cohComparisonFixture: CohComparisonPublic = {
  data: [
    {
      resource_id: "i-0abc",
      account_id: "111111111111",
      region: "us-east-1",
      agreement: "agree",
      coh_recommendation_id: "rec-1",
      coh_action_type: "Stop",
      coh_monthly_savings: "140.165",
      coh_currency: "USD",
      platform_fingerprint: "f0",
      platform_finding_type: "idle_instance",
      platform_action_type: "Stop",
      platform_monthly_savings: "140.165",
      platform_currency: "USD",
      savings_difference: "0",
    },
    {
      resource_id: "i-0cohonly",
      account_id: "222222222222",
      region: "eu-west-1",
      agreement: "coh_only",
      coh_recommendation_id: "rec-2",
      coh_action_type: "Rightsize",
      coh_monthly_savings: "12.255",
      coh_currency: "USD",
      platform_fingerprint: null,
      platform_finding_type: null,
      platform_action_type: null,
      platform_monthly_savings: null,
      platform_currency: null,
      savings_difference: null,
    },
  ],
  count: 2,
  counts: { agree: 1, disagree_action: 0, disagree_savings: 0, coh_only: 1, platform_only: 0 },
  savings_tolerance_pct: "10",
  coh_recommendations: 2,
};
