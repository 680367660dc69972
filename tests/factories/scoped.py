"""A small warehouse of two accounts and two teams for the row-level security tests: billing
rows loaded the real way (``ingest_billing``), and one or more rows in every table under the
public views, written by the owner, each with a known account, tags or scope of its own.

``sees(scope, account=..., tags=...)`` is the rule of docs/security.md written again in Python,
so that a test compares what PostgreSQL shows a scoped role with the owner's rows filtered by
hand."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Connection, text

from finops.config import Settings
from finops.db.engine import libpq_url, server_url
from finops.ingest.billing import ingest_billing
from finops.warehouse.scope import Scope
from tests.factories.cur2 import Cur2Export

A, B = "111111111111", "222222222222"
RED_TAGS = {"user:team": "red", "user:cost_center": "cc-1"}
BLUE_TAGS = {"Team": "blue"}

_FILL = {
    "text": "x",
    "numeric": 1,
    "integer": 1,
    "bigint": 1,
    "double precision": 1.0,
    "boolean": False,
    "date": "2026-03-02",
    "timestamp with time zone": "2026-03-02T00:00:00Z",
    "timestamp without time zone": "2026-03-02T00:00:00",
    "jsonb": "{}",
}


def norm(key: str) -> str:
    key = re.sub(r"^(user|aws)[:_]", "", key.strip().lower())
    return re.sub(r"[\s_]+", "-", key)


def sees(scope: Scope, *, account: str | None, tags: Mapping[str, str] | None) -> bool:
    """Whether ``scope`` sees a row of ``account`` with ``tags`` (None: the row has no tags)."""
    if scope.unrestricted:
        return True
    if scope.accounts is not None and account not in scope.accounts:
        return False
    for key, values in scope.tags.items():
        if not any(norm(k) == norm(key) and v in values for k, v in (tags or {}).items()):
            return False
    return True


def sees_own_scope(scope: Scope, row_scope: Mapping[str, str]) -> bool:
    """An anomaly, forecast or budget of ``row_scope`` ({"account": .., "tag:team": ..})."""
    tags = {k[4:]: v for k, v in row_scope.items() if k.startswith("tag:")}
    return sees(scope, account=row_scope.get("account"), tags=tags)


def insert(conn: psycopg.Connection[tuple[object, ...]], table: str, **values: object) -> None:
    """One row of ``finops.<table>``: ``values``, and a plain value for every other NOT NULL
    column without a default."""
    required = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = "
        "'finops' AND table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
        (table,),
    ).fetchall()
    row = {str(c): _FILL[str(t)] for c, t in required if c not in values}
    row.update({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in values.items()})
    conn.execute(
        sql.SQL("INSERT INTO finops.{} ({}) VALUES ({})").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(sql.Placeholder() * len(row)),
        ),
        list(row.values()),
    )


def load_costs(settings: Settings, folder: Path) -> None:
    """Nine cost rows: A red 3 x 1.25, B blue 3 x 2.50, B untagged 3 x 4.00."""
    export = Cur2Export()
    for day in range(1, 4):
        at = datetime(2026, 3, day)
        export.add_usage(day=at, account=A, service="AmazonEC2", cost="1.25", tags=RED_TAGS)
        export.add_usage(day=at, account=B, service="AmazonS3", cost="2.50", tags=BLUE_TAGS)
        export.add_usage(day=at, account=B, service="AmazonEC2", cost="4.00")
    ingest_billing(str(export.write(folder)), settings=settings)


OWN_SCOPES: list[dict[str, str]] = [
    {},
    {"account": A},
    {"account": B, "service": "AmazonS3"},
    {"tag:team": "red"},
    {"tag:team": "blue"},
    {"service": "AmazonEC2"},
]
RESOURCES = [  # account, resource id, tags
    (A, "i-red", RED_TAGS),
    (B, "i-blue", BLUE_TAGS),
    (B, "i-none", {}),
]


def load_everything_else(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """Rows in the other tables under the views, written as the owner."""
    conn.execute(
        "INSERT INTO finops.ingest_quality (ingest_log_id, source_id, billing_period, rule_id, "
        "column_name, severity, line_items, message) SELECT id, source_id, billing_period, "
        "'r1', 'sub_account_id', 'warning', 1, 'one row of account 222222222222' "
        "FROM finops.ingest_log WHERE status = 'succeeded'"
    )
    _load_own_scopes(conn)
    _load_resources(conn)


def _load_own_scopes(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """An anomaly, a forecast run with two points and a budget with an evaluation per scope."""
    for n, scope in enumerate(OWN_SCOPES):
        kind = "+".join(sorted(scope)) or "total"
        insert(
            conn,
            "anomaly_incidents",
            fingerprint=f"f{n}",
            scope_kind=kind,
            scope=scope,
            kind="spike",
            severity="high",
        )
        run_id = conn.execute(
            "INSERT INTO finops.forecast_runs (scope_kind, scope, scope_key, run_date, cost_metric,"
            " model, weights, history_days, horizon_days, backtest_folds, backtest_mase, "
            "backtest_smape, backtest_by_model, month_to_date, month_end_projection, "
            "month_end_lower80, month_end_upper80, quarter_to_date, quarter_end_projection, "
            "quarter_end_lower80, quarter_end_upper80, run_id) VALUES (%s, %s, %s, '2026-03-03', "
            "'billed_cost', 'm', '{}', 1, 1, 1, 1, 1, '{}', 1, 1, 1, 1, 1, 1, 1, 1, 'r') "
            "RETURNING id",
            (kind, json.dumps(scope), f"k{n}"),
        ).fetchone()
        assert run_id is not None
        for day in (4, 5):
            insert(conn, "forecast_points", forecast_run_id=run_id[0], day=f"2026-03-0{day}")
        budget = conn.execute(
            "INSERT INTO finops.budget_definitions (name, scope_kind, scope, period, amount, "
            "thresholds, channels) VALUES (%s, %s, %s, 'monthly', 100, '[]', "
            '\'{"webhook": ["https://hooks.example/secret"]}\') RETURNING id',
            (f"b{n}", kind, json.dumps(scope)),
        ).fetchone()
        assert budget is not None
        insert(conn, "budget_evaluations", budget_id=budget[0], period_start="2026-03-01")


def _load_resources(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """Per resource: inventory, configuration and observations, a finding, a metric series with
    three days of utilization, a Cost Optimization Hub recommendation and carbon rows."""
    insert(conn, "finding_runs", job="idle", as_of="2026-03-02", parameters={})
    for account, resource, tags in RESOURCES:
        insert(
            conn,
            "inventory_resources",
            account_id=account,
            region="us-east-1",
            resource_type="AWS::EC2::Instance",
            resource_id=resource,
            configuration={},
            tags=tags,
        )
        config_hash = f"h-{resource}"
        insert(conn, "resource_configurations", config_hash=config_hash, tags=tags)
        for day in (1, 2):
            insert(
                conn,
                "resource_observations",
                account_id=account,
                resource_type="AWS::EC2::Instance",
                resource_id=resource,
                observed_on=f"2026-03-0{day}",
                config_hash=config_hash,
            )
        insert(
            conn,
            "finding_observations",
            job="idle",
            as_of="2026-03-02",
            fingerprint=f"fp-{resource}",
            account_id=account,
            resource_id=resource,
            details={},
        )
        series = conn.execute(
            "INSERT INTO finops.metric_series (account_id, region, namespace, metric_name, "
            "dimensions, stat, resource_id) VALUES (%s, 'us-east-1', 'AWS/EC2', "
            "'CPUUtilization', %s, 'Average', %s) RETURNING series_id",
            (account, json.dumps({"InstanceId": resource}), resource),
        ).fetchone()
        assert series is not None
        for day in (1, 2, 3):
            insert(conn, "utilization_daily_stats", series_id=series[0], day=f"2026-03-0{day}")
        insert(
            conn,
            "coh_recommendation_rows",
            recommendation_id=f"rec-{resource}",
            account_id=account,
            resource_id=resource,
            tags=tags,
        )
        insert(conn, "carbon_emission_rows", usage_account_id=account, payer_account_id=A)


ONLY_A = Scope(accounts=frozenset({A}))
ONLY_B = Scope(accounts=frozenset({B}))
RED = Scope(tags={"team": frozenset({"red"})})
BLUE_OR_RED_IN_B = Scope(accounts=frozenset({B}), tags={"Team": frozenset({"red", "blue"})})
CC1 = Scope(tags={"cost-center": frozenset({"cc-1"})})
NOBODY = Scope(accounts=frozenset())


def owner(settings: Settings) -> psycopg.Connection[tuple[object, ...]]:
    """A connection as the schema owner (row-level security does not limit it)."""
    return psycopg.connect(libpq_url(server_url(settings)), autocommit=True)


def scalar(conn: Connection, statement: str) -> object:
    return conn.execute(text(statement)).scalar_one()
