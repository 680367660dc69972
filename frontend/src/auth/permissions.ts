import type { Me, Permission, Role } from "./types";

/** The role ladder of the server (`finops.auth.roles.Role`): each role has every right below. */
export const ROLES: readonly Role[] = ["viewer", "analyst", "approver", "admin"];

export const ROLE_LABELS: Record<Role, string> = {
  viewer: "Viewer",
  analyst: "Analyst",
  approver: "Approver",
  admin: "Admin",
};

/**
 * What a control needs: a permission the server lists in `/auth/me` (`permissions`, derived from
 * the role there), or a minimum role for a right the permissions do not name.
 */
export type Requirement = { permission: Permission } | { role: Role };

export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** Whether the signed-in user may do what `requirement` guards (nobody signed in: no). */
export function allows(me: Me | undefined, requirement: Requirement): boolean {
  if (me === undefined) {
    return false;
  }
  return "permission" in requirement
    ? me.permissions.includes(requirement.permission)
    : roleAllows(me.role, requirement.role);
}

/**
 * The rights the dashboard's state-changing controls need, in one table (the server's route
 * table decides; these only hide what it would refuse with 403).
 */
export const NEEDS = {
  /** create, edit and delete budgets */
  manageBudgets: { permission: "admin" },
  /** acknowledge, resolve or dismiss an anomaly */
  changeAnomalyStatus: { role: "analyst" },
  /** download a table as CSV */
  exportData: { permission: "export" },
  /** users, roles, scopes and everyone's tokens */
  administer: { permission: "admin" },
  /** approve or reject a remediation */
  approve: { permission: "approve" },
  /** the SQL console: read-only queries over the public views */
  useSql: { permission: "sql" },
  /** realized savings (`GET /savings/*`: viewer) */
  readSavings: { role: "viewer" },
  /** the audit trail and the check of its hash chain (`GET /audit`: approver) */
  readAudit: { role: "approver" },
} as const satisfies Record<string, Requirement>;
