"""Explicit line-item targets: the estate is sized to approach them (hourly when it can)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from finops.generator import generate
from tests.generator.helpers import small_options


def test_explicit_count_uses_hourly_lines(tmp_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    calls: list[int] = []
    result = generate(
        small_options(
            tmp_path,
            start=date(2026, 9, 24),
            scale=60_000,
            formats=("cur2", "focus"),
            utilization=False,
            inventory=False,
        ),
        progress=calls.append,
    )
    assert result.granularity == "HOURLY"
    assert 0.6 * 60_000 <= result.line_items <= 1.6 * 60_000
    assert sum(calls) == result.line_items
    hours = con.execute(
        f"""SELECT DISTINCT
                   date_diff('minute', line_item_usage_start_date, line_item_usage_end_date)
            FROM read_parquet('{tmp_path}/cur2/finops-demo/data/*/*.parquet')
            WHERE line_item_line_item_type = 'Usage'"""
    ).fetchall()
    assert hours == [(60,)]


def test_small_scale_is_daily(tmp_path: Path) -> None:
    result = generate(
        small_options(
            tmp_path, start=date(2026, 9, 20), formats=("cur2",), utilization=False, inventory=False
        )
    )
    assert result.granularity == "DAILY"
    assert result.restated_period is None  # a single billing period has nothing to restate
