/** The series colours of every stacked cost chart, in order (Overview, Explorer). */
export const SERIES_COLORS = [
  "#2563eb",
  "#0d9488",
  "#f59e0b",
  "#db2777",
  "#7c3aed",
  "#16a34a",
  "#ea580c",
  "#0891b2",
  "#64748b",
  "#a16207",
];
