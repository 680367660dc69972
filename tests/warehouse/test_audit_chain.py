"""The tamper-evident audit trail (migration 0015): rows written by the application, the API
under row-level security and the billing load's own connection form one hash chain, also under
concurrent writers and rolled-back transactions; a row altered, re-hashed or deleted behind the
platform's back is named by ``verify_chain`` and ``finops audit verify``; a writer cannot choose
a row's hash."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, ProgrammingError

from finops.config import Settings
from finops.db.engine import get_api_engine, get_engine, libpq_url, owner_url, server_url
from finops.db.migrate import upgrade
from finops.ingest.billing import ingest_billing
from finops.warehouse.audit import audit
from finops.warehouse.audit_chain import (
    CONTENT_ALTERED,
    GENESIS,
    LINK_BROKEN,
    ROW_MISSING,
    ChainReport,
    verify_chain,
)
from finops.warehouse.scope import ALL, Scope, apply_scope
from tests.conftest import create_database

SAMPLE = Path(__file__).parents[1] / "data" / "focus-sample-1.0" / "focus_sample.csv"


def _verify(settings: Settings) -> ChainReport:
    with get_engine(settings).connect() as conn:
        return verify_chain(conn)


def _chain(settings: Settings) -> list[tuple[int, int, str, str]]:
    """(chain_seq, id, prev_hash, row_hash) in chain order."""
    with get_engine(settings).connect() as conn:
        rows = conn.execute(
            text("SELECT chain_seq, id, prev_hash, row_hash FROM finops.audit_log ORDER BY 1")
        ).all()
    return [(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]


def _write(settings: Settings, count: int, *, actor: str = "test") -> None:
    with get_engine(settings).begin() as conn:
        for i in range(count):
            audit(
                conn,
                action="test.write",
                subject=f"s{i}",
                run_id=None,
                details={"i": i},
                actor=actor,
            )


def _as_owner(settings: Settings, statement: str, params: tuple[object, ...] = ()) -> None:
    """Change audit_log behind the platform's back: the owner disables the append-only trigger
    for one statement."""
    with psycopg.connect(libpq_url(owner_url(settings))) as conn:
        conn.execute("ALTER TABLE finops.audit_log DISABLE TRIGGER audit_log_append_only")
        conn.execute(statement, params)  # type: ignore[arg-type]
        conn.execute("ALTER TABLE finops.audit_log ENABLE TRIGGER audit_log_append_only")


def _intact(report: ChainReport, rows: int) -> None:
    assert report.broken is None
    assert report.rows_checked == rows
    assert report.head_seq == rows


def test_app_api_and_billing_load_rows_form_one_chain(fresh_settings: Settings) -> None:
    before = len(_chain(fresh_settings))
    _write(fresh_settings, 3, actor="finops.analytics")
    for scope in (ALL, Scope(accounts=frozenset({"111111111111"}))):
        with get_api_engine(fresh_settings).connect() as conn:
            apply_scope(conn, scope)
            audit(
                conn,
                action="api.change",
                subject="budget",
                run_id="r1",
                details={"a": [1]},
                actor="user:alice",
                request_id="r1",
            )
            conn.commit()
    ingest_billing(str(SAMPLE), settings=fresh_settings)

    chain = _chain(fresh_settings)
    with get_engine(fresh_settings).connect() as conn:
        actors = conn.execute(
            text("SELECT actor, count(*) FROM finops.audit_log GROUP BY 1 ORDER BY 1")
        ).all()
    assert {str(a): int(n) for a, n in actors if a in ("finops.analytics", "user:alice")} == {
        "finops.analytics": 3,
        "user:alice": 2,
    }
    assert any(a == "ingest" for a, _ in actors)  # the billing load's own connection
    assert len(chain) > before + 5
    assert [seq for seq, *_ in chain] == list(range(1, len(chain) + 1))
    assert chain[0][2] == GENESIS
    assert all(chain[i][2] == chain[i - 1][3] for i in range(1, len(chain)))
    report = _verify(fresh_settings)
    _intact(report, len(chain))
    assert report.head_hash == chain[-1][3]


def test_concurrent_writers_and_rollbacks_keep_one_linear_chain(fresh_settings: Settings) -> None:
    engine = get_engine(fresh_settings)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(40):
                with engine.connect() as conn:
                    for j in range(2):
                        audit(
                            conn,
                            action="test.concurrent",
                            subject=f"{name}/{i}/{j}",
                            run_id=name,
                            details={"i": i, "j": j},
                        )
                    if i % 5 == 4:
                        conn.rollback()  # two rows chained, then rolled back: no hole
                    else:
                        conn.commit()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    chain = _chain(fresh_settings)
    with engine.connect() as conn:
        written = conn.execute(
            text("SELECT count(*) FROM finops.audit_log WHERE action = 'test.concurrent'")
        ).scalar_one()
    assert written == 4 * 32 * 2  # 8 of 40 transactions per writer rolled back
    assert [seq for seq, *_ in chain] == list(range(1, len(chain) + 1))
    _intact(_verify(fresh_settings), len(chain))


def test_a_rolled_back_insert_leaves_no_hole(fresh_settings: Settings) -> None:
    _write(fresh_settings, 2)
    with get_engine(fresh_settings).connect() as conn:
        audit(conn, action="test.gone", subject="x", run_id=None, details={})
        conn.rollback()
    _write(fresh_settings, 1)
    chain = _chain(fresh_settings)
    ids = [row_id for _, row_id, *_ in chain]
    assert ids[-1] == ids[-2] + 2  # the rolled-back row took an id, not a chain position
    assert [seq for seq, *_ in chain] == list(range(1, len(chain) + 1))
    _intact(_verify(fresh_settings), len(chain))


def test_a_repeatable_read_writer_behind_the_chain_is_refused(fresh_settings: Settings) -> None:
    """Its snapshot predates another writer's commit: it would take the same chain_seq."""
    _write(fresh_settings, 1)
    engine = get_engine(fresh_settings)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as late:
        late.execute(text("SELECT count(*) FROM finops.audit_log")).scalar_one()  # snapshot
        _write(fresh_settings, 1)
        with pytest.raises(IntegrityError, match="audit_log_chain_seq_key"):
            audit(late, action="test.late", subject="x", run_id=None, details={})
    chain = _chain(fresh_settings)
    assert [seq for seq, *_ in chain] == list(range(1, len(chain) + 1))
    _intact(_verify(fresh_settings), len(chain))


def test_an_altered_row_is_named(fresh_settings: Settings) -> None:
    _write(fresh_settings, 5)
    chain = _chain(fresh_settings)
    target = chain[-3][1]
    _as_owner(
        fresh_settings,
        "UPDATE finops.audit_log SET details = '{\"i\": 99}' WHERE id = %s",
        (target,),
    )
    report = _verify(fresh_settings)
    assert report.broken is not None
    assert (report.broken.problem, report.broken.row_id) == (CONTENT_ALTERED, target)
    assert report.broken.chain_seq == chain[-3][0]
    assert report.rows_checked == len(chain) - 3


def test_an_altered_and_rehashed_row_breaks_the_next_link(fresh_settings: Settings) -> None:
    _write(fresh_settings, 5)
    chain = _chain(fresh_settings)
    target, following = chain[-3][1], chain[-2][1]
    _as_owner(
        fresh_settings,
        "UPDATE finops.audit_log SET details = '{\"i\": 99}' WHERE id = %s",
        (target,),
    )
    _as_owner(
        fresh_settings,
        "UPDATE finops.audit_log a SET row_hash = finops.audit_row_hash(a) WHERE id = %s",
        (target,),
    )
    report = _verify(fresh_settings)
    assert report.broken is not None
    assert (report.broken.problem, report.broken.row_id) == (LINK_BROKEN, following)


def test_a_deleted_row_is_named(fresh_settings: Settings) -> None:
    _write(fresh_settings, 5)
    chain = _chain(fresh_settings)
    _as_owner(fresh_settings, "DELETE FROM finops.audit_log WHERE id = %s", (chain[-3][1],))
    report = _verify(fresh_settings)
    assert report.broken is not None
    assert (report.broken.problem, report.broken.row_id) == (ROW_MISSING, chain[-2][1])
    assert f"chain_seq {chain[-3][0]} missing" in report.broken.describe()


def test_a_deleted_last_row_is_caught_by_the_head(fresh_settings: Settings) -> None:
    _write(fresh_settings, 3)
    chain = _chain(fresh_settings)
    _as_owner(fresh_settings, "DELETE FROM finops.audit_log WHERE id = %s", (chain[-1][1],))
    report = _verify(fresh_settings)
    assert report.broken is not None
    assert (report.broken.problem, report.broken.row_id) == (ROW_MISSING, None)
    assert report.rows_checked == len(chain) - 1
    assert report.head_seq == len(chain)


def test_rows_deleted_from_the_end_stay_missing_after_new_rows(fresh_settings: Settings) -> None:
    _write(fresh_settings, 4)
    chain = _chain(fresh_settings)
    _as_owner(fresh_settings, "DELETE FROM finops.audit_log WHERE chain_seq >= %s", (chain[-2][0],))
    _write(fresh_settings, 2)  # the next row links to the head, not to the last row left
    after = _chain(fresh_settings)
    assert [seq for seq, *_ in after][-2:] == [len(chain) + 1, len(chain) + 2]
    assert after[-2][2] == chain[-1][3]
    report = _verify(fresh_settings)
    assert report.broken is not None
    assert (report.broken.problem, report.broken.row_id) == (ROW_MISSING, after[-2][1])
    assert f"chain_seq {chain[-2][0]}..{chain[-1][0]} missing" in report.broken.describe()


def test_a_rolled_back_savepoint_leaves_no_hole(fresh_settings: Settings) -> None:
    with get_engine(fresh_settings).connect() as conn:
        audit(conn, action="test.kept", subject="a", run_id=None, details={})
        savepoint = conn.begin_nested()
        audit(conn, action="test.gone", subject="b", run_id=None, details={})
        savepoint.rollback()
        audit(conn, action="test.kept", subject="c", run_id=None, details={})
        conn.commit()
    chain = _chain(fresh_settings)
    assert [seq for seq, *_ in chain] == list(range(1, len(chain) + 1))
    _intact(_verify(fresh_settings), len(chain))


def test_a_writer_cannot_choose_the_hashes(fresh_settings: Settings) -> None:
    _write(fresh_settings, 2)
    with get_engine(fresh_settings).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO finops.audit_log (actor, action, subject, details, chain_seq, "
                "prev_hash, row_hash) VALUES ('forger', 'test.forge', 'x', '{}', 999, :p, :r)"
            ),
            {"p": "f" * 64, "r": "a" * 64},
        )
    chain = _chain(fresh_settings)
    seq, _, prev, row_hash = chain[-1]
    assert (seq, prev) == (len(chain), chain[-2][3])
    assert row_hash != "a" * 64
    _intact(_verify(fresh_settings), len(chain))
    # nor move the chain head
    with (
        get_engine(fresh_settings).connect() as conn,
        pytest.raises(ProgrammingError, match="permission denied for table audit_chain_head"),
    ):
        conn.execute(text("UPDATE finops.audit_chain_head SET chain_seq = 0"))


def test_the_migration_chains_existing_rows_in_id_order(
    pg_server: object, admin_url: str, finops_home: Path
) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
    )
    engine = get_engine(settings)
    assert upgrade(engine, revision="0014") == "0014"
    with engine.begin() as conn:
        for i in range(4):
            conn.execute(
                text(
                    "INSERT INTO finops.audit_log (actor, action, subject, details) "
                    "VALUES ('old', 'test.old', :s, '{}')"
                ),
                {"s": f"s{i}"},
            )
    assert upgrade(engine, revision="0015") == "0015"
    chain = _chain(settings)
    assert len(chain) >= 4
    assert [row_id for _, row_id, *_ in chain] == sorted(row_id for _, row_id, *_ in chain)
    _write(settings, 1)
    _intact(_verify(settings), len(chain) + 1)
    engine.dispose()


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FINOPS_DATABASE_URL=server_url(settings), COLUMNS="300")
    return subprocess.run(
        [sys.executable, "-m", "finops", *args], env=env, capture_output=True, text=True
    )


def test_finops_audit_verify_exits_1_naming_the_row(fresh_settings: Settings) -> None:
    _write(fresh_settings, 3)
    chain = _chain(fresh_settings)
    ok = _cli(fresh_settings, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert f"rows checked: {len(chain)}" in ok.stdout
    assert f"head: chain_seq {len(chain)} {chain[-1][3]}" in ok.stdout
    assert "audit chain intact" in ok.stderr

    listed = _cli(fresh_settings, "audit", "list", "--limit", "2", "--action", "test.write")
    assert listed.returncode == 0, listed.stderr
    body = [line for line in listed.stdout.splitlines() if line.startswith(f"| {chain[-1][1]} ")]
    assert len(listed.stdout.splitlines()) == 4 and len(body) == 1

    target = chain[-2][1]
    _as_owner(
        fresh_settings,
        "UPDATE finops.audit_log SET subject = 'rewritten' WHERE id = %s",
        (target,),
    )
    broken = _cli(fresh_settings, "audit", "verify")
    assert broken.returncode == 1
    assert f"content altered at row id {target} (chain_seq {chain[-2][0]})" in broken.stderr
    assert f"rows checked: {len(chain) - 2}" in broken.stdout
