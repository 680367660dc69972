"""The Explorer's chart folded in SQL (``finops.analytics.cost_chart``): on the hand-computed
bill, the groups, the top groups' points, Other's points and the total are exactly what
folding every row of ``cost_query.breakdown`` gives, from every relation (monthly and daily
rollups, the tag rollup, ``costs``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection

from finops.analytics.cost_chart import Chart, chart
from finops.analytics.cost_query import CostQuery, Granularity, breakdown
from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import InvalidParameterError
from finops.ingest.billing import ingest_billing
from tests.conftest import migrated_settings
from tests.factories.small_bill import BILL, A, write_bill

EC2, RDS = "Amazon Elastic Compute Cloud", "Amazon Relational Database Service"
S3 = "Amazon Simple Storage Service"
D = Decimal
JAN, FEB_END = date(2026, 1, 1), date(2026, 2, 28)


@pytest.fixture(scope="module")
def conn(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Connection]:
    settings = migrated_settings(pg_server, admin_url, finops_home, "t_chart")
    assert isinstance(settings, Settings)
    ingest_billing(write_bill(tmp_path_factory.mktemp("bill"), BILL), settings=settings)
    with get_engine(settings).connect() as connection:
        yield connection


def _folded(conn: Connection, query: CostQuery, *, top: int, use_rollups: bool) -> Chart:
    """The chart computed the slow way: every row of the breakdown, folded in Python."""
    answer = breakdown(conn, query=query, use_rollups=use_rollups)
    rank = {keys: i for i, (keys, _) in enumerate(answer.groups)}
    column = {period: i for i, period in enumerate(answer.periods)}
    kept = min(top, len(answer.groups))
    points = [[D(0)] * len(answer.periods) for _ in range(kept + 1)]
    for row in answer.rows:
        points[min(rank[row.keys], kept)][column[row.period]] += row.cost
    return Chart(
        query=answer.query,
        currency=answer.currency,
        periods=answer.periods,
        groups=answer.groups,
        points=points[:kept],
        other=points[kept] if len(answer.groups) > kept else None,
        total=answer.total,
        source=answer.source,
    )


def test_top_one_service_and_other_by_month(conn: Connection) -> None:
    query = CostQuery(start=JAN, end=FEB_END, group_by=("service_name",))
    got = chart(conn, query=query, top=1)
    assert got.source == "rollup_monthly"
    assert got.groups == [((RDS,), D("157.1234")), ((EC2,), D("40.7777")), ((S3,), D("5.0000"))]
    assert got.points == [[D("7.1234"), D("150.0000")]]
    assert got.other == [D("26.8333"), D("18.9444")]  # EC2 + S3 per month
    assert got.total == D("202.9011") and got.currency == "USD"
    assert chart(conn, query=query, top=3).other is None


QUESTIONS = [
    CostQuery(start=JAN, end=FEB_END, granularity=Granularity.daily),
    CostQuery(
        start=JAN, end=FEB_END, granularity=Granularity.daily,
        group_by=("service_name", "account_id"),
    ),
    CostQuery(
        start=date(2026, 1, 30), end=date(2026, 2, 1), granularity=Granularity.daily,
        group_by=("usage_type", "region_id"),
    ),
    CostQuery(
        start=JAN, end=FEB_END, granularity=Granularity.daily,
        group_by=("tag:user_team", "account_id"), filters={"region_id": ("us-east-1",)},
    ),
    CostQuery(start=JAN, end=FEB_END, group_by=("tag:user_team",), filters={"account_id": (A,)}),
]  # fmt: skip


@pytest.mark.parametrize("query", QUESTIONS, ids=lambda q: "+".join(q.group_by) or "total")
def test_the_chart_equals_every_row_folded(conn: Connection, query: CostQuery) -> None:
    for use_rollups in (True, False):
        for top in (1, 2, 10):
            assert chart(conn, query=query, top=top, use_rollups=use_rollups) == _folded(
                conn, query, top=top, use_rollups=use_rollups
            )


def test_top_must_keep_a_group(conn: Connection) -> None:
    with pytest.raises(InvalidParameterError, match="top must be at least 1"):
        chart(conn, query=CostQuery(start=JAN, end=FEB_END), top=0)
