"""Users: case-insensitive unique usernames, roles, scopes, updates, passwords."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, select

from finops.auth.roles import LADDER, Permission, Role
from finops.auth.users import create_user, find_user, get_user, list_users, update_user
from finops.errors import ConflictError, InvalidParameterError, NotFoundError
from finops.warehouse.scope import Scope
from finops.warehouse.tables import users


def test_the_role_ladder() -> None:
    assert [r.value for r in LADDER] == ["viewer", "analyst", "approver", "admin"]
    assert Role.ADMIN.allows(Role.VIEWER) and Role.ANALYST.allows(Role.ANALYST)
    assert not Role.ANALYST.allows(Role.APPROVER) and not Role.VIEWER.allows(Role.ANALYST)
    assert Role.VIEWER.permissions == (Permission.READ,)
    assert [p.value for p in Role.ANALYST.permissions] == ["read", "sql", "export"]
    assert [p.value for p in Role.APPROVER.permissions] == ["read", "sql", "export", "approve"]
    assert len(Role.ADMIN.permissions) == 5
    assert Role.parse(" Admin ") is Role.ADMIN
    with pytest.raises(InvalidParameterError, match="role 'root' is not one of viewer"):
        Role.parse("root")


def test_usernames_are_unique_without_regard_to_case(conn: Connection) -> None:
    alice = create_user(conn, username="Alice", role=Role.ANALYST, password="p" * 12)
    assert (alice.username, alice.display_name, alice.role, alice.has_password) == (
        "Alice",
        "Alice",
        Role.ANALYST,
        True,
    )
    with pytest.raises(ConflictError, match="username 'alice' is already in use"):
        create_user(conn, username="alice", role=Role.VIEWER)
    assert find_user(conn, username="ALICE") == alice
    assert find_user(conn, username="bob") is None
    with pytest.raises(NotFoundError, match="no user named 'bob'"):
        get_user(conn, username="bob")
    with pytest.raises(InvalidParameterError, match="username 'a b'"):
        create_user(conn, username="a b", role=Role.VIEWER)


def test_scope_and_updates(conn: Connection) -> None:
    scope = Scope(accounts=frozenset({"111111111111"}), tags={"team": frozenset({"data"})})
    create_user(conn, username="carol", role=Role.VIEWER, scope=scope, display_name="Carol C")
    stored = conn.execute(select(users.c.scope).where(users.c.username == "carol")).scalar_one()
    assert stored == {"accounts": ["111111111111"], "tags": {"team": ["data"]}}
    carol = update_user(conn, username="CAROL", role=Role.APPROVER, disabled=True, scope=Scope())
    assert (carol.role, carol.disabled, carol.scope.unrestricted) == (Role.APPROVER, True, True)
    assert carol.display_name == "Carol C"
    assert [u.username for u in list_users(conn)] == ["carol"]
