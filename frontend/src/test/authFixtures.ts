import type { Me, Permission, Role } from "../features/auth/types";
import type { FakeRoute } from "./fakeApi";

const PERMISSIONS: Record<Role, Permission[]> = {
  viewer: ["read"],
  analyst: ["read", "sql", "export"],
  approver: ["read", "sql", "export", "approve"],
  admin: ["read", "sql", "export", "approve", "admin"],
};

/** `/auth/me` for a signed-in user of `role` (unscoped, session cookie). */
export function meFixture(role: Role, username = `${role}1`): Me {
  return {
    username,
    display_name: `${role[0]?.toUpperCase() ?? ""}${role.slice(1)} User`,
    role,
    scope: { accounts: null, tags: {} },
    auth: "session",
    csrf_token: "csrf-token-1",
    permissions: PERMISSIONS[role],
  };
}

/** `route`, with `/auth/me` answering for a signed-in user of `role`. */
export function asRole(role: Role, route: FakeRoute): FakeRoute {
  return (url, call) =>
    url.pathname === "/api/v1/auth/me" ? { body: meFixture(role) } : route(url, call);
}
