"""Reviewing incidents and managing budgets: library functions and the `finops` commands."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from finops.analytics import manage
from finops.analytics.anomalies.job import run_anomaly_detection
from finops.db.engine import get_engine
from finops.errors import FinOpsError
from finops.jobs.budgets import run_budgets
from tests.analytics.conftest import ACCOUNT_B, KnownEstate


def _audit(estate: KnownEstate, action: str) -> list[tuple[object, ...]]:
    with get_engine(estate.settings).connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT subject, details FROM finops.audit_log WHERE action = :a ORDER BY id"),
                {"a": action},
            )
        ]


def test_incidents_are_listed_and_their_status_changes_are_audited(
    known_estate: KnownEstate,
) -> None:
    run_anomaly_detection(run_date=known_estate.end, report_days=30, settings=known_estate.settings)
    rows, table = manage.list_anomalies(settings=known_estate.settings)
    assert len(rows) == 1 and rows[0]["status"] == "open"
    fingerprint = rows[0]["fingerprint"]
    assert fingerprint in table and "open" in table

    manage.change_anomaly_status(
        fingerprint, "acknowledged", note="batch rerun", settings=known_estate.settings
    )
    rows, _ = manage.list_anomalies(status="acknowledged", settings=known_estate.settings)
    assert [r["fingerprint"] for r in rows] == [fingerprint]
    assert manage.list_anomalies(status="open", settings=known_estate.settings)[0] == []
    ((subject, details),) = _audit(known_estate, "anomaly.status")
    assert subject == fingerprint
    assert details == {"status": "acknowledged", "note": "batch rerun", "actor": "cli"}

    # a rerun keeps the person's decision
    run_anomaly_detection(run_date=known_estate.end, report_days=30, settings=known_estate.settings)
    rows, _ = manage.list_anomalies(settings=known_estate.settings)
    assert rows[0]["status"] == "acknowledged"

    with pytest.raises(FinOpsError, match="no anomaly incident with fingerprint 'nope'"):
        manage.change_anomaly_status("nope", "resolved", settings=known_estate.settings)
    with pytest.raises(FinOpsError, match="'closed' is not one of"):
        manage.change_anomaly_status(fingerprint, "closed", settings=known_estate.settings)
    with pytest.raises(FinOpsError, match="--status 'closed'"):
        manage.list_anomalies(status="closed", settings=known_estate.settings)


def test_budgets_are_created_checked_listed_and_deleted(known_estate: KnownEstate) -> None:
    settings = known_estate.settings
    budget_id, message = manage.create_budget(
        name="data-team",
        amount="1500",
        period="monthly",
        scope=[f"account={ACCOUNT_B}"],
        thresholds=["actual:50", "forecast:90"],
        emails=["finops@example.com"],
        settings=settings,
    )
    assert budget_id > 0 and "data-team" in message
    rows, table = manage.list_budgets(settings=settings)
    assert [r["name"] for r in rows] == ["data-team"]
    assert "not checked yet" in table and "actual:50% forecast:90%" in table

    run_budgets(run_date=known_estate.end, settings=settings)
    rows, table = manage.list_budgets(settings=settings)
    assert rows[0]["actual"] is not None and rows[0]["actual"] > 0
    assert rows[0]["run_date"] == known_estate.end

    # replacing by name keeps one budget
    manage.create_budget(name="data-team", amount="2000", period="monthly", settings=settings)
    rows, _ = manage.list_budgets(settings=settings)
    assert len(rows) == 1 and rows[0]["amount"] == 2000

    for bad, message in (
        ({"amount": "lots"}, "amount 'lots' is not a number"),
        ({"amount": "-5"}, "amount must be positive"),
        ({"period": "weekly"}, "period 'weekly' is not one of"),
        ({"scope": ["owner=me"]}, "scope dimension 'owner' is unknown"),
        ({"scope": ["account"]}, "expected DIMENSION=VALUE"),
        ({"thresholds": ["actual:eighty"]}, "expected actual:PERCENT or forecast:PERCENT"),
    ):
        arguments = {"name": "bad", "amount": "10", "period": "monthly", **bad}
        with pytest.raises(FinOpsError, match=message):
            manage.create_budget(settings=settings, **arguments)  # type: ignore[arg-type]
    assert [r["name"] for r in manage.list_budgets(settings=settings)[0]] == ["data-team"]

    manage.delete_budget("data-team", settings=settings)
    assert manage.list_budgets(settings=settings)[0] == []
    with pytest.raises(FinOpsError, match="no budget named 'data-team'"):
        manage.delete_budget("data-team", settings=settings)
    assert [a[0] for a in _audit(known_estate, "budget.save")] == ["data-team", "data-team"]
    assert [a[0] for a in _audit(known_estate, "budget.delete")] == ["data-team"]


def test_the_commands_work_end_to_end(known_estate: KnownEstate) -> None:
    settings = known_estate.settings
    assert settings.database_url is not None
    env = {
        **os.environ,
        "FINOPS_HOME": str(settings.home),
        "FINOPS_DATABASE_URL": settings.database_url.get_secret_value(),
        "FINOPS_LOG_LEVEL": "WARNING",
    }

    def finops(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "finops", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    created = finops(
        "budgets", "create", "everything", "--amount", "5000", "--threshold", "actual:80"
    )
    assert created.returncode == 0, created.stderr
    listed = finops("budgets", "list")
    assert listed.returncode == 0 and "everything" in listed.stdout
    assert "(whole bill)" in listed.stdout
    bad = finops("budgets", "create", "x", "--amount", "10", "--period", "weekly")
    assert bad.returncode != 0 and "period 'weekly'" in bad.stderr
    missing = finops("anomalies", "ack", "0000")
    assert missing.returncode != 0 and "no anomaly incident" in missing.stderr
    assert finops("budgets", "delete", "everything").returncode == 0


def test_the_watched_tag_keys_come_from_settings(known_estate: KnownEstate) -> None:
    def tag_scopes(keys: list[str]) -> set[str]:
        settings = known_estate.settings.model_copy(update={"anomaly_tag_keys": keys})
        run = run_anomaly_detection(run_date=known_estate.end, report_days=30, settings=settings)
        (incident,) = run.incidents
        kinds = {str(r["scope_kind"]) for r in incident.related_scopes} | {incident.scope_kind}
        return {k for k in kinds if k.startswith("tag:")}

    assert tag_scopes(["team", "cost-center"]) == {"tag:team"}  # the export tags user_team
    assert tag_scopes([]) == set()
