import { useSyncExternalStore } from "react";

/** The dashboard's pages, by path. `finops serve` answers every unknown path with index.html. */
export const PAGES = [
  { path: "/", label: "Overview" },
  { path: "/optimization", label: "Optimization" },
  { path: "/chargeback", label: "Chargeback" },
  { path: "/anomalies", label: "Anomalies" },
  { path: "/forecasts", label: "Forecasts & budgets" },
  { path: "/sources", label: "Data sources" },
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

/** Query parameter `name` of the address bar (`null` when absent), re-read when it changes. */
export function useSearchParam(name: string): string | null {
  return useSyncExternalStore(subscribe, () =>
    new URLSearchParams(window.location.search).get(name),
  );
}

/**
 * Sets query parameters of the address bar (`null` removes one), keeping the others, so a
 * page's filters, selection and paging survive a reload and can be linked. Replaces the history
 * entry: the back button leaves the page rather than stepping through its filters.
 */
export function setSearchParams(values: Readonly<Record<string, string | null>>): void {
  const params = new URLSearchParams(window.location.search);
  for (const [name, value] of Object.entries(values)) {
    if (value === null) {
      params.delete(name);
    } else {
      params.set(name, value);
    }
  }
  const query = params.toString();
  const search = query === "" ? "" : `?${query}`;
  window.history.replaceState(
    window.history.state,
    "",
    `${window.location.pathname}${search}${window.location.hash}`,
  );
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}
