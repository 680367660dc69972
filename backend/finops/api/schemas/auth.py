"""Identity as the API shows and takes it: who is logged in (``Me``), login, API tokens and
users (``/auth``, ``/admin``). Passwords and tokens travel only in requests, and a new token
once in the answer that creates it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from finops.api.schemas.common import WholeNumber
from finops.auth.passwords import MAX_LENGTH, MIN_LENGTH
from finops.auth.principal import Principal
from finops.auth.roles import Permission, Role
from finops.auth.tokens import MAX_DAYS, TokenInfo
from finops.auth.users import User
from finops.warehouse.scope import Scope

ScopeValue = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Username = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$", max_length=64)
]
Password = Annotated[str, StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]
DisplayName = Annotated[str, StringConstraints(max_length=200)]


class ScopeModel(BaseModel):
    """A team scope: sub-account ids (``null``: any) and, per tag key, the values allowed."""

    model_config = ConfigDict(extra="forbid")

    accounts: list[ScopeValue] | None = Field(default=None, max_length=1000)
    tags: dict[ScopeValue, list[ScopeValue]] = Field(default_factory=dict, max_length=20)

    @classmethod
    def of(cls, scope: Scope) -> ScopeModel:
        return cls.model_validate(scope.to_json())

    def to_scope(self) -> Scope:
        return Scope.from_json(self.model_dump())


class MePublic(BaseModel):
    username: str
    display_name: str
    role: Role
    scope: ScopeModel
    auth: Literal["session", "token"]
    csrf_token: str | None = Field(description="send as X-CSRF-Token on state changes (session)")
    permissions: list[Permission]

    @classmethod
    def of(cls, principal: Principal) -> MePublic:
        return cls(
            username=principal.user.username,
            display_name=principal.user.display_name,
            role=principal.role,
            scope=ScopeModel.of(principal.scope),
            auth=principal.auth.value,
            csrf_token=principal.csrf_token,
            permissions=list(principal.permissions),
        )


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=MAX_LENGTH)]


class OidcProviderPublic(BaseModel):
    name: str
    login_url: str


class ProvidersPublic(BaseModel):
    password: bool
    oidc: OidcProviderPublic | None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"\S")]
    expires_in_days: WholeNumber = Field(default=90, ge=1, le=MAX_DAYS)
    scope: ScopeModel | None = Field(
        default=None, description="narrower than the user's scope; null: the user's"
    )


class TokenCreatedPublic(BaseModel):
    id: int
    name: str
    token: str = Field(description="the token itself: shown this once, never again")
    prefix: str
    created_at: datetime
    expires_at: datetime


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    username: str
    scope: ScopeModel | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, token: TokenInfo) -> TokenPublic:
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            username=token.username,
            scope=None if token.scope is None else ScopeModel.of(token.scope),
            created_at=token.created_at,
            expires_at=token.expires_at,
            revoked_at=token.revoked_at,
            last_used_at=token.last_used_at,
        )


class TokensPublic(BaseModel):
    data: list[TokenPublic]
    count: int


class UserPublic(BaseModel):
    username: str
    display_name: str
    email: str | None
    role: Role
    scope: ScopeModel
    disabled: bool
    sso: bool = Field(description="created by single sign-on")
    has_password: bool
    created_at: datetime
    last_login_at: datetime | None
    locked_until: datetime | None

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(
            username=user.username,
            display_name=user.display_name,
            email=user.email,
            role=user.role,
            scope=ScopeModel.of(user.scope),
            disabled=user.disabled,
            sso=user.oidc_subject is not None,
            has_password=user.has_password,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
            locked_until=user.locked_until,
        )


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: DisplayName = ""
    role: Role
    password: Password | None = Field(
        default=None, description="none: the user logs in by single sign-on or after a reset"
    )
    scope: ScopeModel | None = None
    email: Annotated[str, StringConstraints(max_length=320)] | None = None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    disabled: StrictBool | None = None
    scope: ScopeModel | None = None
    display_name: DisplayName | None = None


class PasswordResetPublic(BaseModel):
    password: str = Field(description="a generated one-time password: shown this once")
