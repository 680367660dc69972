/**
 * The identity API's shapes, written by hand from the HTTP contract of issue 15 until the
 * backend's routes are in openapi.json (then these become aliases of the generated schema).
 * `AuthPaths` is in openapi-typescript's format, so the one generated client serves them.
 */

export type Role = "viewer" | "analyst" | "approver" | "admin";
export type Permission = "read" | "sql" | "export" | "approve" | "admin";

export interface ScopePublic {
  accounts: string[] | null;
  tags: Record<string, string[]>;
}

export interface Me {
  username: string;
  display_name: string;
  role: Role;
  scope: ScopePublic;
  auth: "session" | "token";
  csrf_token: string | null;
  permissions: Permission[];
}

export interface ProvidersPublic {
  password: boolean;
  oidc: { name: string; login_url: string } | null;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface UserPublic {
  username: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  scope: ScopePublic;
  created_at?: string | null;
  last_login_at?: string | null;
}

export interface UsersPublic {
  data: UserPublic[];
  count: number;
}

export interface UserCreate {
  username: string;
  display_name: string;
  role: Role;
  password?: string | null;
  scope?: ScopePublic | null;
}

export interface UserUpdate {
  role?: Role | null;
  disabled?: boolean | null;
  scope?: ScopePublic | null;
  display_name?: string | null;
}

export interface PasswordResetPublic {
  password: string;
}

export interface TokenPublic {
  id: number;
  name: string;
  prefix: string;
  username?: string;
  created_at: string;
  expires_at: string | null;
  last_used_at?: string | null;
}

export interface TokensPublic {
  data: TokenPublic[];
  count: number;
}

export interface TokenCreate {
  name: string;
  expires_in_days: number;
}

export interface TokenCreated {
  id: number;
  name: string;
  token: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
}

interface Detail {
  detail: unknown;
}

type Json<T> = { headers: Record<string, unknown>; content: { "application/json": T } };
interface NoBody {
  headers: Record<string, unknown>;
  content?: never;
}
interface Params<P> {
  query?: never;
  header?: never;
  path: P;
  cookie?: never;
}
type NoParams = {
  query?: never;
  header?: never;
  path?: never;
  cookie?: never;
};
type Errors = { 401: Json<Detail>; 403: Json<Detail>; 422: Json<Detail> };

type Get<R> = { parameters: NoParams; requestBody?: never; responses: { 200: Json<R> } & Errors };
type Send<B, R, P = undefined, S extends number = 200> = {
  parameters: P extends undefined ? NoParams : Params<P>;
  responses: Record<S, R extends undefined ? NoBody : Json<R>> & Errors & { 429: Json<Detail> };
} & (B extends undefined
  ? { requestBody?: never }
  : { requestBody: { content: { "application/json": B } } });

interface PathItem {
  parameters: NoParams;
  get?: unknown;
  post?: unknown;
  patch?: unknown;
  delete?: unknown;
}

/** The identity routes of the contract, for `Client<paths & AuthPaths>`. */
export interface AuthPaths {
  "/api/v1/auth/providers": PathItem & { get: Get<ProvidersPublic> };
  "/api/v1/auth/login": PathItem & { post: Send<LoginRequest, Me> };
  "/api/v1/auth/logout": PathItem & { post: Send<undefined, undefined, undefined, 204> };
  "/api/v1/auth/me": PathItem & { get: Get<Me> };
  "/api/v1/auth/tokens": PathItem & {
    get: Get<TokensPublic>;
    post: Send<TokenCreate, TokenCreated, undefined, 201>;
  };
  "/api/v1/auth/tokens/{token_id}": PathItem & {
    delete: Send<undefined, undefined, { token_id: number }, 204>;
  };
  "/api/v1/admin/users": PathItem & {
    get: Get<UsersPublic>;
    post: Send<UserCreate, UserPublic, undefined, 201>;
  };
  "/api/v1/admin/users/{username}": PathItem & {
    patch: Send<UserUpdate, UserPublic, { username: string }>;
  };
  "/api/v1/admin/users/{username}/password": PathItem & {
    post: Send<undefined, PasswordResetPublic, { username: string }>;
  };
  "/api/v1/admin/tokens": PathItem & { get: Get<TokensPublic> };
  "/api/v1/admin/tokens/{token_id}": PathItem & {
    delete: Send<undefined, undefined, { token_id: number }, 204>;
  };
}
