import type { components } from "../../api/schema";

/** The commitment discount API's shapes (`/api/v1/discounts/*`; issue 18), generated. Money
 * and percentages are decimal strings. */
export type UtilizationPublic = components["schemas"]["UtilizationPublic"];
export type CoveragePublic = components["schemas"]["CoveragePublic"];
export type RecommendationPublic = components["schemas"]["RecommendationPublic"];
export type UtilizationListPublic = components["schemas"]["UtilizationListPublic"];
export type CoverageListPublic = components["schemas"]["CoverageListPublic"];
export type RecommendationsPublic = components["schemas"]["RecommendationsPublic"];
