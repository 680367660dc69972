import { NEEDS, type Requirement } from "../auth/permissions";

interface Page {
  path: string;
  label: string;
  /** the right a user needs to see the page (its link is hidden from the others) */
  need?: Requirement;
}

/** The dashboard's pages in navigation order (their routes are in `router.tsx`). */
export const PAGES = [
  { path: "/", label: "Overview" },
  { path: "/explorer", label: "Explorer" },
  { path: "/accounts", label: "Accounts" },
  { path: "/resources", label: "Resources" },
  { path: "/commitments", label: "Commitments" },
  { path: "/optimization", label: "Optimization" },
  { path: "/chargeback", label: "Chargeback" },
  { path: "/anomalies", label: "Anomalies" },
  { path: "/forecasts", label: "Forecasts & budgets" },
  { path: "/insights", label: "Summaries" },
  { path: "/sources", label: "Data sources" },
  { path: "/actions", label: "Actions" },
  { path: "/savings", label: "Savings", need: NEEDS.readSavings },
  { path: "/ask", label: "Ask" },
  { path: "/sql", label: "SQL", need: NEEDS.useSql },
  { path: "/audit", label: "Audit", need: NEEDS.readAudit },
  { path: "/admin", label: "Admin", need: NEEDS.administer },
] as const satisfies readonly Page[];
