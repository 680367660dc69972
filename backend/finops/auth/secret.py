"""The session secret: the HMAC key of session ids, CSRF tokens and API token hashes.

``FINOPS_SESSION_SECRET`` in production (``finops serve`` and ``create_app`` refuse to run
without it); in development and tests a random secret generated once and kept in
``<home>/session-secret`` (mode 0600), so sessions survive a restart. Changing the secret ends
every session and invalidates every API token."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from finops.config import ENV_PREFIX, Settings
from finops.errors import ConfigurationError

SECRET_FILE = "session-secret"
MIN_SECRET_LENGTH = 32


def require_session_secret(settings: Settings) -> None:
    """Refuse to run outside development and tests without a configured session secret."""
    if settings.environment in ("development", "test"):
        return
    value = settings.session_secret
    if value is None:
        raise ConfigurationError(
            f"{ENV_PREFIX}SESSION_SECRET must be set in {settings.environment}: it signs the "
            "dashboard sessions and API tokens (generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if len(value.get_secret_value()) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"{ENV_PREFIX}SESSION_SECRET must have at least {MIN_SECRET_LENGTH} characters"
        )


def session_secret(settings: Settings) -> bytes:
    """The configured secret, or (development and tests only) the one kept under home."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode()
    require_session_secret(settings)
    return _home_secret(settings.home / SECRET_FILE)


@lru_cache(maxsize=8)
def _home_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two processes starting at once agree on the first one's secret
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip().encode()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text().strip().encode()


def keyed_hash(settings: Settings, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the session secret, separated by ``purpose``."""
    message = purpose.encode() + b"\0" + value.encode()
    return hmac.new(session_secret(settings), message, hashlib.sha256).hexdigest()
