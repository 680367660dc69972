"""``/api/v1/audit`` and ``/api/v1/audit/verify``: planted rows of the audit trail read back
filtered (actor, action prefix, subject, since/until) and paged, newest first, each figure
checked against ``audit_log`` queried directly; bad filters answered 422 naming the parameter;
viewers and analysts refused; the chain check intact, then naming a row altered or deleted
behind the platform's back by the database owner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, text

from finops.auth.roles import Role
from finops.config import Settings
from finops.db.engine import get_engine, libpq_url, owner_url, server_url
from finops.warehouse.scope import Scope
from finops.warehouse.tables import audit_log
from tests.conftest import migrated_settings
from tests.factories.identity import BASE_URL, add_token, add_user, bearer, log_in

T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)
PAGE_ROWS = 30
PLANTED: list[dict[str, Any]] = [
    {"actor": "user:ann", "action": "budget.save", "subject": "team-a", "request_id": "req-1",
     "run_id": "req-1", "details": {"amount": "1200.50", "thresholds": [80, 100]}},
    {"actor": "user:ann", "action": "budget.delete", "subject": "team-a", "details": {"id": 7}},
    {"actor": "token:ci@bob", "action": "anomaly.status", "subject": "fp-1",
     "details": {"status": "resolved"}},
    {"actor": "finops.analytics", "action": "budgets.checked", "subject": "2026-11-04",
     "run_id": "run-4", "details": {"alerts": 2}},
]  # fmt: skip
"""One a day from T0; then PAGE_ROWS rows ``test.page`` a minute apart from T0 + 4 days."""


def _plant(settings: Settings) -> None:
    rows = [{**row, "occurred_at": T0 + i * DAY} for i, row in enumerate(PLANTED)]
    rows += [
        {
            "actor": "finops.test",
            "action": "test.page",
            "subject": f"p{i:02d}",
            "details": {"i": i},
            "occurred_at": T0 + 4 * DAY + timedelta(minutes=i),
        }
        for i in range(PAGE_ROWS)
    ]
    with get_engine(settings).begin() as conn:
        for row in rows:  # one statement per row: chain order is this order
            conn.execute(insert(audit_log).values(**row))


def _db_rows(settings: Settings) -> dict[str, Any]:
    """Every audit row by subject (the planted subjects are unique but for team-a's two)."""
    with get_engine(settings).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, chain_seq, occurred_at, actor, action, subject, run_id, request_id, "
                "details, row_hash FROM finops.audit_log ORDER BY chain_seq"
            )
        ).all()
    return {f"{r.subject}/{r.action}": r for r in rows}


def _clients(settings: Settings) -> dict[str, TestClient]:
    from finops.api.main import create_app

    app = create_app(settings=settings, frontend_dist=None)
    scoped = Scope(accounts=frozenset({"100000000001"}))
    clients = {}
    for name, role, scope in (
        ("viewer", Role.VIEWER, Scope()),
        ("analyst", Role.ANALYST, Scope()),
        ("approver", Role.APPROVER, Scope()),
        ("scoped-approver", Role.APPROVER, scoped),
        ("admin", Role.ADMIN, Scope()),
    ):
        add_user(settings, f"audit-{name}", role, scope=scope)
        client = TestClient(app, base_url=BASE_URL)
        client.headers.update(bearer(add_token(settings, f"audit-{name}")))
        clients[name] = client
    return clients


@pytest.fixture(scope="module")
def audit_settings(pg_server: object, admin_url: str, finops_home: Path) -> Settings:
    settings = migrated_settings(pg_server, admin_url, finops_home, "t_audit_api")
    assert isinstance(settings, Settings)
    _plant(settings)
    return settings


@pytest.fixture(scope="module")
def clients(audit_settings: Settings) -> Iterator[dict[str, TestClient]]:
    made = _clients(audit_settings)
    yield made
    for client in made.values():
        client.close()


def _get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(f"/api/v1/audit{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _subjects(body: Any) -> list[str]:
    return [item["subject"] for item in body["items"]]


def test_an_entry_carries_every_column_of_its_row(
    audit_settings: Settings, clients: dict[str, TestClient]
) -> None:
    body = _get(clients["approver"], "", subject="team-a", action="budget.save")
    assert body["total"] == 1
    (item,) = body["items"]
    row = _db_rows(audit_settings)["team-a/budget.save"]
    assert item == {
        "id": row.id,
        "chain_seq": row.chain_seq,
        "occurred_at": "2026-11-01T10:00:00Z",
        "actor": "user:ann",
        "action": "budget.save",
        "subject": "team-a",
        "run_id": "req-1",
        "request_id": "req-1",
        "details": {"amount": "1200.50", "thresholds": [80, 100]},
    }


def test_filters(audit_settings: Settings, clients: dict[str, TestClient]) -> None:
    approver = clients["approver"]
    by_actor = _get(approver, "", actor="user:ann")
    assert (by_actor["total"], _subjects(by_actor)) == (2, ["team-a", "team-a"])
    assert [i["action"] for i in by_actor["items"]] == ["budget.delete", "budget.save"]
    # action is a prefix: "budget" is also the start of "budgets.checked"
    by_prefix = _get(approver, "", action="budget")
    assert [i["action"] for i in by_prefix["items"]] == [
        "budgets.checked",
        "budget.delete",
        "budget.save",
    ]
    assert _get(approver, "", action="budget.")["total"] == 2
    # a prefix is text, not a LIKE pattern: "_" matches only "_"
    assert _get(approver, "", action="budget_")["total"] == 0
    assert _get(approver, "", action="test.page")["total"] == PAGE_ROWS
    by_subject = _get(approver, "", subject="fp-1")
    assert [(i["actor"], i["action"]) for i in by_subject["items"]] == [
        ("token:ci@bob", "anomaly.status")
    ]
    # since inclusive, until exclusive, in any offset
    window = _get(approver, "", since="2026-11-02T10:00:00Z", until="2026-11-04T11:00:00+01:00")
    assert _subjects(window) == ["fp-1", "team-a"]
    later = _get(approver, "", since="2026-11-05T10:28:00Z", action="test")
    assert (later["total"], _subjects(later)) == (2, ["p29", "p28"])
    assert _get(approver, "", actor="user:ann", subject="fp-1")["total"] == 0


def test_paging_newest_first_with_the_total(
    audit_settings: Settings, clients: dict[str, TestClient]
) -> None:
    approver = clients["approver"]
    first = _get(approver, "", action="test.page", limit=10)
    newest = [f"p{i:02d}" for i in range(29, 19, -1)]
    assert (first["total"], _subjects(first)) == (PAGE_ROWS, newest)
    last = _get(approver, "", action="test.page", limit=10, offset=25)
    assert (last["total"], _subjects(last)) == (PAGE_ROWS, ["p04", "p03", "p02", "p01", "p00"])
    beyond = _get(approver, "", action="test.page", offset=PAGE_ROWS)
    assert (beyond["total"], beyond["items"]) == (PAGE_ROWS, [])
    rows = _db_rows(audit_settings)
    assert [i["chain_seq"] for i in first["items"]] == [
        rows[f"p{i:02d}/test.page"].chain_seq for i in range(29, 19, -1)
    ]
    everything = _get(approver, "", limit=500)
    assert everything["total"] == len(rows)  # every row, logins and user changes included
    seqs = [i["chain_seq"] for i in everything["items"]]
    assert seqs == sorted(seqs, reverse=True)


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"since": "2026-11-02"}, "since"),
        ({"since": "2026-11-02T10:00:00"}, "since"),  # no offset: which moment?
        ({"until": "1700000000"}, "until"),
        ({"until": "2026-02-30T00:00:00Z"}, "until"),
        ({"until": "2026-11-02T10:00Z"}, "until"),  # RFC 3339: with seconds
        ({"actor": ""}, "actor"),
        ({"action": "x" * 201}, "action"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(
    clients: dict[str, TestClient], params: dict[str, Any], where: str
) -> None:
    response = clients["approver"].get("/api/v1/audit", params=params)
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [["query", where]]


def test_since_after_until_is_422_naming_both(clients: dict[str, TestClient]) -> None:
    response = clients["approver"].get(
        "/api/v1/audit", params={"since": "2026-11-03T00:00:00Z", "until": "2026-11-02T00:00:00Z"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "since 2026-11-03T00:00:00+00:00 is not before until 2026-11-02T00:00:00+00:00",
        "code": "invalid_parameter",
        "param": "since",
    }


def test_viewers_and_analysts_are_refused(
    audit_settings: Settings, clients: dict[str, TestClient]
) -> None:
    for path in ("", "/verify"):
        for name in ("viewer", "analyst"):
            response = clients[name].get(f"/api/v1/audit{path}")
            assert response.status_code == 403, (name, path)
            assert response.json() == {
                "detail": f"this needs the approver role or above; audit-{name} is {name}",
                "code": "permission_denied",
                "param": None,
            }
        for name in ("approver", "admin"):
            assert clients[name].get(f"/api/v1/audit{path}").status_code == 200
    anonymous = TestClient(clients["viewer"].app, base_url=BASE_URL)
    assert anonymous.get("/api/v1/audit").status_code == 401
    # the dashboard's way in: a session cookie (an approver's)
    add_user(audit_settings, "audit-dana", Role.APPROVER)
    session = log_in(TestClient(clients["viewer"].app, base_url=BASE_URL), "audit-dana")
    assert _get(session, "", actor="user:audit-dana", action="auth.login")["total"] == 1


def test_a_scoped_approver_reads_the_whole_trail(
    audit_settings: Settings, clients: dict[str, TestClient]
) -> None:
    scoped, unscoped = clients["scoped-approver"], clients["approver"]
    assert _get(scoped, "", action="test.page")["total"] == PAGE_ROWS
    report = _get(scoped, "/verify")
    assert report["ok"] is True
    assert report["head_seq"] == _get(unscoped, "/verify")["head_seq"]


def _as_owner(settings: Settings, statement: str, params: tuple[object, ...]) -> None:
    """Change audit_log behind the platform's back: the owner disables the append-only trigger
    for one statement."""
    with psycopg.connect(libpq_url(owner_url(settings))) as conn:
        conn.execute("ALTER TABLE finops.audit_log DISABLE TRIGGER audit_log_append_only")
        conn.execute(statement, params)  # type: ignore[arg-type]
        conn.execute("ALTER TABLE finops.audit_log ENABLE TRIGGER audit_log_append_only")


def test_verify_names_a_row_altered_behind_the_platforms_back(
    fresh_settings: Settings,
) -> None:
    _plant(fresh_settings)
    approver = _clients(fresh_settings)["approver"]
    rows = _db_rows(fresh_settings)
    last = max(rows.values(), key=lambda r: r.chain_seq)
    intact = _get(approver, "/verify")
    assert intact == {
        "ok": True,
        "rows_checked": len(rows),
        "head_seq": last.chain_seq,
        "head_hash": last.row_hash,
        "broken": None,
    }

    target = rows["fp-1/anomaly.status"]
    _as_owner(
        fresh_settings,
        'UPDATE finops.audit_log SET details = \'{"status": "open"}\' WHERE id = %s',
        (target.id,),
    )
    report = _get(approver, "/verify")
    broken = report.pop("broken")
    assert report == {
        "ok": False,
        "rows_checked": target.chain_seq - 1,
        "head_seq": last.chain_seq,
        "head_hash": last.row_hash,
    }
    assert broken["problem"] == "content altered"
    assert (broken["row_id"], broken["chain_seq"]) == (target.id, target.chain_seq)
    assert broken["detail"].endswith(f"not to its row_hash {target.row_hash}")
    assert broken["message"].startswith(
        f"content altered at row id {target.id} (chain_seq {target.chain_seq}): "
    )
    # the list shows the row as it now reads
    (item,) = _get(approver, "", subject="fp-1")["items"]
    assert item["details"] == {"status": "open"}


def test_verify_names_rows_deleted_from_the_end(fresh_settings: Settings) -> None:
    _plant(fresh_settings)
    approver = _clients(fresh_settings)["approver"]
    chain = sorted(_db_rows(fresh_settings).values(), key=lambda r: r.chain_seq)
    before, last = chain[-2], chain[-1]
    _as_owner(fresh_settings, "DELETE FROM finops.audit_log WHERE id = %s", (last.id,))
    report = _get(approver, "/verify")
    assert (report["ok"], report["rows_checked"], report["head_seq"]) == (
        False,
        len(chain) - 1,
        last.chain_seq,
    )
    detail = (
        f"the chain head is chain_seq {last.chain_seq} ({last.row_hash}), the last row is "
        f"chain_seq {before.chain_seq} ({before.row_hash})"
    )
    assert report["broken"] == {
        "problem": "row missing",
        "row_id": None,
        "chain_seq": last.chain_seq,
        "detail": detail,
        "message": f"row missing at the end of the chain (chain_seq {last.chain_seq}): {detail}",
    }


def test_finops_audit_list_filters_by_the_same_action_prefix(audit_settings: Settings) -> None:
    """``finops audit list --action budget`` lists what ``GET /audit?action=budget`` does."""
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(audit_settings), COLUMNS="300")
    listed = subprocess.run(
        [sys.executable, "-m", "finops", "audit", "list", "--action", "budget"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    body = [line.split(" | ") for line in listed.stdout.splitlines()[2:]]
    assert [(cells[3], cells[4], cells[5]) for cells in body] == [
        ("finops.analytics", "budgets.checked", "2026-11-04"),
        ("user:ann", "budget.delete", "team-a"),
        ("user:ann", "budget.save", "team-a"),
    ]
