"""Browser end to end: an idle instance stopped through the remediation core (moto) and
measured by the savings tracker from a hand-built bill (the factories of
tests/analytics/savings); a viewer signs in to the dashboard served by ``finops serve``, opens
/savings and the measurement; every figure the page shows equals the warehouse's (the
measurement row and the rollups over the same days), rounded to cents as the page shows money."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import func, select

from finops.analytics.savings.rollups import rollup
from finops.auth.roles import Role
from finops.auth.users import create_user
from finops.config import Settings
from finops.db.engine import get_engine, server_url
from finops.warehouse.tables import savings_measurements
from tests.e2e.conftest import ARTIFACTS, browser, require_dist, serve
from tests.factories.savings import DailyBill, measure_all, measurements, stopped_instance
from tests.factories.usage import MotoAws
from tests.remediation.conftest import RecordingClients, aws, clients, moto_endpoint

__all__ = ["aws", "clients", "moto_endpoint"]

VIEWER = ("e2e-savings-viewer", "viewer-e2e-Passw0rd")


def dollars(value: Decimal) -> str:
    """Money as the page shows it: US dollars, half up to cents, thousands separated."""
    return f"${value.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def lines(stdout: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)


def test_a_measured_action_shows_the_warehouse_numbers(
    fresh_settings: Settings,
    aws: MotoAws,
    clients: RecordingClients,
    tmp_path: Path,
) -> None:
    require_dist()
    engine = get_engine(fresh_settings)
    stop, day = stopped_instance(engine, aws, clients, tmp_path / "policies")
    last = day + timedelta(days=9)
    bill = DailyBill(first=day - timedelta(days=14), last=last)
    bill.put(stop.resource_id, bill.first, day, cost="2.40", usage=24)
    bill.load(fresh_settings, tmp_path)
    assert measure_all(engine, last) == 1
    row = measurements(engine)[stop.resource_id]
    with engine.begin() as conn:
        create_user(conn, username=VIEWER[0], role=Role.VIEWER, password=VIEWER[1])
        first_change = conn.execute(select(func.min(savings_measurements.c.after_start))).scalar()
        assert isinstance(first_change, date)
        (by_action,) = rollup(conn, by="action", start=first_change.replace(day=1), end=last)

    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))
    with serve(env, tmp_path) as base_url:
        stdout = browser(
            "savings.e2e.mjs",
            base_url=base_url,
            E2E_LOGIN=f"{VIEWER[0]}:{VIEWER[1]}",
            MEASUREMENT_ID=str(row["id"]),
        )

    shown = lines(stdout)
    realized = Decimal(row["realized_monthly_effective"])
    assert realized == Decimal("2.40") * row["days_in_month"]
    assert shown["row realized"] == dollars(realized)
    assert shown["detail-realized"] == dollars(realized)
    assert shown["reloaded realized"] == dollars(realized)
    assert shown["detail-realized-list"] == dollars(Decimal(row["realized_monthly_list"]))
    assert shown["detail-estimated"] == dollars(Decimal(row["estimated_monthly_savings"]))
    assert shown["detail-daily"] == (
        f"{dollars(Decimal(row['baseline_daily_effective']))} → "
        f"{dollars(Decimal(row['after_daily_effective']))}"
    )
    assert shown["detail-windows"] == (
        f"Baseline {row['baseline_start']} – {row['baseline_end']} ({row['baseline_days']} "
        f"days) · after {row['after_start']} – {row['after_end']} ({row['after_days']} days)"
    )
    assert shown["savings-confidence"].startswith(f"Confidence {row['confidence']}")
    assert shown["chart"] == "drawn"
    # the totals and the by-action table: the rollups over the page's days
    assert by_action.key == "stop_instance"
    assert by_action.realized_effective == Decimal("2.40") * (last - day).days
    assert shown["by-action stop_instance"] == dollars(by_action.realized_effective)
    assert shown["savings-realized"] == dollars(by_action.realized_effective)
    assert shown["savings-estimated"] == dollars(by_action.estimated)
    assert (ARTIFACTS / "savings.png").stat().st_size > 10_000
