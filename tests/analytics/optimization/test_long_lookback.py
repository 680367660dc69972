"""Rightsizing's 32- and 93-day lookbacks reach further back than the 5-minute points kept (15
days by default). For the older days the daily statistics stand in; the result must bound the
exact window percentile from above (never recommend smaller than the full data would) and keep
the exact maximum and point count. Checked against the same metrics loaded with every raw point
kept."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from finops.analytics.optimization import warehouse as wh
from finops.config import Settings
from finops.db.engine import get_engine
from finops.db.migrate import upgrade
from finops.generator import GenerateOptions, generate
from finops.jobs.usage import run_usage_ingest
from tests.conftest import create_database

END = date(2026, 11, 1)
METRICS = {"namespaces": ["AWS/EC2"], "metrics": ["CPUUtilization"], "stats": ["Maximum"]}


def _warehouse(pg_server: object, admin_url: str, home: Path, streams: Path, keep: int) -> Settings:
    name = f"t_lb_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    upgrade(get_engine(settings))
    run_usage_ingest(str(streams), raw_retention_days=keep, settings=settings)
    return settings


@pytest.fixture(scope="module")
def two_warehouses(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Settings, Settings]:
    """The same 22 days of metrics, with every raw point kept and with the last 15 days only."""
    estate = tmp_path_factory.mktemp("lookback-estate")
    generate(
        GenerateOptions(
            out_dir=estate,
            accounts=1,
            start=END - timedelta(days=24),
            end=END,
            utilization_days=22,
            inventory=False,
            restatement=False,
        )
    )
    streams = estate / "cloudwatch"
    return (
        _warehouse(pg_server, admin_url, finops_home, streams, keep=100),
        _warehouse(pg_server, admin_url, finops_home, streams, keep=15),
    )


@pytest.mark.parametrize("percentile", [95.0, 99.5])
def test_daily_statistics_bound_the_window_from_above(
    two_warehouses: tuple[Settings, Settings], percentile: float
) -> None:
    everything, recent_only = two_warehouses
    start = END - timedelta(days=20)

    def stats(settings: Settings) -> dict[wh.MetricKey, wh.MetricStats]:
        with get_engine(settings).connect() as conn:
            return wh.point_percentiles(
                conn, start=start, end=END, percentile=percentile, **METRICS
            )

    exact, combined = stats(everything), stats(recent_only)
    # instances terminated before the raw window are not rightsized: only the others remain
    assert combined and set(combined) <= set(exact)
    tighter = 0
    for key, got in combined.items():
        truth = exact[key]
        assert not truth.from_daily
        assert got.points == truth.points
        assert got.maximum == pytest.approx(truth.maximum)
        assert got.percentile >= truth.percentile - 1e-9, key
        tighter += got.percentile <= truth.maximum
    assert tighter == len(combined)  # an upper bound, but no looser than the maximum
    assert sum(g.from_daily for g in combined.values()) >= len(combined) // 2

    # inside the raw window nothing changes
    with get_engine(recent_only).connect() as conn:
        recent = wh.point_percentiles(
            conn, start=END - timedelta(days=14), end=END, percentile=percentile, **METRICS
        )
    with get_engine(everything).connect() as conn:
        full = wh.point_percentiles(
            conn, start=END - timedelta(days=14), end=END, percentile=percentile, **METRICS
        )
    assert recent == full
