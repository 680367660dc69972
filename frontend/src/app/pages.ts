/** The dashboard's pages in navigation order (their routes are in `router.tsx`). */
export const PAGES = [
  { path: "/", label: "Overview" },
  { path: "/optimization", label: "Optimization" },
  { path: "/chargeback", label: "Chargeback" },
  { path: "/anomalies", label: "Anomalies" },
  { path: "/forecasts", label: "Forecasts & budgets" },
  { path: "/sources", label: "Data sources" },
] as const;
