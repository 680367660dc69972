"""Password hashes: argon2id (argon2-cffi, RFC 9106 low-memory parameters), verification that
takes as long for an unknown user as for a known one, and generated one-time passwords."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from finops.errors import InvalidParameterError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 hashes anything; a megabyte password is a denial of service
GENERATED_BYTES = 18  # 24 URL-safe characters, 144 bits


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (argon2-cffi's RFC 9106 profile)


def check_policy(password: str, *, parameter: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidParameterError(f"{parameter} must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidParameterError(f"{parameter} must have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (checked against the length policy first)."""
    check_policy(password)
    return hasher().hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(GENERATED_BYTES))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``. With no hash (an unknown user, a
    single-sign-on user) a dummy hash is verified, so the answer takes as long either way."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's (rehash at next login)."""
    return hasher().check_needs_rehash(password_hash)


def generate_password() -> str:
    """A random one-time password (shown once to the admin who reset it)."""
    return secrets.token_urlsafe(GENERATED_BYTES)
