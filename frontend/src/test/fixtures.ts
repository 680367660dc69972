import type { FiltersPublic, KpiSummaryPublic, SpendTrendPublic } from "../api/client";

export const filtersFixture: FiltersPublic = {
  billing_periods: ["2025-03", "2025-02", "2025-01"],
  accounts: [
    { account_id: "111111111111", account_name: "production" },
    { account_id: "222222222222", account_name: null },
  ],
  dimensions: [
    { key: "service_name", label: "Service" },
    { key: "sub_account_id", label: "Account" },
    { key: "region_id", label: "Region" },
    { key: "charge_category", label: "Charge category" },
    { key: "service_category", label: "Service category" },
  ],
  currency: "USD",
  data_start: "2025-01-01",
  data_end: "2025-03-03",
};

export const kpiFixture: KpiSummaryPublic = {
  currency: "USD",
  cost_metric: "billed_cost",
  as_of: "2025-03-03",
  period_kind: "month_to_date",
  period_label: "March 2025 to date (3 days)",
  complete: false,
  period_start: "2025-03-01",
  period_end: "2025-03-03",
  previous_period_start: "2025-02-01",
  previous_period_end: "2025-02-03",
  period_cost: "3210.5",
  previous_period_cost: "2900.25",
  change: "310.25",
  change_pct: 10.6977,
  total_cost: "123456.7850000001",
  month_to_date: "3210.5",
  previous_month_to_date: "2900.25",
  previous_month: "41000",
  mom_change: "310.25",
  mom_change_pct: 10.6977,
  realized_savings_month: "12.4",
  realized_savings_to_date: "310.75",
  top_services: [
    { service_name: "Amazon Elastic Compute Cloud", cost: "80000.004", share_pct: 64.8 },
    { service_name: "Amazon Simple Storage Service", cost: "20000", share_pct: 16.2 },
  ],
};

export function trendFixture(dimension: string, keys: readonly string[]): SpendTrendPublic {
  const dates = ["2025-03-01", "2025-03-02", "2025-03-03"];
  return {
    dimension,
    cost_metric: "billed_cost",
    currency: "USD",
    start: "2025-03-01",
    end: "2025-03-03",
    dates,
    series: keys.map((key, index) => ({
      key,
      total: String((index + 1) * 30),
      points: dates.map(() => String((index + 1) * 10)),
    })),
  };
}
