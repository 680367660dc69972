"""The demo's dashboard admin: ``finops demo`` makes sure a user ``admin`` exists whose
password is kept in ``<home>/dashboard-admin-password`` (mode 0600) and printed with the
login address. Idempotent: a second demo reuses both; a new warehouse gets the kept password."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from finops.auth.passwords import generate_password, verify_password
from finops.auth.roles import Role
from finops.auth.users import create_user, find_user, password_hash_of, set_password
from finops.config import Settings
from finops.db.engine import get_engine
from finops.warehouse.audit import audit

DEMO_ADMIN = "admin"
PASSWORD_FILE = "dashboard-admin-password"
DEMO_ACTOR = "finops.demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    password_file: Path


def _kept_password(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    password = generate_password()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(password + "\n")
    return password


def ensure_demo_admin(settings: Settings) -> DemoLogin:
    """The admin exists, is enabled and has the kept password (set again if it differs)."""
    path = settings.home / PASSWORD_FILE
    password = _kept_password(path)
    with get_engine(settings).begin() as conn:
        user = find_user(conn, username=DEMO_ADMIN)
        if user is None:
            user = create_user(
                conn,
                username=DEMO_ADMIN,
                role=Role.ADMIN,
                display_name="Demo admin",
                password=password,
            )
            action = "user.create"
        elif not verify_password(password_hash_of(conn, user_id=user.id), password):
            user = set_password(conn, username=DEMO_ADMIN, password=password)
            action = "user.password_reset"
        else:
            action = ""
        if action:
            audit(
                conn,
                action=action,
                subject=user.username,
                run_id=None,
                details=user.as_json(),
                actor=DEMO_ACTOR,
            )
    return DemoLogin(DEMO_ADMIN, password, path)
