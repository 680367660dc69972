"""The demo's savings loop (issue 17): after an action is carried out on a generated estate, the
generator bills the months after it with the action in effect, writes the utilization and
inventory of their last days (the stopped instance reports nothing after its stop), the demo
loads them, and the savings tracker measures the action from that bill beside its estimate.

The action is recorded through the remediation lifecycle as the executor leaves it
(``record_execution``): the executor itself, against moto, is tested in test_demo_aws.py."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.generator import GenerateOptions, generate
from finops.generator.api import plan_estate
from finops.generator.timeline import Timeline
from finops.ingest.billing import ingest_billing
from finops.jobs.savings import run_savings
from finops.orchestration.demo_savings import close_savings_loop, next_period_path, report_savings
from finops.orchestration.savings_loop import record_execution

STOPPED_AT = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)


def test_the_loop_bills_the_later_months_and_the_tracker_measures_the_action(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    settings = fresh_settings.model_copy(update={"home": tmp_path})
    estate_dir = tmp_path / "estate"
    options = GenerateOptions.for_days(
        out_dir=estate_dir, days=30, accounts=3, restatement=False, utilization_days=3
    )
    generate(options)
    ingest_billing(str(estate_dir / "cur2"), settings=settings)
    estate = plan_estate(options, Timeline(options.start, options.end)).estate
    console = Console(file=io.StringIO(), width=200)
    assert close_savings_loop(settings, estate_dir, console=console) is False  # nothing done yet

    idle = next(s for s in estate.situations if s.kind == "idle_instance" and s.resource_id)
    busy = next(
        r.resource_id
        for r in estate.resources
        if r.resource_id.startswith("i-") and r.resource_id != idle.resource_id
    )
    with get_engine(settings).begin() as conn:
        record_execution(
            conn,
            situation=idle,
            action="stop_instance",
            at=STOPPED_AT,
            estimate=Decimal("99.00"),
            details={},
        )

    assert close_savings_loop(settings, estate_dir, console=console) is True
    out = next_period_path(settings)
    assert out == tmp_path / "demo-next-period"
    assert sorted(p.name for p in out.iterdir()) == [
        "cloudwatch",
        "config",
        "cur2",
        "savings_truth.json",
    ]
    # the last three days of the new range (to 2026-12-31) were loaded: the busy instance
    # reports its CPU every day, the stopped one nothing
    with get_engine(settings).connect() as conn:
        days = dict(
            conn.execute(
                text(
                    "SELECT resource_id, count(DISTINCT day) FROM utilization_daily "
                    "WHERE day >= '2026-12-01' AND resource_id IN (:idle, :busy) "
                    "GROUP BY resource_id"
                ),
                {"idle": idle.resource_id, "busy": busy},
            ).all()
        )
    assert days == {busy: 3}

    ingest_billing(str(out / "cur2"), settings=settings)
    run_savings(run_date=date(2026, 12, 31), settings=settings)
    report_savings(settings, console=console)
    with get_engine(settings).connect() as conn:
        row = conn.execute(
            text(
                "SELECT status, estimated_monthly_savings, realized_monthly_list, after_days "
                "FROM savings_measurements WHERE resource_id = :r"
            ),
            {"r": idle.resource_id},
        ).one()
    assert row.status == "confirmed" and row.after_days == 30
    assert row.estimated_monthly_savings == Decimal("99.00")
    assert row.realized_monthly_list > 0
    said = console.file.getvalue()  # type: ignore[attr-defined]
    assert "savings loop: the generator billed 2026-11, 2026-12 with the 1 executed" in said
    assert "savings tracker: 1 of 1 measured from the later bill" in said
    assert "against 99.00/month estimated" in said
