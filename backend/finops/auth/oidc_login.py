"""The single sign-on callback: from the provider's answer to a FinOps user, with an audit row
for each outcome (``auth.login`` with method ``oidc``, or ``auth.login_failed`` with the reason).

The user is the one single sign-on created for the token's issuer and subject (never a local
user of the same name: a new user whose preferred name is taken gets ``-2``, ``-3``… appended).
Each login sets the role from the group claim (``FINOPS_OIDC_ROLE_MAP``; several mapped groups:
the highest role; none: refused with 403, no user is created and a known user's open sessions
end) and the display name and email
from the token. A disabled user is refused. The team scope is the admin's to set and is kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import Connection

from finops.auth.login import ANONYMOUS
from finops.auth.oidc import PendingLogin, SsoDenied, SsoError, exchange_code, read_pending
from finops.auth.roles import Role
from finops.auth.sessions import end_user_sessions
from finops.auth.users import (
    USERNAME,
    User,
    create_user,
    find_oidc_user,
    find_user,
    update_user,
)
from finops.config import ENV_PREFIX, Settings
from finops.warehouse.audit import audit

log = structlog.get_logger(__name__)

NOT_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._@-]+")
AUDITED_GROUPS = 50
"""How many of the user's groups an audit row keeps."""


@dataclass(frozen=True)
class CallbackParams:
    """The query of the provider's redirect back to FinOps."""

    code: str | None
    state: str | None
    error: str | None
    error_description: str | None


@dataclass(frozen=True)
class SsoOutcome:
    """The user logged in and the path to return to, or the error to answer with once the
    caller has committed the audit row."""

    user: User | None
    next_path: str
    error: SsoError | None


def groups_of(settings: Settings, claims: dict[str, Any]) -> list[str]:
    """The group claim as a list (a provider may send one group as a string)."""
    value = claims.get(settings.oidc_group_claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [g for g in value if isinstance(g, str)]
    return []


def role_for(settings: Settings, groups: list[str]) -> Role | None:
    """The highest role any of ``groups`` maps to, or None."""
    roles = [Role(settings.oidc_role_map[g]) for g in groups if g in settings.oidc_role_map]
    return max(roles, key=lambda role: role.rank) if roles else None


def _username_base(claims: dict[str, Any]) -> str:
    for key in ("preferred_username", "email", "sub"):
        value = claims.get(key)
        if isinstance(value, str):
            name = NOT_NAME_CHARACTERS.sub("-", value).lstrip("._@-")[:60]
            if USERNAME.match(name):
                return name
    return "sso-user"


def _free_username(conn: Connection, base: str) -> str:
    for n in range(1, 1000):
        name = base if n == 1 else f"{base}-{n}"
        if find_user(conn, username=name) is None:
            return name
    raise SsoDenied(f"no free username for {base!r}", reason="username_taken")


def sso_user(
    conn: Connection, *, settings: Settings, issuer: str, claims: dict[str, Any], now: datetime
) -> User:
    """The user the verified ``claims`` stand for, created or updated with the mapped role. A
    known user whose groups map to no role any more is refused and their open sessions end."""
    groups = groups_of(settings, claims)
    role = role_for(settings, groups)
    if role is None:
        known = find_oidc_user(conn, issuer=issuer, subject=str(claims["sub"]))
        ended = 0 if known is None else end_user_sessions(conn, user_id=known.id, now=now)
        found = (
            f"none of your groups ({', '.join(groups)}) has a role in FinOps"
            if groups
            else f"the identity provider sent no groups in the {settings.oidc_group_claim!r} "
            "claim, so you have no role in FinOps"
        )
        raise SsoDenied(
            f"{found}; an administrator maps groups to roles in {ENV_PREFIX}OIDC_ROLE_MAP"
            + (f" ({ended} open session(s) ended)" if ended else ""),
            reason="no_role",
        )
    subject = str(claims["sub"])
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    user = find_oidc_user(conn, issuer=issuer, subject=subject)
    if user is None:
        return create_user(
            conn,
            username=_free_username(conn, _username_base(claims)),
            role=role,
            display_name=(name or "")[:200],
            email=email,
            oidc_issuer=issuer,
            oidc_subject=subject,
        )
    if user.disabled:
        raise SsoDenied(f"the account {user.username} is disabled", reason="disabled")
    return update_user(
        conn,
        username=user.username,
        role=role,
        display_name=None if name is None else name[:200],
        email=email,
    )


def complete_login(
    conn: Connection,
    *,
    settings: Settings,
    params: CallbackParams,
    cookie: str | None,
    redirect_uri: str,
    client_address: str,
    now: datetime,
    request_id: str | None = None,
) -> SsoOutcome:
    """Check the callback against the login under way, exchange the code, validate the ID
    token and find or create the user; audit the outcome either way."""
    details: dict[str, Any] = {"client_address": client_address, "method": "oidc"}
    subject = "oidc"
    next_path = "/"
    try:
        pending: PendingLogin = read_pending(settings, cookie=cookie, state=params.state, now=now)
        next_path = pending.next_path
        if params.error:
            raise SsoError(
                f"the identity provider refused the login: {params.error}"
                + (f": {params.error_description}" if params.error_description else ""),
                reason="provider_error",
            )
        if not params.code:
            raise SsoError("the identity provider returned no code", reason="no_code")
        claims = exchange_code(
            settings, code=params.code, pending=pending, redirect_uri=redirect_uri, now=now
        )
        subject = f"{claims['iss']}#{claims['sub']}"
        details["groups"] = groups_of(settings, claims)[:AUDITED_GROUPS]
        user = sso_user(conn, settings=settings, issuer=str(claims["iss"]), claims=claims, now=now)
    except SsoError as exc:
        log.warning("auth.sso_refused", reason=exc.reason, message=str(exc))
        audit(
            conn,
            action="auth.login_failed",
            subject=subject,
            run_id=request_id,
            details={**details, "reason": exc.reason, "message": str(exc)},
            actor=ANONYMOUS,
            request_id=request_id,
        )
        return SsoOutcome(None, next_path, exc)
    audit(
        conn,
        action="auth.login",
        subject=user.username,
        run_id=request_id,
        details={**details, "role": user.role.value, "oidc_subject": subject},
        actor=user.actor,
        request_id=request_id,
    )
    return SsoOutcome(user, next_path, None)
