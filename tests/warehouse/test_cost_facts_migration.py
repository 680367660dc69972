"""Migration 0012: the wide cost table split into attribute sets and facts. Rows already in
the warehouse move without loss: ``finops.costs`` reads the same rows before and after, one
attribute row per distinct attribute set of a slice, and the downgrade restores the table."""

from __future__ import annotations

import uuid

from alembic import command
from sqlalchemy import Engine, create_engine, text

from finops.db.migrate import alembic_config, upgrade
from tests.conftest import create_database

INSERT = text(
    """
    INSERT INTO finops.cost_line_items
      (billed_cost, effective_cost, list_cost, contracted_cost, billing_account_id,
       billing_currency, billing_period_start, billing_period_end, charge_category,
       charge_period_start, charge_period_end, invoice_issuer_name, provider_name,
       publisher_name, resource_id, tags, pricing_quantity, x_source_id, x_source_format,
       x_raw_line_items)
    VALUES (:cost, :cost, :cost, :cost, '111', 'USD', CAST(:period AS timestamptz),
            CAST(:period_end AS timestamptz), 'Usage', CAST(:start AS timestamptz),
            CAST(:start AS timestamptz) + interval '1 hour', 'AWS', 'AWS', 'AWS', :resource,
            CAST(:tags AS jsonb), :qty, :source, 'cur2', :lines)
    """
)
ROWS = [
    # two hours of one attribute set, another resource, a NULL quantity, another source and
    # another billing period (attribute sets are per slice)
    ("1.000000000000001", "2026-05-01", "2026-05-01 00:00Z", "i-1", '{"team": "a"}', 2, "s1"),
    ("2.5", "2026-05-01", "2026-05-01 01:00Z", "i-1", '{"team": "a"}', 2, "s1"),
    ("0.1", "2026-05-01", "2026-05-02 00:00Z", "i-2", "{}", None, "s1"),
    ("7", "2026-05-01", "2026-05-02 00:00Z", "i-2", "{}", None, "s2"),
    ("-3.25", "2026-06-01", "2026-06-03 05:00Z", "i-1", '{"team": "a"}', 2, "s1"),
]
COSTS = text("SELECT * FROM finops.costs ORDER BY x_source_id, charge_period_start, resource_id")


def _costs(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(COSTS).all()]


def test_rows_move_to_attributes_and_facts_and_back(pg_server: object, admin_url: str) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    url = pg_server.url(name)  # type: ignore[attr-defined]
    engine = create_engine(url)
    try:
        assert upgrade(engine, revision="0011") == "0011"
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL timezone = 'UTC'"))
            for month in ("2026-05-01", "2026-06-01"):
                conn.execute(text("SELECT finops.ensure_cost_partition(:m)"), {"m": month})
            for cost, period, start, resource, tags, qty, source in ROWS:
                conn.execute(
                    INSERT,
                    {
                        "cost": cost,
                        "period": f"{period}Z",
                        "period_end": f"{period[:5]}{int(period[5:7]) + 1:02d}-01Z",
                        "start": start,
                        "resource": resource,
                        "tags": tags,
                        "qty": qty,
                        "source": source,
                        "lines": 3,
                    },
                )
        before = _costs(engine)
        assert len(before) == 5

        assert upgrade(engine, revision="0012") == "0012"
        assert _costs(engine) == before
        with engine.connect() as conn:
            attributes = conn.execute(
                text("SELECT count(*) FROM finops.cost_attributes")
            ).scalar_one()
            facts = conn.execute(text("SELECT count(*) FROM finops.cost_facts")).scalar_one()
            partitions = conn.execute(
                text(
                    "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
                    "WHERE relname LIKE 'cost_facts_2026%' AND relkind = 'r'"
                )
            ).scalar_one()
            first_new_id = conn.execute(
                text("SELECT nextval('finops.cost_attribute_ids')")
            ).scalar_one()
        # i-1 in May (s1), i-2 in May (s1), i-2 in May (s2), i-1 in June (s1)
        assert (attributes, facts) == (4, 5)
        assert partitions == "cost_facts_2026_05,cost_facts_2026_06"
        assert first_new_id == 1 << 32  # the next load's block is past the moved ids

        command.downgrade(alembic_config(url), "0011")
        assert _costs(engine) == before
    finally:
        engine.dispose()
