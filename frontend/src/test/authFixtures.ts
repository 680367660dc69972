import type { Me, Permission, Role, TokenPublic, UserPublic } from "../auth/types";
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

/** A user as `/admin/users` lists it; `fields` override the defaults. */
export function userFixture(fields: Partial<UserPublic> & Pick<UserPublic, "username" | "role">): UserPublic {
  return {
    display_name: fields.username,
    email: null,
    disabled: false,
    scope: { accounts: null, tags: {} },
    sso: false,
    has_password: true,
    created_at: "2026-11-01T08:00:00Z",
    last_login_at: null,
    locked_until: null,
    ...fields,
  };
}

/** An API token as `/auth/tokens` and `/admin/tokens` list it (active, never used). */
export function tokenFixture(fields: Partial<TokenPublic> & Pick<TokenPublic, "id" | "name">): TokenPublic {
  return {
    prefix: "fo_ab12",
    username: "dana",
    scope: null,
    created_at: "2026-11-01T08:00:00Z",
    expires_at: "2099-01-30T08:00:00Z",
    revoked_at: null,
    last_used_at: null,
    ...fields,
  };
}
