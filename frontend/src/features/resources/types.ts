/**
 * The inventory API's shapes (`/api/v1/resources`, `/api/v1/usage`; issue 18), as the API
 * branch defines them (backend/finops/api/schemas/inventory.py), until the generated schema
 * has them.
 */

export interface ListPublic<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface ResourcePublic {
  resource_id: string;
  resource_type: string | null;
  name: string | null;
  account_id: string | null;
  account_name: string | null;
  region_id: string | null;
  state: string | null;
  is_terminated: boolean | null;
  first_seen: string | null;
  last_seen: string | null;
  tags: Record<string, string>;
  cost_30d: string;
  cpu_p95_14d: number | null;
  open_findings: number;
  anomalies: number;
}

export interface UtilizationPointPublic {
  day: string;
  metric_name: string;
  stat: string | null;
  unit: string | null;
  avg: number;
  p95: number;
  max: number;
}

export interface ResourceFindingPublic {
  fingerprint: string;
  finding_type: string;
  status: string;
  estimated_monthly_savings: string;
  currency: string;
  last_seen: string;
}

export interface ResourceAnomalyPublic {
  fingerprint: string;
  scope_kind: string;
  status: string;
  first_day: string;
  last_day: string;
  impact: string;
  severity: string;
}

export interface ResourceDetailPublic {
  resource_id: string;
  resource_type: string | null;
  name: string | null;
  arn: string | null;
  account_id: string | null;
  account_name: string | null;
  region_id: string | null;
  state: string | null;
  is_terminated: boolean | null;
  first_seen: string | null;
  last_seen: string | null;
  tags: Record<string, string>;
  configuration: Record<string, unknown>;
  cost_30d: string;
  daily_cost: { day: string; cost: string }[];
  utilization: UtilizationPointPublic[];
  findings: ResourceFindingPublic[];
  anomalies: ResourceAnomalyPublic[];
}

export interface UsagePublic {
  day: string;
  account_id: string | null;
  region_id: string | null;
  resource_id: string | null;
  namespace: string | null;
  metric_name: string | null;
  stat: string | null;
  unit: string | null;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  min: number | null;
  max: number | null;
  sample_count: number | null;
}
