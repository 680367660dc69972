import type {
  ChargebackPublic,
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
    savings_method: "effective_cost_30d",
    on_demand_monthly_savings: "210.24",
    commitment_waste: "0",
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
      savings_method: "effective_rate_difference_30d",
      on_demand_monthly_savings: "8",
      details: { size_gb: "400", action: "modify-volume to gp3 (online, no detach)" },
    }),
    finding({
      fingerprint: "f3",
      finding_type: "underused_savings_plan",
      resource_id: "arn:aws:savingsplans::111111111111:savingsplan/sp-1",
      resource_type: "Savings Plan",
      status: "open",
      estimated_monthly_savings: "0",
      savings_method: "commitment_waste_30d",
      on_demand_monthly_savings: null,
      commitment_waste: "2917.66",
      cost_30d: "8997.12",
      details: { utilization: 0.62, action: "hold new purchases until usage grows into the commitment" },
    }),
  ],
  count: 3,
  currency: "USD",
  total_estimated_monthly_savings: "148.165",
  total_commitment_waste: "2917.66",
};

export const findingsSummaryFixture: FindingsSummaryPublic = {
  currency: "USD",
  as_of: "2025-03-03",
  count: 3,
  total_estimated_monthly_savings: "148.165",
  total_on_demand_monthly_savings: "218.24",
  total_commitment_waste: "2917.66",
  savings_basis: "actionable savings at the effective price",
  commitment_waste_advice:
    "Unused commitment is paid whatever is done this month: hold new commitment purchases",
  by_type: [
    {
      finding_type: "idle_instance",
      count: 1,
      estimated_monthly_savings: "140.165",
      on_demand_monthly_savings: "210.24",
      commitment_waste: "0",
      cost_30d: "99.534",
    },
    {
      finding_type: "gp2_volume",
      count: 1,
      estimated_monthly_savings: "8",
      on_demand_monthly_savings: "8",
      commitment_waste: "0",
      cost_30d: "38.71",
    },
    {
      finding_type: "underused_savings_plan",
      count: 1,
      estimated_monthly_savings: "0",
      on_demand_monthly_savings: "0",
      commitment_waste: "2917.66",
      cost_30d: "8997.12",
    },
  ],
};

export function chargebackFixture(period: string): ChargebackPublic {
  const hasPrevious = period === "2025-03";
  return {
    billing_period: period,
    currency: "USD",
    total: "1000.00",
    unallocated: "100.01",
    unallocated_share_pct: "10.00",
    invalid_tag: "50.00",
    invalid_tag_share_pct: "5.00",
    invalid_tag_values: ["CC-9999"],
    previous_billing_period: hasPrevious ? "2025-02" : null,
    previous_total: hasPrevious ? "900.00" : null,
    billing_periods: ["2025-03", "2025-02"],
    count: 4,
    data: [
      {
        cost_center: "CC-1",
        cost: "550.005",
        direct_cost: "450",
        shared_cost: "100.005",
        share_pct: "55.00",
        previous_cost: hasPrevious ? "500" : null,
        allocations: [],
      },
      {
        cost_center: "CC-2",
        cost: "299.985",
        direct_cost: "250",
        shared_cost: "49.985",
        share_pct: "30.00",
        previous_cost: hasPrevious ? "320" : null,
        allocations: [],
      },
      {
        cost_center: "invalid-tag",
        cost: "50.00",
        direct_cost: "50.00",
        shared_cost: "0",
        share_pct: "5.00",
        previous_cost: hasPrevious ? "0" : null,
        allocations: [{ allocation: "invalid-tag:CC-9999", cost: "50.00" }],
      },
      {
        cost_center: "unallocated",
        cost: "100.01",
        direct_cost: "100.01",
        shared_cost: "0",
        share_pct: "10.00",
        previous_cost: hasPrevious ? "80" : null,
        allocations: [],
      },
    ],
  };
}
