"""Settings: the environment is one of a closed set of values, and a value outside it is refused
with an error naming the variable and the values it accepts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from finops.config import ENVIRONMENTS, Environment, Settings, get_settings
from finops.errors import ConfigurationError


@pytest.fixture
def fresh_settings_cache() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_environment_is_a_closed_set(tmp_path: Path) -> None:
    assert get_args(Environment) == ENVIRONMENTS == ("development", "test", "production")
    for value in ("development", "test"):
        assert Settings(home=tmp_path, environment=value).environment == value
    production = Settings(home=tmp_path, environment="production", database_url="postgresql://h/d")
    assert production.environment == "production"


@pytest.mark.parametrize("value", ["prod", "Production", "dev", ""])
def test_an_unknown_environment_names_the_variable(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(home=tmp_path, environment=value)
    (error,) = caught.value.errors()
    assert error["loc"] == ("environment",)
    assert error["msg"] == (
        f"Value error, FINOPS_ENVIRONMENT {value!r} is not one of development, test, production"
    )


def test_get_settings_turns_bad_values_into_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, fresh_settings_cache: None
) -> None:
    monkeypatch.setenv("FINOPS_ENVIRONMENT", "staging")
    monkeypatch.setenv("FINOPS_API_PORT", "eighty")
    with pytest.raises(ConfigurationError) as caught:
        get_settings()
    assert str(caught.value) == (
        "invalid settings: FINOPS_ENVIRONMENT: 'staging' is not one of development, test, "
        "production; FINOPS_API_PORT: Input should be a valid integer, unable to parse string "
        "as an integer"
    )


def test_production_without_a_database_url_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, fresh_settings_cache: None
) -> None:
    monkeypatch.setenv("FINOPS_ENVIRONMENT", "production")
    monkeypatch.delenv("FINOPS_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="FINOPS_DATABASE_URL must be set in production"):
        get_settings()


def test_the_command_line_names_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "FINOPS_HOME": str(tmp_path), "FINOPS_ENVIRONMENT": "prod"}
    run = subprocess.run(
        [sys.executable, "-m", "finops", "db", "status"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1  # bad input, not an internal error (2)
    assert " ".join(run.stderr.split()) == (
        "error: invalid settings: FINOPS_ENVIRONMENT: 'prod' is not one of development, test, "
        "production"
    )
    assert not (tmp_path / "pgdata").exists()
