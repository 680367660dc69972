"""Identity (issue 15): local and single-sign-on users with a role and a team scope, dashboard
sessions, personal API tokens, login attempts for the per-address rate limit, and the request
id on audit rows.

Secrets are never stored: a session row's id is the HMAC-SHA256 (keyed by the session secret)
of the secret in the session cookie, a token row keeps the HMAC of the token, a user row an
argon2id hash of the password (NULL for single-sign-on users).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNRESTRICTED = """'{"accounts": null, "tags": {}}'::jsonb"""


def upgrade() -> None:
    op.execute(
        f"""
        CREATE TABLE finops.users (
          id             bigserial PRIMARY KEY,
          username       text NOT NULL
                         CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{{0,63}}$'),
          display_name   text NOT NULL DEFAULT '',
          email          text,
          role           text NOT NULL
                         CHECK (role IN ('viewer', 'analyst', 'approver', 'admin')),
          password_hash  text,
          oidc_issuer    text,
          oidc_subject   text,
          disabled       boolean NOT NULL DEFAULT false,
          scope          jsonb NOT NULL DEFAULT {UNRESTRICTED},
          created_at     timestamptz NOT NULL DEFAULT now(),
          failed_logins  integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
          locked_until   timestamptz,
          last_login_at  timestamptz,
          CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
          UNIQUE (oidc_issuer, oidc_subject)
        )
        """
    )
    op.execute("CREATE UNIQUE INDEX users_username_key ON finops.users (lower(username))")
    op.execute(
        """
        CREATE TABLE finops.sessions (
          id              text PRIMARY KEY,
          user_id         bigint NOT NULL REFERENCES finops.users (id) ON DELETE CASCADE,
          csrf_hash       text NOT NULL,
          created_at      timestamptz NOT NULL,
          last_seen_at    timestamptz NOT NULL,
          expires_at      timestamptz NOT NULL,
          revoked_at      timestamptz,
          client_address  text,
          user_agent      text
        )
        """
    )
    op.execute("CREATE INDEX sessions_user ON finops.sessions (user_id)")
    op.execute(
        """
        CREATE TABLE finops.api_tokens (
          id            bigserial PRIMARY KEY,
          user_id       bigint NOT NULL REFERENCES finops.users (id) ON DELETE CASCADE,
          name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
          prefix        text NOT NULL,
          token_hash    text NOT NULL UNIQUE,
          scope         jsonb,
          created_at    timestamptz NOT NULL,
          expires_at    timestamptz NOT NULL,
          revoked_at    timestamptz,
          last_used_at  timestamptz
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX api_tokens_live_name ON finops.api_tokens (user_id, name) "
        "WHERE revoked_at IS NULL"
    )
    op.execute(
        """
        CREATE TABLE finops.login_attempts (
          id              bigserial PRIMARY KEY,
          client_address  text NOT NULL,
          username        text,
          attempted_at    timestamptz NOT NULL,
          succeeded       boolean NOT NULL
        )
        """
    )
    op.execute(
        "CREATE INDEX login_attempts_address "
        "ON finops.login_attempts (client_address, attempted_at)"
    )
    op.execute("ALTER TABLE finops.audit_log ADD COLUMN request_id text")
    for table, comment in (
        ("users", "People who may use the API and the dashboard, with a role and a team scope"),
        ("sessions", "Dashboard sessions; id is the HMAC of the cookie secret"),
        ("api_tokens", "Personal API tokens; only the HMAC of each token is kept"),
        ("login_attempts", "Password logins per client address, for the rate limit"),
    ):
        op.execute(f"COMMENT ON TABLE finops.{table} IS '{comment}'")


def downgrade() -> None:
    op.execute("ALTER TABLE finops.audit_log DROP COLUMN IF EXISTS request_id")
    for table in ("login_attempts", "api_tokens", "sessions", "users"):
        op.execute(f"DROP TABLE IF EXISTS finops.{table}")
