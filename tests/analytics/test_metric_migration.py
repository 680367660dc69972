"""Migration 0006: incidents found on billed cost before anomaly detection moved to usage cost.
Open ones are dropped (the next run re-detects on usage cost); those with a person's feedback
stay and are relabelled so the feedback keeps applying."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text

from finops.db.migrate import upgrade
from tests.conftest import create_database

INSERT = text(
    """
    INSERT INTO finops.anomaly_incidents
      (fingerprint, scope_kind, scope, kind, cause, status, first_day, last_day, expected,
       lower_bound, upper_bound, actual, impact, severity, cost_metric, detected_on,
       last_run_date, run_id)
    VALUES (:fp, 'resource', '{"resource": "i-1"}', 'spike', 'usage_change', :status,
            '2026-05-01', '2026-05-01', 10, 5, 15, 40, 30, 'low', :metric, '2026-05-02',
            '2026-05-02', 'r1')
    """
)


def test_open_billed_incidents_go_and_feedback_stays(pg_server: object, admin_url: str) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    engine = create_engine(pg_server.url(name))  # type: ignore[attr-defined]
    try:
        assert upgrade(engine, revision="0005") == "0005"
        with engine.begin() as conn:
            for fp, status, metric in (
                ("open-billed", "open", "billed_cost"),
                ("fp-billed", "false_positive", "billed_cost"),
                ("ack-billed", "acknowledged", "billed_cost"),
                ("open-effective", "open", "effective_cost"),
            ):
                conn.execute(INSERT, {"fp": fp, "status": status, "metric": metric})
        assert upgrade(engine, revision="0006") == "0006"  # later revisions follow
        with engine.connect() as conn:
            rows = dict(
                conn.execute(
                    text("SELECT fingerprint, cost_metric FROM finops.anomaly_incidents")
                ).all()
            )
        assert rows == {
            "fp-billed": "usage_cost",
            "ack-billed": "usage_cost",
            "open-effective": "effective_cost",
        }
    finally:
        engine.dispose()
