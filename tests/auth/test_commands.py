"""``finops users`` and ``finops tokens`` as run from a shell (audited, secrets printed once),
``finops serve`` and ``create_app`` refusing production without a session secret, the session
secret kept under home in development, and the demo's admin (idempotent)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select, text

from finops.api.main import create_app
from finops.auth.demo_admin import ensure_demo_admin
from finops.auth.secret import SECRET_FILE, keyed_hash, session_secret
from finops.auth.tokens import resolve_token
from finops.auth.users import find_user
from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import ConfigurationError
from finops.warehouse.tables import audit_log


def _finops(
    settings: Settings, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FINOPS_DATABASE_URL": settings.database_url.get_secret_value()}  # type: ignore[union-attr]
    return subprocess.run(
        [sys.executable, "-m", "finops", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_users_and_tokens_from_the_command_line(committed_settings: Settings) -> None:
    created = _finops(
        committed_settings,
        "users", "create", "cli-user", "--role", "analyst", "--account", "111111111111",
        "--tag", "team=data",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert (
        "user 'cli-user' created (analyst, sees accounts 111111111111; team=data)" in created.stdout
    )
    password = created.stdout.split("password (shown once): ")[1].strip()
    assert len(password) == 24
    listed = _finops(committed_settings, "users", "list")
    assert "| cli-user" in listed.stdout and "analyst" in listed.stdout
    assert _finops(committed_settings, "users", "set-role", "CLI-USER", "approver").returncode == 0
    token_run = _finops(
        committed_settings, "tokens", "create", "cli-user", "--name", "etl", "--days", "3"
    )
    assert token_run.returncode == 0, token_run.stderr
    token = token_run.stdout.strip().splitlines()[-1]
    assert token.startswith("fo_")
    with get_engine(committed_settings).connect() as conn:
        user = find_user(conn, username="cli-user")
        assert user is not None and user.role == "approver" and not user.disabled
        found = resolve_token(conn, token=token, settings=committed_settings, now=datetime.now(UTC))
        assert found is not None and found[0].actor == "token:etl@cli-user"
    tokens = _finops(committed_settings, "tokens", "list", "--user", "cli-user")
    assert "| etl" in tokens.stdout and token not in tokens.stdout
    token_id = tokens.stdout.splitlines()[2].split("|")[1].strip()
    assert _finops(committed_settings, "tokens", "revoke", token_id).returncode == 0
    assert _finops(committed_settings, "users", "disable", "cli-user").returncode == 0
    reset = _finops(
        committed_settings,
        "users",
        "reset-password",
        "cli-user",
        "--password-stdin",
        stdin="another long password\n",
    )
    assert reset.returncode == 0 and "shown once" not in reset.stdout
    short = _finops(
        committed_settings,
        "users",
        "reset-password",
        "cli-user",
        "--password-stdin",
        stdin="short\n",
    )
    assert short.returncode == 1 and "password must have at least 12 characters" in short.stderr
    unknown = _finops(committed_settings, "users", "set-role", "cli-user", "root")
    assert unknown.returncode == 1 and "role 'root' is not one of viewer" in unknown.stderr
    with get_engine(committed_settings).connect() as conn:
        actions = (
            conn.execute(
                select(audit_log.c.action)
                .where(audit_log.c.actor == "cli", audit_log.c.subject.like("%cli-user"))
                .order_by(audit_log.c.id)
            )
            .scalars()
            .all()
        )
        user = find_user(conn, username="cli-user")
    assert actions == [
        "user.create",
        "user.update",
        "token.create",
        "token.revoke",
        "user.update",
        "user.password_reset",
    ]
    assert user is not None and user.disabled


def test_production_refuses_to_serve_without_a_session_secret(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "FINOPS_ENVIRONMENT": "production",
        "FINOPS_DATABASE_URL": "postgresql://finops@127.0.0.1:1/finops",
        "FINOPS_HOME": str(tmp_path),
    }
    env.pop("FINOPS_SESSION_SECRET", None)
    run = subprocess.run(
        [sys.executable, "-m", "finops", "serve"], env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "FINOPS_SESSION_SECRET must be set in production" in run.stderr
    production = Settings(
        environment="production",
        database_url="postgresql://finops@127.0.0.1:1/finops",
        home=tmp_path,
    )
    with pytest.raises(ConfigurationError, match="FINOPS_SESSION_SECRET must be set in production"):
        create_app(settings=production, frontend_dist=None)
    weak = production.model_copy(update={"session_secret": SecretStr("short")})
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        create_app(settings=weak, frontend_dist=None)
    configured = production.model_copy(update={"session_secret": SecretStr("s" * 40)})
    assert create_app(settings=configured, frontend_dist=None).state.settings is configured
    assert session_secret(configured) == b"s" * 40
    assert not (tmp_path / SECRET_FILE).exists()


def test_development_keeps_a_generated_secret_under_home(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", environment="development")
    first = session_secret(settings)
    path = settings.home / SECRET_FILE
    assert len(first) == 64 and path.read_bytes().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session_secret(Settings(home=tmp_path / "home")) == first
    assert keyed_hash(settings, "a", "x") != keyed_hash(settings, "b", "x")
    assert settings.secure_cookies is False
    assert Settings(home=tmp_path, environment="test").secure_cookies is True


def test_the_demo_admin_is_idempotent(committed_settings: Settings, tmp_path: Path) -> None:
    settings = committed_settings.model_copy(update={"home": tmp_path})
    first = ensure_demo_admin(settings)
    assert (first.username, len(first.password)) == ("admin", 24)
    assert stat.S_IMODE(first.password_file.stat().st_mode) == 0o600
    assert ensure_demo_admin(settings) == first
    second_home = committed_settings.model_copy(update={"home": tmp_path / "other"})
    other = ensure_demo_admin(second_home)  # another kept password: the user's is set to it
    assert other.password != first.password
    with get_engine(committed_settings).connect() as conn:
        rows = (
            conn.execute(
                text(
                    "SELECT action FROM finops.audit_log WHERE actor = 'finops.demo' "
                    "AND subject = 'admin' ORDER BY id"
                )
            )
            .scalars()
            .all()
        )
        admin = find_user(conn, username="admin")
    assert rows == ["user.create", "user.password_reset"]
    assert admin is not None and admin.role == "admin"
