import { allows, type Requirement } from "./permissions";
import { useMe } from "./session";

/**
 * Whether the signed-in user has the right `requirement` names (`NEEDS.approve`,
 * `{ permission: "export" }`, `{ role: "analyst" }`); `false` until `/auth/me` has answered.
 */
export function useCan(requirement: Requirement): boolean {
  const me = useMe();
  return allows(me.data, requirement);
}
