/** The identity API's shapes, from the generated schema (`/auth`, `/admin`). */
import type { components } from "../api/schema";

type Schemas = components["schemas"];

export type Role = Schemas["Role"];
export type Permission = Schemas["Permission"];
export type ScopePublic = Schemas["ScopeModel"];
export type Me = Schemas["MePublic"];
export type ProvidersPublic = Schemas["ProvidersPublic"];
export type LoginRequest = Schemas["LoginRequest"];
export type UserPublic = Schemas["UserPublic"];
export type UsersPublic = Schemas["UsersPublic"];
export type UserCreate = Schemas["UserCreate"];
export type UserUpdate = Schemas["UserUpdate"];
export type PasswordResetPublic = Schemas["PasswordResetPublic"];
export type TokenPublic = Schemas["TokenPublic"];
export type TokensPublic = Schemas["TokensPublic"];
export type TokenCreate = Schemas["TokenCreate"];
export type TokenCreated = Schemas["TokenCreatedPublic"];
