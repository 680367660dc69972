"""Fixtures: one small generated estate (Metric Streams files and Config snapshots), a moto server
on loopback reached through AWS_ENDPOINT_URL, and helpers to read the warehouse back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.generator import GenerateResult, generate
from tests.factories.moto import start_moto_server, stop_moto_server
from tests.factories.usage import MotoAws
from tests.generator.helpers import small_options

# The estate: September 2026; Config snapshots on 09-01, 09-29 and 09-30; 5-minute metrics for
# 09-29 and 09-30 (the last two days).
ESTATE_START = date(2026, 9, 1)
ESTATE_END = date(2026, 10, 1)
METRIC_DAYS = (date(2026, 9, 29), date(2026, 9, 30))


@pytest.fixture(scope="session")
def estate(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(
        small_options(
            tmp_path_factory.mktemp("usage-estate"),
            start=ESTATE_START,
            end=ESTATE_END,
            formats=("cur2",),
            utilization_days=2,
            accounts=3,
        )
    )


@pytest.fixture(scope="session")
def streams_dir(estate: GenerateResult) -> Path:
    return estate.out_dir / "cloudwatch" / "metric-streams"


@pytest.fixture(scope="session")
def config_dir(estate: GenerateResult) -> Path:
    return estate.out_dir / "config"


def start_moto() -> tuple[ThreadedMotoServer, str]:
    return start_moto_server()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server, endpoint = start_moto()
    yield endpoint
    stop_moto_server(server, endpoint)


def point_aws_at(monkeypatch: pytest.MonkeyPatch, endpoint: str, aws: MotoAws) -> None:
    """Environment of a collector process: the endpoint and the base credentials."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", aws.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", aws.secret_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


@pytest.fixture
def moto(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoAws]:
    """A clean moto server (state reset, IAM not enforced) that boto3 reaches by default."""
    aws = MotoAws(moto_endpoint)
    aws.reset()
    point_aws_at(monkeypatch, moto_endpoint, aws)
    yield aws
    aws.reset()


def rows(settings: Settings, sql: str, **params: object) -> list[tuple[object, ...]]:
    with get_engine(settings).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def checksum(settings: Settings, sql: str) -> str:
    """md5 of every row of ``sql`` (in a stable order)."""
    with get_engine(settings).connect() as conn:
        value = conn.execute(
            text(f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM ({sql}) t")
        ).scalar()
    return str(value)


def execute(settings: Settings, sql: str) -> None:
    with get_engine(settings).begin() as conn:
        conn.execute(text(sql))
