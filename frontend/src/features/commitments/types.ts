/** The commitment discount API's shapes (`/api/v1/discounts/*`; issue 18), as the API branch
 * defines them (backend/finops/api/schemas/discounts.py), until the generated schema has them.
 * Money and percentages are decimal strings. */
import type { ListPublic } from "../resources/types";

export interface UtilizationPublic {
  period: string;
  commitment_type: string;
  currency: string;
  commitments: number;
  committed_cost: string;
  used_cost: string;
  unused_cost: string;
  utilization_pct: string | null;
}

export interface CoveragePublic {
  period: string;
  service_name: string;
  currency: string;
  eligible_list_cost: string;
  covered_list_cost: string;
  on_demand_cost: string;
  coverage_pct: string | null;
}

export interface RecommendationPublic {
  as_of: string;
  term_years: number;
  payment_option: string;
  lookback_days: number;
  hourly_commitment: string;
  monthly_commitment: string;
  estimated_monthly_savings: string;
  details: Record<string, unknown>;
}

export type UtilizationListPublic = ListPublic<UtilizationPublic>;
export type CoverageListPublic = ListPublic<CoveragePublic>;
export type RecommendationsPublic = ListPublic<RecommendationPublic>;
