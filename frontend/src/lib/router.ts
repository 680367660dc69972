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

/** Subscribe to location changes (navigation, back/forward, `setSearchParams`). */
export function subscribe(onChange: () => void): () => void {
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

/** The current query string ("?period=2026-10"); a page's state lives there so a view can be
 * linked and survives a reload. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

/** Replace some query parameters of the current URL (null removes one), keeping the path. */
export function setSearchParams(updates: Record<string, string | null>): void {
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(updates)) {
    if (value === null || value === "") {
      params.delete(key);
    } else {
      params.set(key, value);
    }
  }
  const query = params.toString();
  const url = `${window.location.pathname}${query === "" ? "" : `?${query}`}`;
  if (url !== `${window.location.pathname}${window.location.search}`) {
    window.history.replaceState(null, "", url);
    window.dispatchEvent(new Event(NAVIGATE_EVENT));
  }
}

/** Query parameter `name` of the address bar (`null` when absent), re-read when it changes. */
export function useSearchParam(name: string): string | null {
  return useSyncExternalStore(subscribe, () =>
    new URLSearchParams(window.location.search).get(name),
  );
}
