import { describe, expect, it } from "vitest";

import type { FindingPublic } from "../api/client";
import { findingTypeLabel, keyDetails, recommendedAction } from "./findings";

function finding(finding_type: string, details: FindingPublic["details"]): FindingPublic {
  return {
    fingerprint: "f",
    finding_type,
    resource_id: "r",
    resource_type: null,
    account_id: "1",
    region: null,
    service: null,
    status: "open",
    first_seen: "2025-01-01",
    last_seen: "2025-01-01",
    resolved_on: null,
    estimated_monthly_savings: "1",
    savings_method: "effective_cost_30d",
    on_demand_monthly_savings: "1",
    commitment_waste: "0",
    currency: "USD",
    cost_7d: null,
    cost_30d: null,
    cost_mtd: null,
    cost_prev_month: null,
    details,
  };
}

describe("keyDetails", () => {
  it.each([
    [
      "oversized_instance",
      { instance_type: "m5.4xlarge", recommended_instance_type: "r5.2xlarge", risk: "medium" },
      "m5.4xlarge → r5.2xlarge · medium risk",
    ],
    ["idle_rds", { instance_type: "db.r5.large", max_connections: 0 }, "db.r5.large · 0 connections"],
    [
      "unattached_volume",
      { size_gb: "200", volume_type: "gp2", unattached_days: 13 },
      "200 GB gp2 · unattached 13 days",
    ],
    ["old_snapshot", { size_gb: "50", age_days: 566 }, "50 GB · 566 days old"],
    ["unassociated_eip", { public_ip: "203.0.11.129" }, "203.0.11.129 · not associated"],
    [
      "idle_load_balancer",
      { requests_in_lookback: 0, lookback_days: 14 },
      "0 requests in 14 days",
    ],
    ["underused_reservation", { utilization: 0.25, days: 30 }, "25% used over 30 days"],
    [
      "mistagged_resource",
      { problems: ["team 'unknown' is not allowed", "cost-center missing"] },
      "team 'unknown' is not allowed; cost-center missing",
    ],
    ["a_future_type", { anything: 1 }, ""],
  ])("%s", (type, details, expected) => {
    expect(keyDetails(finding(type, details))).toBe(expected);
  });

  it("ignores missing or malformed values", () => {
    expect(keyDetails(finding("idle_instance", { max_cpu_percent: "n/a" }))).toBe("");
    expect(keyDetails(finding("underused_savings_plan", {}))).toBe("");
  });
});

describe("labels", () => {
  it("names known types and spells out unknown ones", () => {
    expect(findingTypeLabel("gp2_volume")).toBe("gp2 → gp3 volume");
    expect(findingTypeLabel("new_kind_of_waste")).toBe("new kind of waste");
  });

  it("reads the recommended action", () => {
    expect(recommendedAction(finding("idle_instance", { action: "stop" }))).toBe("stop");
    expect(recommendedAction(finding("idle_instance", {}))).toBeNull();
  });
});
