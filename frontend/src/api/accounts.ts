import { useMemo } from "react";

import { useFilters } from "./filters";

/** Account id → name for the accounts the data holds (from `/api/v1/filters`, cached); an
 * account without a name is left out, so a page falls back to its id. */
export function useAccountNames(): ReadonlyMap<string, string> {
  const filters = useFilters();
  return useMemo(
    () =>
      new Map(
        (filters.data?.accounts ?? []).flatMap((a) =>
          a.account_name === null ? [] : [[a.account_id, a.account_name] as const],
        ),
      ),
    [filters.data],
  );
}

/** An account for a line of text: "name (id)", or the id when it has no name. */
export function useAccountLabel(): (id: string | null) => string {
  const names = useAccountNames();
  return (id) => {
    if (id === null) {
      return "—";
    }
    const name = names.get(id);
    return name === undefined ? id : `${name} (${id})`;
  };
}
