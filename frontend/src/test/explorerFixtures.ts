import type { ExplorerPublic } from "../features/explorer/types";

/** Three months by service then region: two top groups and one folded into "Other". */
export const explorerFixture: ExplorerPublic = {
  start: "2025-01-01",
  end: "2025-03-03",
  granularity: "monthly",
  metric: "billed_cost",
  currency: "USD",
  group_by: ["service_name", "region_id"],
  filters: { account_id: ["111111111111"], "tag:team": ["data"] },
  source: "rollup_monthly",
  total: "1234.5675",
  periods: ["2025-01-01", "2025-02-01", "2025-03-01"],
  groups: [
    { keys: ["AmazonEC2", "us-east-1"], labels: ["AmazonEC2", "us-east-1"], total: "1000.005" },
    { keys: ["AmazonS3", null], labels: ["AmazonS3", "(none)"], total: "200.5625" },
    { keys: ["AWSLambda", "eu-west-1"], labels: ["AWSLambda", "eu-west-1"], total: "34" },
  ],
  series: [
    {
      keys: ["AmazonEC2", "us-east-1"],
      labels: ["AmazonEC2", "us-east-1"],
      total: "1000.005",
      points: ["400", "500.005", "100"],
      other: false,
    },
    {
      keys: ["AmazonS3", null],
      labels: ["AmazonS3", "(none)"],
      total: "200.5625",
      points: ["100.5625", "60", "40"],
      other: false,
    },
    { keys: ["Other", "Other"], labels: ["Other", "Other"], total: "34", points: ["10", "12", "12"], other: true },
  ],
  other: { groups: 1, total: "34" },
};

export const explorerDimensionsFixture = {
  dimensions: [
    { key: "service_name", label: "Service" },
    { key: "account_id", label: "Account" },
    { key: "region_id", label: "Region" },
    { key: "charge_category", label: "Charge category" },
    { key: "service_category", label: "Service category" },
    { key: "usage_type", label: "Usage type" },
    { key: "tag:team", label: "Tag: team" },
  ],
};
