"""The rows of a billing load are streamed from DuckDB to PostgreSQL's COPY through a pipe.

Both sides can fail: the tests check that neither hangs the other, that the error reaching the
caller names the cause, and that a failure during the COPY leaves the previous slice intact.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import text

from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import IngestError
from finops.ingest.billing import ingest_billing
from finops.ingest.billing.columns import FACT_COPY_COLUMNS
from finops.ingest.billing.sources import discover
from finops.ingest.billing.transform import PreparedUnit, prepare_unit
from tests.factories.cur2 import Cur2Export


def _export(cost: str = "7.0000000001") -> Cur2Export:
    export = Cur2Export(name="stream")
    for day in range(1, 6):
        export.add_usage(
            day=datetime(2026, 5, day),
            account="310000000001",
            service="AmazonEC2",
            cost=cost,
            resource_id=f"i-{day}",
            hours=4,
            tags={"user:team": "core"},
        )
    return export


def test_stream_matches_the_file_written_for_the_same_unit(tmp_path: Path) -> None:
    root = _export().write(tmp_path / "export")
    (unit,) = discover(root, work_dir=tmp_path / "d")
    with prepare_unit(unit, work_dir=tmp_path / "w") as prepared:
        with prepared.stream_rows() as handle:
            streamed = handle.read()
        assert prepared.rows == 5
        written = prepared.write_csv(tmp_path / "rows.csv")
    assert written == 5
    written_lines = (tmp_path / "rows.csv").read_bytes().splitlines()
    assert sorted(streamed.splitlines()) == sorted(written_lines)
    assert all(line.count(b",") >= len(FACT_COPY_COLUMNS) - 1 for line in streamed.splitlines())
    assert not list((tmp_path / "w").glob("*.pipe")), "the pipe is removed after use"


def test_a_reader_that_gives_up_does_not_hang_the_writer(tmp_path: Path) -> None:
    root = _export().write(tmp_path / "export")
    (unit,) = discover(root, work_dir=tmp_path / "d")
    with prepare_unit(unit, work_dir=tmp_path / "w") as prepared:
        with pytest.raises(RuntimeError, match="reader failed"), prepared.stream_rows() as handle:
            handle.read(10)
            raise RuntimeError("reader failed")
        assert [t.name for t in threading.enumerate() if t.name == "billing-rows"] == []
        assert not list((tmp_path / "w").glob("*.pipe"))


def test_a_writer_error_reaches_the_reader_with_its_cause(tmp_path: Path) -> None:
    root = _export().write(tmp_path / "export")
    (unit,) = discover(root, work_dir=tmp_path / "d")
    with prepare_unit(unit, work_dir=tmp_path / "w") as prepared:
        # fails at run time, after the statement started writing into the pipe
        prepared._rows_sql = (
            "SELECT * REPLACE (CAST(error('the writer broke') AS DECIMAL(38, 20)) AS billed_cost) "
            f"FROM ({prepared._rows_sql})"
        )
        with pytest.raises(IngestError, match="the writer broke"), prepared.stream_rows() as handle:
            handle.read()


def _slice(settings: Settings) -> tuple[int, Decimal]:
    with get_engine(settings).connect() as conn:
        row = conn.execute(text("SELECT count(*), sum(billed_cost) FROM finops.costs")).one()
    return int(row[0]), Decimal(row[1] or 0)


def test_a_copy_failure_midway_keeps_the_previous_slice(
    fresh_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _export().write(tmp_path / "v1")
    ingest_billing(str(first), settings=fresh_settings)
    before = _slice(fresh_settings)
    assert before == (5, Decimal("35.0000000005"))

    # the restated export's rows reach PostgreSQL through a stream that breaks part-way
    restated = _export(cost="9.0000000000").write(tmp_path / "v2")
    original = PreparedUnit.stream_rows

    class Breaking:
        def __init__(self, inner: BinaryIO) -> None:
            self.inner = inner
            self.reads = 0

        def read(self, size: int = -1) -> bytes:
            self.reads += 1
            if self.reads > 1:
                raise OSError("connection to the exporter lost")
            return self.inner.read(200)

    @contextmanager
    def breaking(self: PreparedUnit, *, first_id: int = 1) -> Iterator[Breaking]:
        with original(self, first_id=first_id) as handle:
            yield Breaking(handle)

    monkeypatch.setattr(PreparedUnit, "stream_rows", breaking)
    # the failure reaches the caller as an error naming the files, the period and the cause
    with pytest.raises(IngestError, match=r"stream-00001.*billing period 2026-05.*exporter lost"):
        ingest_billing(str(restated), settings=fresh_settings)
    assert _slice(fresh_settings) == before
    monkeypatch.undo()
    ingest_billing(str(restated), settings=fresh_settings)
    assert _slice(fresh_settings) == (5, Decimal("45.0000000000"))
