"""Roles, a ladder: each role has every permission of the roles below it."""

from __future__ import annotations

from enum import StrEnum

from finops.errors import InvalidParameterError


class Permission(StrEnum):
    READ = "read"  # dashboards and the read API
    SQL = "sql"  # the SQL console
    EXPORT = "export"  # CSV and FOCUS exports
    APPROVE = "approve"  # remediation decisions
    ADMIN = "admin"  # users, tokens, budgets, policies, settings


class Role(StrEnum):
    """viewer < analyst < approver < admin."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return LADDER.index(self)

    def allows(self, required: Role) -> bool:
        """Whether this role may do what ``required`` may (it is ``required`` or above it)."""
        return self.rank >= required.rank

    @property
    def permissions(self) -> tuple[Permission, ...]:
        """Every permission of this role and the roles below it, in ladder order."""
        return tuple(p for role in LADDER[: self.rank + 1] for p in GRANTED[role])

    @classmethod
    def parse(cls, value: str, *, parameter: str = "role") -> Role:
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise InvalidParameterError(
                f"{parameter} {value!r} is not one of {', '.join(LADDER)}"
            ) from None


LADDER: tuple[Role, ...] = (Role.VIEWER, Role.ANALYST, Role.APPROVER, Role.ADMIN)

GRANTED: dict[Role, tuple[Permission, ...]] = {
    Role.VIEWER: (Permission.READ,),
    Role.ANALYST: (Permission.SQL, Permission.EXPORT),
    Role.APPROVER: (Permission.APPROVE,),
    Role.ADMIN: (Permission.ADMIN,),
}
"""The permissions each role adds to those of the roles below it."""
