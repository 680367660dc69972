import { useSyncExternalStore } from "react";

/** The dashboard's pages, by path. `finops serve` answers every unknown path with index.html. */
export const PAGES = [
  { path: "/", label: "Overview" },
  { path: "/optimization", label: "Optimization" },
  { path: "/chargeback", label: "Chargeback" },
  { path: "/anomalies", label: "Anomalies" },
  { path: "/forecasts", label: "Forecasts & budgets" },
] as const;

export type PagePath = (typeof PAGES)[number]["path"];

const NAVIGATE_EVENT = "finops:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** The known page for a location path ("/optimization/" → "/optimization"); unknown → "/". */
export function pageForPath(pathname: string): PagePath {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return PAGES.find((page) => page.path === trimmed)?.path ?? "/";
}

export function useCurrentPage(): PagePath {
  return useSyncExternalStore(subscribe, () => pageForPath(window.location.pathname));
}

export function navigate(path: PagePath): void {
  if (window.location.pathname !== path) {
    window.history.pushState(null, "", path);
    window.dispatchEvent(new Event(NAVIGATE_EVENT));
  }
}
