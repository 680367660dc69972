"""The cost query layer (``finops.analytics.cost_query``) on a hand-computed bill: every answer
is exact to the last decimal place, the same from the rollups as from ``costs``, and says which
relation answered it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from finops.analytics.cost_query import (
    BreakdownRow,
    CostQuery,
    Granularity,
    InvalidDimensionError,
    breakdown,
    dimension_values,
    iter_breakdown_rows,
    parse_dimension,
    tag_keys,
)
from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import InvalidParameterError
from finops.ingest.billing import ingest_billing
from finops.warehouse.metrics import CostMetric
from tests.conftest import migrated_settings
from tests.factories.small_bill import BILL, A, B, write_bill

EC2, RDS = "Amazon Elastic Compute Cloud", "Amazon Relational Database Service"
S3 = "Amazon Simple Storage Service"
D = Decimal


@pytest.fixture(scope="module")
def bill_settings(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    settings = migrated_settings(pg_server, admin_url, finops_home, "t_costq")
    assert isinstance(settings, Settings)
    ingest_billing(write_bill(tmp_path_factory.mktemp("bill"), BILL), settings=settings)
    return settings


@pytest.fixture
def conn(bill_settings: Settings) -> Iterator[Connection]:
    with get_engine(bill_settings).connect() as connection:
        yield connection


def _rows(rows: list[BreakdownRow]) -> list[tuple[date, tuple[str | None, ...], Decimal]]:
    return [(r.period, r.keys, r.cost) for r in rows]


def test_monthly_cost_by_service_is_the_hand_computed_bill(conn: Connection) -> None:
    query = CostQuery(
        start=date(2026, 1, 1),
        end=date(2026, 2, 28),
        granularity=Granularity.monthly,
        group_by=("service_name",),
        filters={},
        metric=CostMetric.billed_cost,
    )
    answer = breakdown(conn, query=query)
    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    assert answer.source == "rollup_monthly"
    assert answer.currency == "USD"
    assert answer.periods == [jan, feb]
    assert _rows(answer.rows) == [
        (jan, (EC2,), D("24.3333")),
        (jan, (RDS,), D("7.1234")),
        (jan, (S3,), D("2.5000")),
        (feb, (EC2,), D("16.4444")),
        (feb, (RDS,), D("150.0000")),
        (feb, (S3,), D("2.5000")),
    ]
    assert answer.groups == [
        ((RDS,), D("157.1234")),
        ((EC2,), D("40.7777")),
        ((S3,), D("5.0000")),
    ]
    assert answer.total == D("202.9011")
    from_costs = breakdown(conn, query=query, use_rollups=False)
    assert from_costs.source == "costs"
    assert _rows(from_costs.rows) == _rows(answer.rows)
    sql_total = conn.execute(text("SELECT sum(billed_cost) FROM finops.costs")).scalar_one()
    assert answer.total == D(sql_total)


def test_daily_by_account_and_tag_with_filters(conn: Connection) -> None:
    query = CostQuery(
        start=date(2026, 1, 31),
        end=date(2026, 2, 2),
        granularity=Granularity.daily,
        group_by=("account_id", "tag:user_team"),
        filters={"service_name": (EC2, S3)},
        metric=CostMetric.billed_cost,
    )
    answer = breakdown(conn, query=query)
    assert answer.source == "rollup_tags"
    assert answer.periods == [date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 2)]
    assert _rows(answer.rows) == [
        (date(2026, 1, 31), (A, "web"), D("11.0000")),
        (date(2026, 1, 31), (B, "data"), D("3.3333")),
        (date(2026, 2, 1), (A, "web"), D("12.0000")),
        (date(2026, 2, 1), (B, None), D("2.5000")),
        (date(2026, 2, 2), (B, "data"), D("4.4444")),
    ]
    assert answer.groups == [
        ((A, "web"), D("23.0000")),
        ((B, "data"), D("7.7777")),
        ((B, None), D("2.5000")),
    ]
    assert answer.total == D("33.2777")
    assert _rows(breakdown(conn, query=query, use_rollups=False).rows) == _rows(answer.rows)


def test_untagged_filter_and_a_partial_month(conn: Connection) -> None:
    # "" is cost without the tag; a range that is not whole months is answered by day
    query = CostQuery(
        start=date(2026, 1, 15),
        end=date(2026, 2, 1),
        granularity=Granularity.monthly,
        group_by=("region_id",),
        filters={"tag:user_team": ("",)},
        metric=CostMetric.billed_cost,
    )
    answer = breakdown(conn, query=query)
    assert answer.source == "rollup_tags"
    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    assert _rows(answer.rows) == [
        (jan, ("eu-west-1",), D("7.1234")),
        (feb, ("us-east-1",), D("152.5000")),
    ]
    assert _rows(breakdown(conn, query=query, use_rollups=False).rows) == _rows(answer.rows)
    no_tags = CostQuery(
        start=date(2026, 1, 15),
        end=date(2026, 2, 1),
        granularity=Granularity.monthly,
        group_by=(),
        filters={"account_id": (A,), "charge_category": ("Usage",)},
        metric=CostMetric.effective_cost,
    )
    daily = breakdown(conn, query=no_tags)
    assert daily.source == "rollup_daily_service"
    assert _rows(daily.rows) == [(jan, (), D("28.1234")), (feb, (), D("12.0000"))]


def test_two_tag_keys_and_the_streamed_rows(conn: Connection) -> None:
    query = CostQuery(
        start=date(2026, 1, 1),
        end=date(2026, 2, 28),
        granularity=Granularity.daily,
        group_by=("tag:user_team",),
        filters={"tag:other": ("",)},
        metric=CostMetric.billed_cost,
    )
    answer = breakdown(conn, query=query)
    assert answer.source == "costs"
    assert answer.total == D("202.9011")
    assert list(iter_breakdown_rows(conn, query=query)) == answer.rows
    assert [r.cost for r in answer.rows][:3] == [D("2.5000"), D("10.0000"), D("7.1234")]


def test_dimensions_are_checked_and_named() -> None:
    assert parse_dimension("usage_type") == "usage_type"
    assert parse_dimension(" tag:user_team ") == "tag:user_team"
    with pytest.raises(InvalidDimensionError, match="'sku'") as bad:
        parse_dimension("sku")
    assert bad.value.param == "group_by"
    with pytest.raises(InvalidParameterError, match="tag:"):
        parse_dimension("tag:")
    too_many = CostQuery(
        start=date(2026, 1, 1),
        end=date(2026, 1, 2),
        granularity=Granularity.daily,
        group_by=("account_id", "region_id", "service_name"),
    )
    with pytest.raises(InvalidDimensionError, match="at most 2"):
        too_many.checked()
    backwards = CostQuery(start=date(2026, 1, 2), end=date(2026, 1, 1))
    with pytest.raises(InvalidParameterError, match="start 2026-01-02 is after end"):
        backwards.checked()
    with pytest.raises(InvalidDimensionError) as bad_filter:
        CostQuery(start=date(2026, 1, 1), end=date(2026, 1, 2), filters={"zone": ("a",)}).checked()
    assert bad_filter.value.param == "zone"


def test_dimension_values_and_tag_keys(conn: Connection) -> None:
    accounts = dimension_values(conn, dimension="account_id")
    assert [(v.value, v.label) for v in accounts] == [(A, "acct-2222"), (B, "acct-3333")]
    found = dimension_values(conn, dimension="account_id", search="3333")
    assert [v.value for v in found] == [B]
    in_range = dimension_values(
        conn, dimension="account_id", start=date(2026, 1, 31), end=date(2026, 2, 1)
    )
    assert [(v.value, v.label) for v in in_range] == [(A, "acct-2222"), (B, "acct-3333")]
    teams = dimension_values(conn, dimension="tag:user_team")
    # the bill's untagged cost is a value too: None, "(none)", last
    assert [(v.value, v.label) for v in teams] == [
        ("data", "data"),
        ("web", "web"),
        (None, "(none)"),
    ]
    web = dimension_values(conn, dimension="tag:user_team", search="we")
    assert [(v.value, v.label) for v in web] == [("web", "web")]
    assert [v.value for v in dimension_values(conn, dimension="tag:user_team", limit=2)] == [
        "data",
        "web",
    ]
    services = dimension_values(
        conn,
        dimension="service_name",
        search="STORAGE",
        start=date(2026, 2, 1),
        end=date(2026, 2, 2),
    )
    assert [v.value for v in services] == [S3]
    assert tag_keys(conn) == ["user_team"]


def test_a_scope_restricting_tags_is_answered_from_costs(bill_settings: Settings) -> None:
    # the rollups keep no tags but one key at a time: a tag scope cannot be honoured by them
    from finops.warehouse.scope import Scope, apply_scope

    query = CostQuery(start=date(2026, 1, 1), end=date(2026, 2, 28), group_by=("account_id",))
    with get_engine(bill_settings).connect() as conn, conn.begin():
        apply_scope(conn, Scope(accounts=frozenset({A})))
        assert breakdown(conn, query=query).source == "rollup_monthly"
    with get_engine(bill_settings).connect() as conn, conn.begin():
        apply_scope(conn, Scope(tags={"team": frozenset({"web"})}))
        answer = breakdown(conn, query=query)
        assert answer.source == "costs"
        assert tag_keys(conn) == ["user_team"]
