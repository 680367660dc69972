/**
 * The Explorer API's shapes (issue 18's contract, /work/wt/notes/ISSUE18.md), written here while
 * the routes are being built on another branch; once `frontend/openapi.json` has them, these
 * become aliases of the generated `components["schemas"]`.
 */

/** One group of the breakdown: its keys (one per group-by dimension), display labels, total. */
export interface ExplorerGroupPublic {
  keys: (string | null)[];
  labels: string[];
  total: string;
}

/** A chart series: a group's cost per period (aligned with `periods`); `other` folds the rest. */
export interface ExplorerSeriesPublic extends ExplorerGroupPublic {
  points: string[];
  other: boolean;
}

export interface ExplorerPublic {
  start: string;
  end: string;
  granularity: "daily" | "monthly";
  metric: string;
  currency: string | null;
  group_by: string[];
  filters: Record<string, string[]>;
  source: string;
  total: string;
  periods: string[];
  groups: ExplorerGroupPublic[];
  series: ExplorerSeriesPublic[];
  other: { groups: number; total: string } | null;
}

export interface ExplorerDimensionPublic {
  key: string;
  label: string;
}

export interface ExplorerDimensionsPublic {
  dimensions: ExplorerDimensionPublic[];
}

export interface ExplorerValuePublic {
  /** "" for missing / untagged */
  value: string;
  label: string;
}

export interface ExplorerValuesPublic {
  dimension: string;
  values: ExplorerValuePublic[];
}
