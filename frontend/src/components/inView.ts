import { useEffect, useRef } from "react";

/**
 * A ref for a detail panel opened by a row: whenever `key` (what it shows) changes, the panel
 * scrolls into view, so on a long table or a phone the detail opens where the eye is. A null
 * key (nothing open) scrolls nowhere.
 */
export function useScrollIntoView<T extends HTMLElement>(key: string | number | null | undefined) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const element = ref.current;
    // jsdom (the unit tests) has no layout, hence no scrollIntoView
    if (key !== null && key !== undefined && element !== null && "scrollIntoView" in element) {
      element.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }, [key]);
  return ref;
}
