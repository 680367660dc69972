import type { CostMetric } from "../api/client";

/** The FOCUS cost columns a page can sum, with their names (Overview, Explorer). */
export const COST_METRICS = [
  { value: "billed_cost", label: "Billed cost" },
  { value: "effective_cost", label: "Effective cost" },
  { value: "list_cost", label: "List cost" },
] as const satisfies readonly { value: CostMetric; label: string }[];
