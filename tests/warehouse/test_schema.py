"""The warehouse schema on a real embedded PostgreSQL: migrations, partitions, views, audit."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from finops.config import Settings
from finops.db.embedded import ensure_server
from finops.db.engine import get_engine, libpq_url, server_url
from finops.db.migrate import current_revision, head_revision, upgrade

FOCUS_12_MANDATORY = {
    "billed_cost",
    "billing_account_id",
    "billing_account_name",
    "billing_currency",
    "billing_period_end",
    "billing_period_start",
    "charge_category",
    "charge_class",
    "charge_description",
    "charge_period_end",
    "charge_period_start",
    "contracted_cost",
    "effective_cost",
    "invoice_issuer_name",
    "list_cost",
    "pricing_quantity",
    "pricing_unit",
    "provider_name",
    "publisher_name",
    "service_category",
    "service_name",
}


def test_embedded_server_is_reused(finops_home: Path) -> None:
    first = ensure_server(finops_home / "pgdata")
    second = ensure_server(finops_home / "pgdata")
    assert first.port == second.port
    with psycopg.connect(libpq_url(first.url("postgres"))) as conn:
        assert conn.execute("SHOW server_version").fetchone()[0].startswith("18")


def test_upgrade_is_idempotent(fresh_settings: Settings) -> None:
    engine = get_engine(fresh_settings)
    assert current_revision(engine) == head_revision(engine)
    assert upgrade(engine) == head_revision(engine)


def test_costs_view_has_focus_columns_and_numeric_money(fresh_settings: Settings) -> None:
    with get_engine(fresh_settings).connect() as conn:
        columns = dict(
            conn.execute(
                text(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = 'finops' AND table_name = 'costs'"
                )
            ).all()
        )
    assert set(columns) >= FOCUS_12_MANDATORY
    for money in ("billed_cost", "effective_cost", "list_cost", "contracted_cost"):
        assert columns[money] == "numeric"


def test_partitions_are_created_per_month(fresh_settings: Settings) -> None:
    with get_engine(fresh_settings).begin() as conn:
        name = conn.execute(text("SELECT finops.ensure_cost_partition('2026-02-01')")).scalar()
        again = conn.execute(text("SELECT finops.ensure_cost_partition('2026-02-01')")).scalar()
        bounds = conn.execute(
            text(
                "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c "
                "WHERE c.relname = 'cost_facts_2026_02'"
            )
        ).scalar()
        with pytest.raises(Exception, match="not the first day of a month"):
            conn.execute(text("SELECT finops.ensure_cost_partition('2026-02-03')"))
    assert name == again == "cost_facts_2026_02"
    assert "2026-02-01" in bounds and "2026-03-01" in bounds


def test_audit_log_is_append_only(fresh_settings: Settings) -> None:
    engine = get_engine(fresh_settings)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO finops.audit_log (actor, action, subject) VALUES ('t', 'a', 's')")
        )
    # the triggers hold even for the owner; the application role lacks the privilege anyway
    owner = create_engine(server_url(fresh_settings))
    for statement in (
        "UPDATE finops.audit_log SET actor = 'x'",
        "DELETE FROM finops.audit_log",
        "TRUNCATE finops.audit_log",
    ):
        with owner.begin() as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(text(statement))
        with engine.begin() as conn, pytest.raises(Exception, match="permission denied"):
            conn.execute(text(statement))
    owner.dispose()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM finops.audit_log")).scalar() == 1
