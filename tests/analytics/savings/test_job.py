"""``finops.jobs.savings.run_savings`` through the job ledger: a rerun with the same bill,
findings and remediation log is skipped; a new delivery runs again and rewrites only what
changed; ``finops run savings`` prints the outcome."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from finops.analytics.savings.engine import SavingsRun
from finops.config import Settings
from finops.db.engine import server_url
from finops.jobs.ledger import JobSkipped
from finops.jobs.savings import lines, run_savings, summary
from tests.factories.remediation import plant_findings
from tests.factories.savings import DailyBill

SEEN, RESOLVED = date(2026, 3, 10), date(2026, 3, 11)


def test_the_job_is_idempotent_per_run_date(
    engine: Engine, fresh_settings: Settings, tmp_path: Path
) -> None:
    plant_findings(engine, "i-gone", as_of=SEEN, savings="50.00")
    plant_findings(engine, "i-other", as_of=RESOLVED, savings="5.00")
    bill = DailyBill(first=date(2026, 2, 20), last=date(2026, 3, 25))
    bill.put("i-gone", bill.first, SEEN, cost="2.00", usage=24)
    bill.load(fresh_settings, tmp_path, until=date(2026, 3, 20))
    day = date(2026, 3, 25)

    first = run_savings(run_date=day, settings=fresh_settings, run_id="r1")
    assert isinstance(first, SavingsRun)
    assert (first.written, first.by_status()) == (
        1,
        {"awaiting_bills": 0, "measured": 1, "confirmed": 0},
    )
    assert summary(first) == {"subjects": 1, "by_status": first.by_status(), "written": 1}
    assert lines(first) == [
        "savings as of 2026-03-25: 1 measured subjects (awaiting_bills 0, measured 1, "
        "confirmed 0), 1 rewritten; realized 62.00/month (effective cost)"
    ]
    again = run_savings(run_date=day, settings=fresh_settings, run_id="r2")
    assert isinstance(again, JobSkipped)
    forced = run_savings(run_date=day, settings=fresh_settings, run_id="r3", force=True)
    assert isinstance(forced, SavingsRun) and forced.written == 0  # same bill: no rewrite

    bill.load(fresh_settings, tmp_path)  # five more days of bill
    later = run_savings(run_date=day, settings=fresh_settings, run_id="r4")
    assert isinstance(later, SavingsRun) and later.written == 1
    with engine.connect() as conn:
        after_end, run_id = conn.execute(
            text("SELECT after_end, run_id FROM finops.savings_measurements")
        ).one()
        ledger = conn.execute(
            text("SELECT run_id, status FROM finops.job_runs WHERE job = 'savings' ORDER BY id")
        ).all()
    assert (after_end, run_id) == (day, "r4")
    assert ledger == [
        ("r1", "succeeded"),
        ("r2", "skipped"),
        ("r3", "succeeded"),
        ("r4", "succeeded"),
    ]
    assert day - RESOLVED == timedelta(days=14)


def test_finops_run_savings(fresh_settings: Settings, engine: Engine, tmp_path: Path) -> None:
    plant_findings(engine, "i-gone", as_of=SEEN, savings="50.00")
    plant_findings(engine, "i-other", as_of=RESOLVED, savings="5.00")
    bill = DailyBill(first=date(2026, 2, 20), last=date(2026, 3, 25))
    bill.put("i-gone", bill.first, SEEN, cost="2.00", usage=24)
    bill.load(fresh_settings, tmp_path)
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(fresh_settings))
    command = [sys.executable, "-m", "finops", "run", "savings", "--date", "2026-03-25"]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (
        "savings as of 2026-03-25: 1 measured subjects (awaiting_bills 0, measured 1, "
        "confirmed 0), 1 rewritten; realized 62.00/month (effective cost)"
    ) in " ".join(run.stdout.split())  # the console wraps long lines
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "skipped" in again.stdout, again.stdout
