"""Browser end to end: the Audit page in Debian Chromium (playwright-core) on ``finops serve``.
On the warehouse of the dashboard e2e (billing loaded, anomaly job run, budgets made), an
approver is created with ``finops users create``, signs in and opens /audit: the chain check's
banner says the chain is verified with the rows ``finops audit verify`` counts, the first page
shows the newest rows of ``audit_log`` in chain order (the ingest, the job, the budgets, the
user's creation and the sign-in done in this test), and filtering by the approver's actor
leaves the sign-in alone, also after a reload. Then the database owner alters the user's
creation row behind the platform's back: the next visit's banner names that row."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import psycopg
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine, libpq_url, owner_url
from tests.e2e.conftest import ARTIFACTS, browser, finops
from tests.e2e.test_dashboard import served

__all__ = ["served"]  # the dashboard e2e's server on freshly ingested data, as a fixture

APPROVER = "e2e-approver"
PASSWORD = "approver-e2e-Passw0rd"
CREATE_OPTIONS = ("--role", "approver", "--password-stdin")
PAGE_SIZE = 50  # AUDIT_PAGE_SIZE of the page


def _printed(stdout: str, label: str) -> Any:
    (line,) = [line for line in stdout.splitlines() if line.startswith(f"{label}: ")]
    return line.removeprefix(f"{label}: ")


def _newest(settings: Settings) -> list[list[Any]]:
    with get_engine(settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT chain_seq, actor, action, subject FROM finops.audit_log "
                "ORDER BY chain_seq DESC LIMIT :n"
            ),
            {"n": PAGE_SIZE},
        ).all()
    return [[int(r.chain_seq), r.actor, r.action, r.subject] for r in rows]


def test_an_approver_audits_the_actions_of_the_test(
    served: tuple[str, dict[str, str]], fresh_settings: Settings
) -> None:
    base_url, env = served
    created = subprocess.run(
        [sys.executable, "-m", "finops", "users", "create", APPROVER, *CREATE_OPTIONS],
        env=env,
        input=f"{PASSWORD}\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr

    stdout = browser(
        "audit.e2e.mjs",
        base_url=base_url,
        E2E_LOGIN=f"{APPROVER}:{PASSWORD}",
        FILTER_ACTOR=f"user:{APPROVER}",
    )

    verify = finops(env, "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    match = re.search(r"rows checked: (\d+)", verify.stdout)
    assert match is not None, verify.stdout
    checked = int(match.group(1))
    assert _printed(stdout, "audit chain").startswith(
        f"true Chain verified: {checked:,} rows intact"
    )

    newest = _newest(fresh_settings)  # nothing was written after the page loaded
    shown = json.loads(_printed(stdout, "audit rows"))
    assert shown == newest
    # 3 billing slices, the anomaly job, 2 budgets, the user's creation, the sign-in (the head)
    assert (len(shown), newest[0][0]) == (8, checked)
    done_here = {(actor, action, subject) for _, actor, action, subject in newest}
    assert {
        (f"user:{APPROVER}", "auth.login", APPROVER),
        ("cli", "user.create", APPROVER),
        ("finops.analytics", "budget.save", "e2e-total"),
        ("finops.analytics", "budget.save", "e2e-compute"),
    } <= done_here
    actions = {(actor, action) for _, actor, action, _ in newest}
    assert {("finops.analytics", "anomalies.detected"), ("ingest", "billing.replace_slice")} <= (
        actions
    )

    filtered = json.loads(_printed(stdout, "audit filtered"))
    assert filtered == [[checked, f"user:{APPROVER}", "auth.login", APPROVER]]
    details = json.loads(_printed(stdout, "audit details"))
    assert details["client_address"] == "127.0.0.1"
    assert (ARTIFACTS / "audit.png").stat().st_size > 10_000

    # a row altered behind the platform's back: the next visit names it
    (seq, *_) = next(row for row in newest if row[2] == "user.create")
    with get_engine(fresh_settings).connect() as conn:
        row_id = conn.execute(
            text("SELECT id FROM finops.audit_log WHERE chain_seq = :s"), {"s": seq}
        ).scalar_one()
    with psycopg.connect(libpq_url(owner_url(fresh_settings))) as conn:
        conn.execute("ALTER TABLE finops.audit_log DISABLE TRIGGER audit_log_append_only")
        conn.execute(
            'UPDATE finops.audit_log SET details = details || \'{"role": "admin"}\' WHERE id = %s',
            (row_id,),
        )
        conn.execute("ALTER TABLE finops.audit_log ENABLE TRIGGER audit_log_append_only")
    again = browser(
        "audit.e2e.mjs", base_url=base_url, E2E_LOGIN=f"{APPROVER}:{PASSWORD}", CHAIN_ONLY="1"
    )
    assert _printed(again, "audit chain").startswith(
        f"false Chain broken: content altered at row id {row_id} (chain_seq {seq})"
    )
    assert f"{seq - 1} rows verified before it." in _printed(again, "audit chain")
    assert json.loads(_printed(again, "audit marked")) == [row_id]
