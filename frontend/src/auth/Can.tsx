import type { ReactNode } from "react";

import type { Requirement } from "./permissions";
import { useCan } from "./useCan";

/**
 * Renders `children` only for a user with the right `requirement` names, else `fallback`
 * (nothing by default): the one way the dashboard hides what a role cannot do. The server
 * refuses it anyway (403); this keeps buttons that would fail out of sight.
 *
 *   <Can need={NEEDS.approve}><Button>Approve</Button></Can>
 */
export function Can({
  need,
  fallback = null,
  children,
}: {
  need: Requirement;
  fallback?: ReactNode;
  children: ReactNode;
}) {
  return useCan(need) ? children : fallback;
}
