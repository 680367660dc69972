"""argon2id hashes: the parameters, verification, the length policy, a dummy verification for
users without a password, generated passwords."""

from __future__ import annotations

import time

import pytest

from finops.auth.passwords import (
    MIN_LENGTH,
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from finops.errors import InvalidParameterError


def test_a_hash_is_argon2id_with_rfc_9106_parameters_and_salted() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert first != second  # a random salt each time
    assert "correct horse" not in first
    assert not needs_rehash(first)


def test_verification() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery") is True
    assert verify_password(stored, "correct horse batterY") is False
    assert verify_password(stored, "x" * 5000) is False
    assert verify_password("not a hash", "correct horse battery") is False


def test_no_hash_never_verifies_and_takes_as_long() -> None:
    stored = hash_password("correct horse battery")
    verify_password(None, "warm-up the dummy hash")
    started = time.perf_counter()
    assert verify_password(None, "correct horse battery") is False
    without = time.perf_counter() - started
    started = time.perf_counter()
    verify_password(stored, "wrong password here")
    with_hash = time.perf_counter() - started
    assert without > with_hash / 4  # both run argon2 on 64 MiB


def test_the_length_policy() -> None:
    with pytest.raises(InvalidParameterError, match=f"at least {MIN_LENGTH} characters"):
        hash_password("short")
    with pytest.raises(InvalidParameterError, match="at most 1024"):
        hash_password("x" * 1025)


def test_generated_passwords_are_long_and_distinct() -> None:
    passwords = {generate_password() for _ in range(20)}
    assert len(passwords) == 20
    assert all(len(p) == 24 and len(p) >= MIN_LENGTH for p in passwords)
